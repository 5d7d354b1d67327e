import CasefileKit
import Foundation
import GRDB
import Testing

@Suite struct WhatsAppChatFormatTests {
  static let iosPath = "whatsapp/ios/_chat.txt"
  static let androidPath = "whatsapp/android/WhatsApp Chat with Jo Example.txt"
  static let usPath = "whatsapp/us/WhatsApp Chat with Sam Sample.txt"
  static let ambiguousPath = "whatsapp/ambiguous/WhatsApp Chat with Alex Sample.txt"

  func read(
    _ path: String, entry: String? = nil, source: String = "/exports/WhatsApp Chat - Jo Example.zip", chunk: Int = 97
  ) throws -> (messages: [ImportedMessage], warnings: [String]) {
    try FormatFixtures.read(
      WhatsAppChatFormat(), FormatFixtures.data(path), entry: entry ?? (path as NSString).lastPathComponent, source: source, chunk: chunk)
  }

  func readText(_ text: String, entry: String = "WhatsApp Chat with Test.txt") throws -> (messages: [ImportedMessage], warnings: [String]) {
    try FormatFixtures.read(WhatsAppChatFormat(), Data(text.utf8), entry: entry, source: "/exports/\(entry)")
  }

  func stamp(_ message: ImportedMessage) -> String { UTCStamp.format(message.occurredAt.utc) }

  // MARK: Detection

  @Test func detection() throws {
    let format = WhatsAppChatFormat()
    let ios = try FormatFixtures.data(Self.iosPath).prefix(4096)
    let android = try FormatFixtures.data(Self.androidPath).prefix(4096)
    #expect(format.claims(entryPath: "_chat.txt", head: ios))
    #expect(format.claims(entryPath: "WhatsApp Chat - Jo Example/_chat.txt", head: Data()))
    #expect(format.claims(entryPath: "WhatsApp Chat with Jo Example.txt", head: android))
    // Any .txt whose first line with content is a header, of either shape.
    #expect(format.claims(entryPath: "chat-backup.txt", head: ios))
    #expect(format.claims(entryPath: "chat-backup.txt", head: android))
    #expect(format.claims(entryPath: "notes/us.txt", head: try FormatFixtures.data(Self.usPath)))
    #expect(format.claims(entryPath: "x.txt", head: Data("\n\u{200E}2026-11-20, 21:30 - A: b".utf8)))
    // Not arbitrary text, not other extensions, not other formats' files.
    #expect(!format.claims(entryPath: "notes.txt", head: Data("Shopping list\n20/11/26, 21:30 - milk".utf8)))
    #expect(!format.claims(entryPath: "notes.txt", head: Data("20/11/26 was a hard day".utf8)))
    #expect(!format.claims(entryPath: "empty.txt", head: Data()))
    #expect(!format.claims(entryPath: "_chat.json", head: ios))
    #expect(!format.claims(entryPath: "chat.html", head: ios))
    #expect(!format.claims(entryPath: "sms-1.xml", head: Data("<smses count='0'/>".utf8)))
    #expect(!format.claims(entryPath: "messages.html", head: Data("<html><div class=\"history\">".utf8)))
    // And the registry finds it, for both files, ahead of nothing else.
    #expect(FormatRegistry.detect(entryPath: "_chat.txt", head: ios)?.id == "whatsapp-chat")
    #expect(FormatRegistry.detect(entryPath: "WhatsApp Chat with Jo Example.txt", head: android)?.id == "whatsapp-chat")
    #expect(try FormatRegistry.named("whatsapp-chat").id == "whatsapp-chat")
  }

  // MARK: iOS

  @Test func iosMessages() throws {
    let (messages, warnings) = try read(Self.iosPath)
    #expect(warnings.isEmpty)
    // The encryption notice (attributed, behind U+200E) and the phone-number change are skipped.
    #expect(messages.count == 6)
    let first = messages[0]
    #expect(first.format == "whatsapp-chat")
    #expect(first.platform == .whatsapp)
    #expect(first.kind == .dm)
    #expect(first.direction == .unknown)
    #expect(first.platformMessageID == nil)
    #expect(first.thread == "Jo Example")  // `_chat.txt` at the top: the zip's name
    #expect(first.sender == ActorInput(handle: "Jo Example", displayName: "Jo Example"))
    #expect(first.text == "You will regret this, doctor.\nI know where the clinic is.")  // a continuation line
    #expect(first.entryPath == "_chat.txt")
    #expect(first.details["date_order"] == "day-month-year")
    #expect(messages[2].sender?.handle == "Dr Example")
    #expect(messages[2].text == "Please stop contacting me.")
    // U+200E inside the text is stripped too.
    #expect(messages[5].text == "Still here. Check your car.")
    #expect(messages.allSatisfy { !($0.text ?? "").unicodeScalars.contains { $0 == "\u{200E}" || $0 == "\u{FEFF}" } })
  }

