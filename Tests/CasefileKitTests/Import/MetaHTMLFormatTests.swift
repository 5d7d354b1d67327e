import CasefileKit
import Foundation
import Testing

/// Facebook's two generations of HTML message markup, and Instagram's, from invented fixtures.
@Suite struct MetaHTMLFormatTests {
  static let older = "facebook-html/2019/messages/inbox/jobloggs_a1b2c3d4e5/message_1.html"
  static let olderEntry = "messages/inbox/jobloggs_a1b2c3d4e5/message_1.html"
  static let newer = "facebook-html/2025/your_facebook_activity/messages/message_requests/nightowl_f6g7h8/message_1.html"
  static let newerEntry = "your_facebook_activity/messages/message_requests/nightowl_f6g7h8/message_1.html"
  static let instagram = "instagram-html/your_instagram_activity/messages/inbox/night.owl.77_17841400000000001/message_1.html"
  static let instagramEntry = "your_instagram_activity/messages/inbox/night.owl.77_17841400000000001/message_1.html"

  @Test func detectionByFolderAndPreamble() throws {
    let facebook = FacebookHTMLFormat()
    let instagram = InstagramHTMLFormat()
    let olderHead = try FormatFixtures.data(Self.older).prefix(4096)
    let instagramHead = try FormatFixtures.data(Self.instagram).prefix(4096)
    #expect(facebook.claims(entryPath: Self.olderEntry, head: olderHead))
    #expect(!instagram.claims(entryPath: Self.olderEntry, head: olderHead))
    #expect(facebook.claims(entryPath: "facebook-jo-2026/" + Self.newerEntry, head: try FormatFixtures.data(Self.newer).prefix(4096)))
    #expect(facebook.claims(entryPath: "your_activity_across_facebook/messages/archived_threads/x_1/message_3.html", head: olderHead))
    #expect(instagram.claims(entryPath: Self.instagramEntry, head: instagramHead))
    #expect(!facebook.claims(entryPath: Self.instagramEntry, head: instagramHead))
    // The older layout is the same path on both platforms: Instagram's logo before the main region decides.
    #expect(instagram.claims(entryPath: "messages/inbox/night.owl.77_1/message_1.html", head: instagramHead))
    #expect(!facebook.claims(entryPath: "messages/inbox/night.owl.77_1/message_1.html", head: instagramHead))
    // Not message pages: another section, another name, JSON, Telegram's name.
    #expect(!facebook.claims(entryPath: "messages/stickers_used/x/message_1.html", head: olderHead))
    #expect(!facebook.claims(entryPath: "messages/inbox/x/message_1.json", head: Data("{}".utf8)))
    #expect(!facebook.claims(entryPath: "messages/inbox/x/messages.html", head: olderHead))
    #expect(!facebook.claims(entryPath: "messages/inbox/x/message_1.html", head: Data("not html at all".utf8)))
  }

  @Test func olderMarkup() throws {
    let file = try FormatFixtures.data(Self.older)
    let (messages, warnings) = try FormatFixtures.read(FacebookHTMLFormat(), file, entry: Self.olderEntry)
    #expect(warnings.isEmpty)
    #expect(messages.count == 4)
    #expect(messages.allSatisfy { $0.format == "facebook-html" && $0.platform == .facebook && $0.kind == .dm })
    #expect(messages.allSatisfy { $0.thread == "jobloggs_a1b2c3d4e5" && $0.direction == .unknown })
    #expect(messages.map(\.sender?.handle) == ["Jo Bloggs", "Jo Bloggs", "Dr Example", "Jo Bloggs"])
    #expect(messages[0].text == "You think you can hide behind that clinic door?\nI saw your car & I know the <route> home.")
    #expect(UTCStamp.format(messages[0].occurredAt.utc) == "2026-11-20T20:30:05.000Z")
    #expect(messages[0].occurredAt.original == "Nov 20, 2026 8:30:05 pm")
    #expect(messages[0].occurredAt.zone == "Europe/Dublin")
    #expect(messages[0].occurredAt.zoneSource == .assumed)
    #expect(UTCStamp.format(messages[3].occurredAt.utc) == "2026-11-21T00:05:00.000Z")  // 12:05 am
    #expect(messages[3].url == "https://reviews.example.net/dr-example")
    #expect(messages[3].details["reactions"] == "😡Jo Bloggs")
    #expect(messages[3].text?.contains("😡") == false)  // reactions are kept apart from the text
    // The photo is named from the export's root.
    #expect(messages[1].media.map(\.name) == ["1234567890_10158.jpg"])
    guard case .entry(_, let candidates, _) = messages[1].media.first?.content else {
      Issue.record("the photo should be an entry of the export")
      return
    }
    #expect(candidates.contains("messages/inbox/jobloggs_a1b2c3d4e5/photos/1234567890_10158.jpg"))
    FormatFixtures.expectExactFragments(
      messages, in: file, texts: ["I saw your car &amp; I know the &lt;route&gt; home.", "Look at this", "Please stop", "Everyone will read this"])
    #expect(String(decoding: messages[0].fragment, as: UTF8.self).hasPrefix("<div class=\"pam _3-95"))
    #expect(String(decoding: messages[0].fragment, as: UTF8.self).hasSuffix("8:30:05 pm</div></div>"))
  }

