import CasefileKit
import Foundation
import Testing

/// Google Voice texts, calls and voicemail from Google Takeout, from invented fixtures.
@Suite struct GoogleVoiceFormatTests {
  static let folder = "Takeout/Voice/Calls/"
  static let text = "+15550100123 - Text - 2026-11-20T20_30_05Z.html"
  static let voicemail = "+15550100123 - Voicemail - 2026-11-21T02_10_00Z.html"
  static let missed = "+15550100123 - Missed - 2026-11-21T02_05_00Z.html"

  func read(_ name: String) throws -> (messages: [ImportedMessage], warnings: [String], file: Data) {
    let file = try FormatFixtures.data("google-voice/" + Self.folder + name)
    let (messages, warnings) = try FormatFixtures.read(GoogleVoiceFormat(), file, entry: Self.folder + name)
    return (messages, warnings, file)
  }

  @Test func detection() throws {
    let format = GoogleVoiceFormat()
    let head = try FormatFixtures.data("google-voice/" + Self.folder + Self.text).prefix(4096)
    #expect(format.claims(entryPath: Self.folder + Self.text, head: head))
    #expect(format.claims(entryPath: "takeout-20261121/Takeout/Voice/Calls/Group Conversation - 2026-11-20T20_30_05Z.html", head: head))
    #expect(!format.claims(entryPath: Self.folder + "+15550100123 - Text - 2026-11-20T20_30_05Z-1-1.jpg", head: Data()))
    #expect(!format.claims(entryPath: "Takeout/Voice/Phones.vcf", head: Data()))
    #expect(!format.claims(entryPath: "Takeout/Mail/Calls/x - Text - y.html", head: head))
    #expect(!format.claims(entryPath: Self.folder + "notes.html", head: head))
  }

  @Test func textConversation() throws {
    let (messages, warnings, file) = try read(Self.text)
    #expect(warnings.isEmpty)
    #expect(messages.count == 3)
    #expect(messages.allSatisfy { $0.format == "google-voice" && $0.platform == .sms && $0.thread == "+15550100123" })
    #expect(messages[0].sender == ActorInput(handle: "+15550100123", displayName: "Unknown Caller"))
    #expect(messages[0].direction == .received)
    #expect(messages[0].text == "I know which pharmacy you use.\nSee you there.")
    #expect(UTCStamp.format(messages[0].occurredAt.utc) == "2026-11-20T20:30:05.000Z")
    #expect(messages[0].occurredAt.zoneSource == .stated)
    #expect(messages[0].occurredAt.zone == "-05:00")
    #expect(messages[1].sender == nil)  // "Me"
    #expect(messages[1].direction == .sent)
    #expect(messages[2].kind == .mms)
    #expect(messages[2].text == "Someone who <remembers> you & your family.")
    FormatFixtures.expectExactFragments(messages, in: file, texts: ["pharmacy", "Who is this?", "&lt;remembers&gt;"])
    #expect(String(decoding: messages[0].fragment, as: UTF8.self).hasPrefix("<div class=\"message\">"))
  }

  @Test func picturesAreNamedWithoutTheirExtension() throws {
    let media = try read(Self.text).messages[2].media
    #expect(media.count == 2)
    #expect(
      media.first?.content
        == .entry(
          reference: "+15550100123 - Text - 2026-11-20T20_30_05Z-1-1",
          candidates: ["Takeout/Voice/Calls/+15550100123 - Text - 2026-11-20T20_30_05Z-1-1", "+15550100123 - Text - 2026-11-20T20_30_05Z-1-1"],
          anyExtension: true))
  }

  @Test func voicemailAndMissedCall() throws {
    let (voicemails, _, file) = try read(Self.voicemail)
    #expect(voicemails.count == 1)
    let voicemail = voicemails[0]
    #expect(voicemail.kind == .voicemail)
    #expect(voicemail.text == "Pick up. I'm outside.")
    #expect(voicemail.details["duration"] == "PT12S")
    #expect(voicemail.sender?.handle == "+15550100123")
    #expect(UTCStamp.format(voicemail.occurredAt.utc) == "2026-11-21T02:10:00.000Z")
    #expect(voicemail.media.map(\.name) == ["+15550100123 - Voicemail - 2026-11-21T02_10_00Z.mp3"])
    FormatFixtures.expectExactFragments(voicemails, in: file, texts: ["Pick up."])
    let missed = try read(Self.missed).messages
    #expect(missed.count == 1)
    #expect(missed[0].kind == .call)
    #expect(missed[0].details["call_type"] == "missed")
    #expect(missed[0].text == nil)
    #expect(missed[0].direction == .received)
  }

  @Test func malformedFilesAreClearErrors() throws {
    let noLog = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(GoogleVoiceFormat(), Data("<html><body><p>hi</p></body></html>".utf8), entry: Self.folder + Self.text)
    }
    #expect(noLog?.code == .badExport)
    #expect(noLog?.location?.entry == Self.folder + Self.text)
    let noTime = """
      <html><body><div class="hChatLog hfeed">
      <div class="message"><cite class="sender vcard"><a class="tel" href="tel:+1"><span class="fn">A</span></a></cite><q>x</q></div>
      </div></body></html>
      """
    let error = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(GoogleVoiceFormat(), Data(noTime.utf8), entry: Self.folder + Self.text)
    }
    #expect(error?.message.contains("no time") == true)
    #expect(error?.location?.line == 2)
  }
}