  @Test func iosTimesAreLocalAndAssumed() throws {
    let messages = try read(Self.iosPath).messages
    let first = messages[0].occurredAt
    #expect(UTCStamp.format(first.utc) == "2026-11-20T21:29:40.000Z")
    #expect(first.original == "20/11/26, 21:29:40")
    #expect(first.zone == "Europe/Dublin")
    #expect(first.zoneSource == .assumed)
    #expect(stamp(messages[5]) == "2026-11-21T08:02:09.000Z")
  }

  @Test func iosMedia() throws {
    let messages = try read(Self.iosPath, entry: "WhatsApp Chat - Jo Example/_chat.txt").messages
    #expect(messages[0].thread == "Jo Example")  // the folder's name
    let photo = messages[1]
    #expect(photo.text == nil)
    #expect(photo.media.count == 1)
    #expect(photo.media.first?.name == "00000012-PHOTO-2026-11-20-21-30-05.jpg")
    #expect(photo.media.first?.mediaType == "image/jpeg")
    #expect(
      photo.media.first?.content
        == .entry(
          reference: "00000012-PHOTO-2026-11-20-21-30-05.jpg",
          candidates: ["WhatsApp Chat - Jo Example/00000012-PHOTO-2026-11-20-21-30-05.jpg", "00000012-PHOTO-2026-11-20-21-30-05.jpg"],
          anyExtension: false))
    // "image omitted": the export left the file out.
    #expect(messages[3].text == nil)
    #expect(messages[3].media.first?.content == .missing(reference: "image omitted"))
    #expect(messages[4].media.first?.name == "00000013-AUDIO-2026-11-20-21-34-00.opus")
  }

  @Test func iosFragmentsAreTheFilesOwnBytes() throws {
    let file = try FormatFixtures.data(Self.iosPath)
    let messages = try read(Self.iosPath).messages
    FormatFixtures.expectExactFragments(
      messages, in: file,
      texts: ["I know where the clinic is.", "<attached: 00000012", "Please stop", "image omitted", "AUDIO", "Check your car."])
    let text = messages.map { String(decoding: $0.fragment, as: UTF8.self) }
    // Header line plus its continuation, with no line break at the end and no file BOM at the start.
    #expect(text[0] == "[20/11/26, 21:29:40] Jo Example: You will regret this, doctor.\nI know where the clinic is.")
    // The marks stay in the fragment, as they are in the file.
    #expect(text[1] == "\u{200E}[20/11/26, 21:30:05] Jo Example: \u{200E}<attached: 00000012-PHOTO-2026-11-20-21-30-05.jpg>")
    // The system line ends the message before it: it is in no fragment.
    #expect(text[2] == "[20/11/26, 21:31:10] Dr Example: Please stop contacting me.")
    #expect(!text.contains { $0.contains("phone number") || $0.contains("end-to-end") })
    #expect(messages.allSatisfy { $0.fragment.first != 0xEF })
    // Chunking does not matter: the file is read whole.
    #expect(try read(Self.iosPath, chunk: 1).messages.map(\.fragment) == messages.map(\.fragment))
  }

  @Test func systemLinesQuotingAColonAreNotMessages() throws {
    let chat = Data("""
      21/11/2026, 09:00 - Jo Example created group "Parents: Year 4"
      21/11/2026, 09:01 - Jo Example changed the subject from "Parents: Year 4" to "Truth about the doctor: read this"
      21/11/2026, 09:02 - Jo Example changed the group description
      21/11/2026, 09:03 - Jo Example: Everyone should know what she did.
      21/11/2026, 09:04 - Sam "The Lad" Example: Names can have quotes: this is a message.
      """.utf8)
    let (messages, _) = try FormatFixtures.read(WhatsAppChatFormat(), chat, entry: "WhatsApp Chat with Parents.txt")
    #expect(messages.map { $0.sender?.handle } == ["Jo Example", "Sam \"The Lad\" Example"])
    #expect(messages[0].text == "Everyone should know what she did.")
  }

  // MARK: Android

  @Test func androidMessages() throws {
    let file = try FormatFixtures.data(Self.androidPath)
    let (messages, warnings) = try read(Self.androidPath, source: "/exports/WhatsApp Chat with Jo Example.txt")
    #expect(warnings.isEmpty)
    #expect(messages.count == 5)  // the encryption notice and the block are system lines
    #expect(messages.allSatisfy { $0.thread == "Jo Example" })
    #expect(messages.map { $0.sender?.handle } == ["Jo Example", "Jo Example", "Jo Example", "+44 7700 900123", "+44 7700 900123"])
    // 12-hour clock, U+202F before PM; 12:05 AM is five past midnight.
    #expect(messages.map(stamp) == [
      "2026-11-20T21:29:00.000Z", "2026-11-20T21:30:00.000Z", "2026-11-20T21:31:00.000Z", "2026-11-20T21:45:00.000Z",
      "2026-11-21T00:05:00.000Z",
    ])
    #expect(messages[0].occurredAt.original == "20/11/2026, 9:29\u{202F}PM")
    // `(file attached)` names a file beside the chat; the next line is its caption.
    #expect(messages[1].text == "Look what I found on your car")
    #expect(messages[1].media.first?.name == "IMG-20261120-WA0001.jpg")
    #expect(messages[1].media.first?.content == .entry(reference: "IMG-20261120-WA0001.jpg", candidates: ["IMG-20261120-WA0001.jpg"], anyExtension: false))
    // `<Media omitted>`: no file, recorded as missing.
    #expect(messages[2].text == nil)
    #expect(messages[2].media.first?.content == .missing(reference: "<Media omitted>"))
    FormatFixtures.expectExactFragments(
      messages, in: file, texts: ["regret", "(file attached)\nLook what I found on your car", "<Media omitted>", "Everyone", "Midnight"])
    // The block line after the omitted media is not part of it.
    #expect(String(decoding: messages[2].fragment, as: UTF8.self) == "20/11/2026, 9:31\u{202F}PM - Jo Example: <Media omitted>")
  }

  // MARK: Day and month

  @Test func monthFirstIsInferred() throws {
    let (messages, warnings) = try read(Self.usPath)
    #expect(warnings.isEmpty)
    #expect(messages.map(stamp) == ["2026-11-20T21:30:00.000Z", "2026-11-20T21:31:00.000Z", "2026-12-01T07:05:00.000Z"])
    #expect(messages.allSatisfy { $0.details["date_order"] == "month-day-year" })
    #expect(messages[2].occurredAt.original == "12/1/26, 7:05 AM")
    #expect(messages[0].thread == "Sam Sample")
  }

  @Test func undecidableOrderIsReadDayFirstWithAWarning() throws {
    let (messages, warnings) = try read(Self.ambiguousPath)
    #expect(messages.map(stamp) == ["2026-11-05T10:00:00.000Z", "2026-11-06T11:15:30.000Z"])
    #expect(messages.allSatisfy { $0.details["date_order"] == "day-month-year (assumed)" })
    #expect(warnings.count == 1)
    #expect(warnings.first?.contains("day first") == true)
    #expect(!warnings.contains { $0.contains("First message") })
  }

  @Test func theWholeFileDecidesTheOrderBeforeTheFirstMessage() throws {
    // The first two dates fit either order; the third shows the day comes first.
    let messages = try readText("""
      02/03/26, 10:00 - A: one
      04/03/26, 10:00 - A: two
      25/03/26, 10:00 - A: three

      """).messages
    #expect(messages.map(stamp) == ["2026-03-02T10:00:00.000Z", "2026-03-04T10:00:00.000Z", "2026-03-25T10:00:00.000Z"])
  }

  @Test func localeVariants() throws {
    // Dotted dates, no comma, German-style; four-digit year.
    let dotted = try readText("[20.11.26, 21:30:05] Jo: eins\n[21.11.2026 08:00:00] Jo: zwei\n").messages
    #expect(dotted.map(stamp) == ["2026-11-20T21:30:05.000Z", "2026-11-21T08:00:00.000Z"])
    #expect(dotted[1].occurredAt.original == "21.11.2026 08:00:00")
    // Year first: always year, month, day, with no warning.
    let (yearFirst, warnings) = try readText("2026-11-05, 21:30 - Jo: one\n[2026-11-06, 9:05:00\u{00A0}a.m.] Jo: two\n")
    #expect(warnings.isEmpty)
    #expect(yearFirst.map(stamp) == ["2026-11-05T21:30:00.000Z", "2026-11-06T09:05:00.000Z"])
    // Lowercase pm, a plain space, CRLF line ends (kept out of text and fragment ends).
    let crlf = try readText("20/11/2026, 12:15 pm - Jo: noon\r\nsecond line\r\n20/11/2026, 12:40 am - Jo: night\r\n").messages
    #expect(crlf.map(stamp) == ["2026-11-20T12:15:00.000Z", "2026-11-20T00:40:00.000Z"])
    #expect(crlf[0].text == "noon\nsecond line")
    #expect(String(decoding: crlf[0].fragment, as: UTF8.self) == "20/11/2026, 12:15 pm - Jo: noon\r\nsecond line")
  }

  @Test func theSameThreatTwiceInOneMinuteIsTwoItems() throws {
    let chat = "20/11/2026, 21:30 - Jo: I am outside\n20/11/2026, 21:30 - Jo: I am outside\n20/11/2026, 21:31 - Jo: I am outside\n"
    let messages = try readText(chat).messages
    #expect(messages.map(\.occurrence) == [1, 2, 1])
    #expect(Set(messages.map(\.identity)).count == 3)
    // A re-read numbers them alike, so a re-import adds nothing.
    #expect(try readText(chat).messages.map(\.identity) == messages.map(\.identity))
    let t = try TestStore()
    let ref = try t.store.openCase(title: "WhatsApp", category: .threat, severity: .high).ref
    let folder = try TempFolder()
    try Data(chat.utf8).write(to: folder.url("WhatsApp Chat with Jo.txt"))
    #expect(try importAll(t.store, ref, folder.url("WhatsApp Chat with Jo.txt")).new == 3)
    #expect(try importAll(t.store, ref, folder.url("WhatsApp Chat with Jo.txt")).new == 0)
  }

  // MARK: Structure

  @Test func continuationsAfterASystemLineAreNotGluedToTheMessageBefore() throws {
    let file = """
      20/11/2026, 10:00 - Jo: before
      more of before
      20/11/2026, 10:01 - Jo changed the group description
      a description
      over two lines
      20/11/2026, 10:02 - Jo created group "Practice"

      20/11/2026, 10:03 - Jo: after

      with a blank line inside


      """
    let messages = try readText(file).messages
    #expect(messages.map(\.text) == ["before\nmore of before", "after\n\nwith a blank line inside"])
    #expect(String(decoding: messages[1].fragment, as: UTF8.self) == "20/11/2026, 10:03 - Jo: after\n\nwith a blank line inside")
  }

  @Test func linesBeforeTheFirstHeaderAreWarnedAboutWithoutTheirText() throws {
    let (messages, warnings) = try readText("secret words\nmore secret words\n20/11/2026, 10:00 - Jo: hello\n")
    #expect(messages.count == 1)
    #expect(warnings.count == 1)
    #expect(warnings.first?.hasPrefix("line 1: 2 lines") == true)
    #expect(!warnings.contains { $0.contains("secret") })
  }

  @Test func aTimeInTheClocksGoingBackIsReadWithAWarning() throws {
    // Europe/Dublin, 25 October 2026: 01:30 happens twice.
    let (messages, warnings) = try readText("[24/10/26, 23:59:00] Jo: late\n[25/10/26, 01:30:00] Jo: again\n")
    #expect(messages.count == 2)
    #expect(stamp(messages[1]) == "2026-10-25T00:30:00.000Z")  // the earlier instant, summer time
    #expect(messages[1].occurredAt.original == "25/10/26, 01:30:00")
    #expect(messages[1].occurredAt.zoneSource == .assumed)
    #expect(warnings.count == 1)
    #expect(warnings.first?.hasPrefix("line 2: '25/10/26, 01:30:00' ") == true)
    #expect(!warnings.contains { $0.contains("again") })
  }

  // MARK: Malformed

  @Test func malformedFilesAreClearErrorsThatQuoteNoMessageText() throws {
    let noHeader = #expect(throws: CasefileError.self) {
      try readText("just some private words\nand more\n", entry: "_chat.txt")
    }
    #expect(noHeader?.code == .badExport)
    #expect(noHeader?.location?.entry == "_chat.txt")
    #expect(noHeader?.location?.line == 1)
    #expect(noHeader?.message.contains("private") == false)

    // The 31st of a 30-day month, on line 3.
    let impossible = #expect(throws: CasefileError.self) {
      try readText("31/10/26, 10:00 - Jo: private one\n01/11/26, 10:00 - Jo: private two\n31/11/26, 10:00 - Jo: private three\n")
    }
    #expect(impossible?.code == .badExport)
    #expect(impossible?.location?.entry == "WhatsApp Chat with Test.txt")
    #expect(impossible?.location?.line == 3)
    #expect(impossible?.message.contains("'31/11/26, 10:00'") == true)
    #expect(impossible?.message.contains("private") == false)

    // Both fields above 12: no month at all.
    let noMonth = #expect(throws: CasefileError.self) { try readText("10/10/26, 10:00 - Jo: a\n20/20/26, 10:00 - Jo: private\n") }
    #expect(noMonth?.location?.line == 2)
    #expect(noMonth?.message.contains("private") == false)

    // Day first on one line, month first on another.
    let mixed = #expect(throws: CasefileError.self) { try readText("20/11/26, 10:00 - Jo: a\n11/21/26, 10:00 - Jo: private\n") }
    #expect(mixed?.code == .badExport)
    #expect(mixed?.location?.line == 2)
    #expect(mixed?.message.contains("line 1") == true)

    // An hour of 13 on a 12-hour clock.
    let badHour = #expect(throws: CasefileError.self) { try readText("20/11/26, 13:00 PM - Jo: private\n") }
    #expect(badHour?.location?.line == 1)
    #expect(badHour?.message.contains("private") == false)
  }

  @Test func aFileBeyondTheCapIsRefused() throws {
    let line = Data("20/11/2026, 10:00 - Jo: hello\n".utf8)
    let file = (0..<100).reduce(into: Data()) { data, _ in data.append(line) }
    let error = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(WhatsAppChatFormat(maximumBytes: 1000), file, entry: "_chat.txt")
    }
    #expect(error?.code == .badExport)
    #expect(error?.location?.entry == "_chat.txt")
    #expect(error?.message.contains("larger than") == true)
    #expect(try FormatFixtures.read(WhatsAppChatFormat(maximumBytes: 4000), file, entry: "_chat.txt").messages.count == 100)
  }

  // MARK: Through a store

  func importAll(_ store: CaseStore, _ caseRef: String, _ url: URL) throws -> ImportSummary {
    try FormatFixtures.importExport(store, caseRef, url)
  }

  @Test func aZipWithTheChatAndOnePhotoImportsOnce() throws {
    let folder = try TempFolder()
    let zip = folder.url("WhatsApp Chat - Jo Example.zip")
    let photo = try FormatFixtures.data("whatsapp/ios/00000012-PHOTO-2026-11-20-21-30-05.jpg")
    try writeArchive(zip, .zip, [
      .file("_chat.txt", try FormatFixtures.data(Self.iosPath), deflate: true),
      .file("00000012-PHOTO-2026-11-20-21-30-05.jpg", photo),
    ])
    let t = try TestStore()
    let ref = try t.store.openCase(title: "WhatsApp", category: .threat, severity: .high).ref
    let summary = try importAll(t.store, ref, zip)
    #expect(summary.new == 6)
    #expect(summary.mediaStored == 1)
    #expect(summary.mediaMissing == 2)  // the voice note not in the zip, and the image the export left out
    let detail = try t.store.caseDetail(ref)
    let withPhoto = try #require(detail.evidence.first { !$0.attachments.isEmpty })
    #expect(withPhoto.attachments[0].fileName == "00000012-PHOTO-2026-11-20-21-30-05.jpg")
    #expect(try t.store.blobs.read(withPhoto.attachments[0].sha256) == photo)
    let missing = try DatabaseQueue(path: t.store.location.databaseURL.path).read { db in
      try String.fetchAll(db, sql: "SELECT reference FROM missing_media ORDER BY reference")
    }
    #expect(missing == ["00000013-AUDIO-2026-11-20-21-34-00.opus", "image omitted"])
    #expect(try t.store.fsck().ok)

    // Again: nothing new, no second blob, no second missing row.
    let again = try importAll(t.store, ref, zip)
    #expect(again.new == 0 && again.alreadyPresent == 6)
    let counts = try DatabaseQueue(path: t.store.location.databaseURL.path).read { db in
      (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM attachments"), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM missing_media"))
    }
    #expect(counts.0 == 1 && counts.1 == 2)
  }
}