  @Test func newerMarkupWithBrokenNestingAndAClockChange() throws {
    let file = try FormatFixtures.data(Self.newer)
    let (messages, warnings) = try FormatFixtures.read(FacebookHTMLFormat(), file, entry: Self.newerEntry)
    #expect(messages.count == 3)
    #expect(messages.allSatisfy { $0.sender?.handle == "Night Owl" && $0.thread == "nightowl_f6g7h8" })
    #expect(messages[0].text == "Are you the doctor from the health centre? I have questions about your \"care\".")
    // 01:30 on 25 October 2026 happens twice in Dublin: the earlier instant (IST, +01:00), with a warning.
    #expect(UTCStamp.format(messages[0].occurredAt.utc) == "2026-10-25T00:30:00.000Z")
    #expect(warnings.contains { $0.contains("happens twice") })
    #expect(UTCStamp.format(messages[1].occurredAt.utc) == "2026-11-20T22:15:00.000Z")
    #expect(UTCStamp.format(messages[2].occurredAt.utc) == "2026-11-20T23:59:30.000Z")
    #expect(messages[1].media.map(\.name) == ["999_111.mp4"])
    #expect(messages[1].media.first?.mediaType == "video/mp4")
    // The last section never closes: its fragment runs to the end of the file, and a warning says so.
    #expect(warnings.contains { $0.contains("end tag is missing") })
    #expect(String(decoding: messages[2].fragment, as: UTF8.self).hasPrefix("<section class=\"_a6-g\"><h2"))
    FormatFixtures.expectExactFragments(messages, in: file, texts: ["health centre", "Answer me", "Last warning."])
    #expect(!String(decoding: messages[0].fragment, as: UTF8.self).contains("Answer me"))
  }

  @Test func instagramPage() throws {
    let file = try FormatFixtures.data(Self.instagram)
    let (messages, warnings) = try FormatFixtures.read(InstagramHTMLFormat(), file, entry: Self.instagramEntry)
    #expect(warnings.isEmpty)
    #expect(messages.count == 3)
    #expect(messages.allSatisfy { $0.format == "instagram-html" && $0.platform == .instagram })
    #expect(messages.map(\.sender?.handle) == ["night.owl.77", "Instagram User", "night.owl.77"])
    #expect(UTCStamp.format(messages[0].occurredAt.utc) == "2026-11-20T21:15:00.000Z")  // "9:15 PM" after a narrow no-break space
    #expect(messages[1].text == "She doesn't deserve to practise.")
    #expect(messages[2].url == "https://www.instagram.com/p/EXAMPLEpost1/")
    #expect(messages[0].media.map(\.name) == ["17900000000000001.jpg"])
    FormatFixtures.expectExactFragments(messages, in: file, texts: ["I found your house.", "deserve", "EXAMPLEpost1"])
  }

  @Test func timesInEveryShape() throws {
    let zone = TimeZone(identifier: "Europe/Dublin")!
    let location = CasefileError.Location(file: "x", entry: "y")
    for (text, expected) in [
      ("Nov 20, 2026, 8:30 PM", "2026-11-20T20:30:00.000Z"), ("20 Nov 2026, 20:30", "2026-11-20T20:30:00.000Z"),
      ("20 November 2026 20:30:00", "2026-11-20T20:30:00.000Z"), ("Friday, November 20, 2026 at 8:30 PM", "2026-11-20T20:30:00.000Z"),
      ("2026-11-20 20:30:00", "2026-11-20T20:30:00.000Z"), ("Nov 20, 2026 8:30:00 pm UTC+01", "2026-11-20T19:30:00.000Z"),
      ("Jul 1, 2026 12:00 am", "2026-06-30T23:00:00.000Z"), ("Nov 20, 2026 8:30 pm UTC+1", "2026-11-20T19:30:00.000Z"),
      ("Nov 20, 2026 8:30 pm UTC-05:30", "2026-11-21T02:00:00.000Z"), ("Nov 20, 2026 8:30 pm GMT", "2026-11-20T20:30:00.000Z"),
    ] {
      let parsed = try FacebookHTMLFormat.parseTime(text, zone: zone, location: location)
      #expect(UTCStamp.format(parsed.utc) == expected, "\(text)")
      #expect(parsed.original == text)
    }
    for bad in ["Nov 31, 2026 8:30 pm", "Nov 20, 2026 13:30 pm", "Brumaire 20, 2026 8:30", "Nov 20, 2026", "20.11.2026 20:30 UTC+99"] {
      let error = #expect(throws: CasefileError.self, "\(bad)") { try FacebookHTMLFormat.parseTime(bad, zone: zone, location: location) }
      #expect(error?.code == .badExport)
      #expect(error?.location?.entry == "y")
      #expect(error?.message.contains(bad) == false)  // what stands in the time's place may be message text
    }
  }

  @Test func pageWithoutMessageBlocksIsAClearError() throws {
    let page = Data("<html><body><div role=\"main\"><p>You have no messages.</p></div></body></html>".utf8)
    let error = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(FacebookHTMLFormat(), page, entry: Self.olderEntry)
    }
    #expect(error?.code == .badExport)
    #expect(error?.location?.entry == Self.olderEntry)
  }

  @Test func aCutPageStillReadsItsWholeMessagesAndWarns() throws {
    let file = try FormatFixtures.data(Self.older)
    let cut = file.prefix(file.range(of: Data("Please stop".utf8))!.lowerBound)
    let (messages, warnings) = try FormatFixtures.read(FacebookHTMLFormat(), Data(cut), entry: Self.olderEntry)
    // The two whole blocks are read; the cut one has no time and is not a message block.
    #expect(messages.count == 2)
    #expect(warnings.contains { $0.contains("cut short") })
  }
}
