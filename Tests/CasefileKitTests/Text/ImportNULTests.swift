import CasefileKit
import Foundation
import Testing

/// A NUL inside a message of each format that can carry one is imported, stored and read back
/// whole; formats that cannot carry one say so.
@Suite struct ImportNULTests {
  /// One format's fixture with one text changed to hold a NUL.
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    /// The fixture folder under Tests/Fixtures, copied whole.
    var fixture: String
    /// The file inside it that is changed.
    var file: String
    var original: String
    /// What replaces `original`, written as the format writes a NUL.
    var replacement: String
    /// What the stored text holds: the NUL itself, or for HTML, which has no NUL (a browser leaves
    /// it out of the text), everything around it.
    var expected: String = ImportNULTests.expected
    var testDescription: String { name }
  }

  static let expected = "See you soon\u{0} I know where you live"
  static let json = #"See you soon\u0000 I know where you live"#
  /// HTML has no NUL: a browser leaves it out of the text (the HTML standard ignores it in a body),
  /// and libxml2 drops it or reads it as a space. What matters is kept: the message after it, and
  /// the raw fragment with the NUL itself.
  static let htmlExpected = "See you soon I know where you live"

  static let cases: [Case] = [
    Case(name: "Telegram JSON", fixture: "telegram-json/single", file: "result.json", original: "Answer the phone, doctor.", replacement: json),
    Case(
      name: "Facebook JSON", fixture: "facebook-json", file: "your_facebook_activity/messages/inbox/siobhanobriain_99887766/message_1.json",
      original: "Please stop messaging me.", replacement: json),
    Case(
      name: "Instagram comments JSON", fixture: "meta-comments/instagram", file: "your_instagram_activity/comments/post_comments_1.json",
      original: "Please stop messaging the clinic", replacement: json),
    Case(
      name: "Facebook comments JSON", fixture: "meta-comments/facebook-2024",
      file: "your_activity_across_facebook/comments_and_reactions/comments.json", original: "The clinic is closed on bank holidays.",
      replacement: json),
    Case(
      name: "Facebook end-to-end encrypted JSON", fixture: "meta-comments/facebook-e2ee", file: "chats/jobloggs_1.json",
      original: "I know where you park.", replacement: json),
    Case(name: "X archive", fixture: "x/twitter-2026-11-24", file: "data/direct-messages.js", original: "Please stop contacting me here.", replacement: json),
    Case(
      name: "Mastodon (HTML in JSON)", fixture: "mastodon/archive-20261124", file: "outbox.json", original: "Winter vaccines: walk-in Saturday",
      replacement: json, expected: htmlExpected),
    Case(
      name: "Telegram HTML", fixture: "telegram-html/ChatExport_2026-11-20", file: "messages.html", original: "You will regret this, doctor.",
      replacement: expected, expected: htmlExpected),
    Case(
      name: "Facebook HTML", fixture: "facebook-html/2025", file: "your_facebook_activity/messages/message_requests/nightowl_f6g7h8/message_1.html",
      original: "Last warning.", replacement: expected, expected: htmlExpected),
    Case(
      name: "Instagram HTML", fixture: "instagram-html",
      file: "your_instagram_activity/messages/inbox/night.owl.77_17841400000000001/message_1.html",
      original: "I found your house. Nice garden.", replacement: expected, expected: htmlExpected),
    Case(
      name: "Google Voice HTML", fixture: "google-voice/Takeout", file: "Voice/Calls/+15550100123 - Text - 2026-11-20T20_30_05Z.html",
      original: "Who is this?", replacement: expected, expected: htmlExpected),
    Case(
      name: "Discord", fixture: "discord/package", file: "Messages/c1187654321098765432/messages.json",
      original: "I am not discussing this here. Please stop.", replacement: json),
    Case(
      name: "WhatsApp text", fixture: "whatsapp/android", file: "WhatsApp Chat with Jo Example.txt", original: "You will regret this, doctor.",
      replacement: expected),
    Case(
      name: "YouTube comments CSV", fixture: "youtube-comments/Takeout", file: "YouTube and YouTube Music/comments/comments.csv",
      original: "Thank you all for the kind words about the clinic.", replacement: json),
  ]

  @Test(arguments: cases) func aNULIsImportedWhole(_ format: Case) throws {
    let folder = try TempFolder()
    let export = folder.url("export")
    try FileManager.default.copyItem(at: FormatFixtures.root.appendingPathComponent(format.fixture), to: export)
    let file = export.appendingPathComponent(format.file)
    let text = try String(contentsOf: file, encoding: .utf8)
    #expect(text.contains(format.original))
    try Data(text.replacingOccurrences(of: format.original, with: format.replacement).utf8).write(to: file)
    let t = try TestStore()
    let ref = try t.store.openCase(title: "NUL", category: .threat, severity: .high).ref
    _ = try FormatFixtures.importExport(t.store, ref, export)
    let texts = try t.store.caseDetail(ref).evidence.compactMap(\.text)
    // HTML readers fold whitespace their own ways (a NUL may become a space): compare words.
    let words = { (text: String) in format.expected == Self.expected ? text : text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
    #expect(texts.contains { words($0).contains(format.expected) }, "\(texts)")
    // The raw fragment holds the NUL as the export wrote it.
    let fragments = try t.store.caseDetail(ref).evidence.compactMap { try t.store.provenance(of: $0.ref)?.fragment }
    #expect(fragments.contains { $0.contains(0) || $0.range(of: Data(#"\u0000"#.utf8)) != nil })
    #expect(try t.store.fsck().ok)
  }

  @Test func aNULInAMailBodyIsImportedWhole() throws {
    let folder = try TempFolder()
    let file = folder.url("threat.eml")
    let mail = [
      "Message-ID: <nul.1@mail.example.org>", "Date: Fri, 20 Nov 2026 21:30:05 +0000", "From: Jo Sample <jo.sample@example.org>",
      "To: Dr Example <dr.example@example.org>", "Subject: Hello", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "",
      Self.expected, "",
    ].joined(separator: "\r\n")
    try Data(mail.utf8).write(to: file)
    let t = try TestStore()
    let ref = try t.store.openCase(title: "NUL", category: .threat, severity: .high).ref
    _ = try FormatFixtures.importExport(t.store, ref, file)
    #expect(try t.store.caseDetail(ref).evidence.compactMap(\.text).contains { $0.contains(Self.expected) })
  }

  /// XML 1.0 has no NUL: `&#0;` is not well-formed, so an SMS backup holding one is refused as a
  /// whole, never imported cut.
  @Test func anSMSBackupWithACharacterReferenceToNULIsRefused() throws {
    let folder = try TempFolder()
    let file = folder.url("sms-20261120.xml")
    let text = try String(contentsOf: FormatFixtures.root.appendingPathComponent("sms-backup/sms-20261120.xml"), encoding: .utf8)
    let changed = text.replacingOccurrences(of: "body=\"", with: "body=\"See you soon&#0; ")
    #expect(changed != text)
    try Data(changed.utf8).write(to: file)
    let t = try TestStore()
    let ref = try t.store.openCase(title: "NUL", category: .threat, severity: .high).ref
    #expect(throws: CasefileError.self) { try FormatFixtures.importExport(t.store, ref, file) }
    #expect(try t.store.caseDetail(ref).evidence.isEmpty)
  }
}
