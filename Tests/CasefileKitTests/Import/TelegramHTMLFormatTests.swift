import CasefileKit
import Foundation
import Testing

/// Reads fixture files through any format, in small chunks, collecting warnings, and imports
/// exports through a real store; shared by the format tests.
enum FormatFixtures {
  /// `Tests/Fixtures`.
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

  static func data(_ path: String) throws -> Data {
    try Data(contentsOf: root.appendingPathComponent(path))
  }

  static func read(
    _ format: any ExportFormat, _ data: Data, entry: String, source: String = "/exports/export.zip", chunk: Int = 97,
    zone: String = "Europe/Dublin", context: ExportContext = ExportContext()
  ) throws -> (messages: [ImportedMessage], warnings: [String]) {
    var bytes = data[...]
    var out: [ImportedMessage] = []
    var warnings: [String] = []
    try withoutActuallyEscaping({ (text: String) in warnings.append(text) }) { warn in
      let input = FormatInput(
        entryPath: entry, sourcePath: source, sourceZone: TimeZone(identifier: zone)!, context: context, warn: warn
      ) { _ in
        guard !bytes.isEmpty else { return nil }
        let piece = bytes.prefix(chunk)
        bytes = bytes.dropFirst(chunk)
        return Data(piece)
      }
      try format.messages(input) { out.append($0) }
    }
    return (out, warnings)
  }

  /// Imports an export (archive, folder or file) into a case the way `casefile import` does: its
  /// hash, registry detection, and media read from the export.
  /// Imports an export as `casefile import` does; the doctor of every fixture is "Dr Example".
  static func importExport(
    _ store: CaseStore, _ caseRef: String, _ url: URL, filter: ImportFilter = ImportFilter(), zone: String = "Europe/Dublin",
    owners: [String] = ["Dr Example"]
  ) throws -> ImportSummary {
    let source = try ExportSource(url: url)
    return try store.importMessages(
      caseRef: caseRef, source: ImportSourceInfo(path: url.path, kind: source.kind.rawValue, sha256: try source.sha256),
      filter: filter, dryRun: false, mediaSource: source, owners: owners
    ) { emit in
      try ExportReading.read(source, format: nil, sourceZone: TimeZone(identifier: zone)!, emit: emit)
    }
  }

  /// Every fragment is a byte-exact piece of the file and holds its message's text (as given).
  static func expectExactFragments(_ messages: [ImportedMessage], in file: Data, texts: [String?], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(messages.count == texts.count, sourceLocation: sourceLocation)
    for (message, text) in zip(messages, texts) {
      #expect(file.range(of: message.fragment) != nil, "fragment not in the file", sourceLocation: sourceLocation)
      if let text {
        #expect(String(decoding: message.fragment, as: UTF8.self).contains(text), "\(text)", sourceLocation: sourceLocation)
      }
    }
  }
}

@Suite struct TelegramHTMLFormatTests {
  static let page1Path = "telegram-html/ChatExport_2026-11-20/messages.html"
  static let page2Path = "telegram-html/ChatExport_2026-11-20/messages2.html"
  static let entry1 = "ChatExport_2026-11-20/messages.html"

  func page1() throws -> (messages: [ImportedMessage], warnings: [String]) {
    try FormatFixtures.read(TelegramHTMLFormat(), FormatFixtures.data(Self.page1Path), entry: Self.entry1)
  }

  @Test func detection() throws {
    let format = TelegramHTMLFormat()
    let head = try FormatFixtures.data(Self.page1Path).prefix(4096)
    #expect(format.claims(entryPath: Self.entry1, head: head))
    #expect(format.claims(entryPath: "chats/chat_003/messages12.html", head: try FormatFixtures.data(Self.page2Path).prefix(4096)))
    #expect(!format.claims(entryPath: "messages/inbox/someone_1/message_1.html", head: head))  // Facebook's name
    #expect(!format.claims(entryPath: "ChatExport/messages.json", head: head))
    #expect(!format.claims(entryPath: "messages.html", head: Data("<html><body><p>hello</p></body></html>".utf8)))
    #expect(!format.claims(entryPath: "messagesX.html", head: head))
    #expect(!format.claims(entryPath: "sms-1.xml", head: Data("<smses count='0'/>".utf8)))
  }

  @Test func messagesOfThePage() throws {
    let (messages, warnings) = try page1()
    #expect(warnings.isEmpty)
    #expect(messages.count == 4)  // the service message is skipped
    #expect(messages.map(\.platformMessageID) == ["ChatExport_2026-11-20/101", "ChatExport_2026-11-20/102", "ChatExport_2026-11-20/103", "ChatExport_2026-11-20/104"])
    let first = messages[0]
    #expect(first.format == "telegram-html")
    #expect(first.platform == .telegram)
    #expect(first.kind == .dm)
    #expect(first.thread == "Siobhán Ó Briain")
    #expect(first.sender?.handle == "Siobhán Ó Briain")
    #expect(first.text == "You will regret this, doctor.\nI know where the clinic is.")  // <br>
    #expect(first.entryPath == Self.entry1)
  }

  @Test func statedOffsetAndAssumedZone() throws {
    let messages = try page1().messages
    let stated = messages[0].occurredAt
    #expect(UTCStamp.format(stated.utc) == "2026-11-20T20:30:05.000Z")
    #expect(stated.original == "20.11.2026 21:30:05 UTC+01:00")
    #expect(stated.zone == "+01:00")
    #expect(stated.zoneSource == .stated)
    let assumed = messages[2].occurredAt  // "20.11.2026 21:40:00", no offset, read in Europe/Dublin
    #expect(UTCStamp.format(assumed.utc) == "2026-11-20T21:40:00.000Z")
    #expect(assumed.original == "20.11.2026 21:40:00")
    #expect(assumed.zone == "Europe/Dublin")
    #expect(assumed.zoneSource == .assumed)
  }

  @Test func joinedMessageInheritsTheSender() throws {
    let messages = try page1().messages
    #expect(messages[1].sender?.handle == "Siobhán Ó Briain")
    #expect(messages[1].text == "Your car <div> outside, 8pm & counting")
    #expect(messages[2].sender?.handle == "Dr Example")  // "via @examplebot" left out
    #expect(messages[2].details["reply_to"] == "ChatExport_2026-11-20/101")
    #expect(messages[3].text == "Everyone should know what she did.")
    #expect(messages[3].details["forwarded_from"] == "Niamh Example")
  }

  @Test func pageThatStartsJoinedWarnsAndLeavesTheSenderUnknown() throws {
    let (messages, warnings) = try FormatFixtures.read(
      TelegramHTMLFormat(), FormatFixtures.data(Self.page2Path), entry: "ChatExport_2026-11-20/messages2.html")
    #expect(messages.count == 2)
    #expect(messages.allSatisfy { $0.sender == nil })
    #expect(warnings.count == 1)
    #expect(warnings.first?.contains("1105") == true)
    #expect(messages.map(\.platformMessageID) == ["ChatExport_2026-11-20/1105", "ChatExport_2026-11-20/1106"])
  }

  @Test func photoIsAnEntryBesideThePage() throws {
    let photo = try page1().messages[1].media
    #expect(photo.count == 1)
    #expect(photo.first?.name == "photo_1@20-11-2026_21-31-40.jpg")
    #expect(photo.first?.mediaType == "image/jpeg")
    #expect(
      photo.first?.content
        == .entry(
          reference: "photos/photo_1@20-11-2026_21-31-40.jpg",
          candidates: ["ChatExport_2026-11-20/photos/photo_1@20-11-2026_21-31-40.jpg", "photos/photo_1@20-11-2026_21-31-40.jpg"],
          anyExtension: false))
  }

  @Test func fragmentsAreTheFilesOwnBytes() throws {
    let file = try FormatFixtures.data(Self.page1Path)
    let messages = try page1().messages
    FormatFixtures.expectExactFragments(
      messages, in: file,
      texts: ["I know where the clinic is.", "Your car &lt;div&gt; outside, 8pm &amp; counting", "Please stop contacting me.", "Everyone should know"])
    let first = String(decoding: messages[0].fragment, as: UTF8.self)
    #expect(first.hasPrefix("<div class=\"message default clearfix\" id=\"message101\">"))
    #expect(first.hasSuffix("</div>"))
    #expect(!first.contains("message102"))
    // The forwarded message's nested blocks are inside its fragment, and the next page's end is not.
    #expect(String(decoding: messages[3].fragment, as: UTF8.self).contains("Niamh Example"))
    #expect(!String(decoding: messages[3].fragment, as: UTF8.self).contains("class=\"history\""))
    // Chunking does not matter: the file is read whole.
    #expect(try FormatFixtures.read(TelegramHTMLFormat(), file, entry: Self.entry1, chunk: 1).messages.map(\.fragment) == messages.map(\.fragment))
  }

  @Test func rawScannerFindsBalancedBlocks() {
    let html = #"<div id="a" title='x > y'><!-- <div> --><div>in</div><script>if (a < b) "</div>"</script><br><img src=x /></div><div id="b">"#
    let data = Data(html.utf8)
    let scanner = HTMLFragments(data)
    #expect(scanner.element(id: "a").map { String(decoding: $0, as: UTF8.self) } == #"<div id="a" title='x > y'><!-- <div> --><div>in</div><script>if (a < b) "</div>"</script><br><img src=x /></div>"#)
    #expect(scanner.element(id: "b") == nil)  // never closed
    #expect(scanner.element(id: "c") == nil)
  }

  @Test func lossyHTMLWarnsAndCarriesOn() throws {
    // Nesting past libxml2's HTML depth limit is one of the things XMLTree flags as lossy.
    let deep = String(repeating: "<div>", count: 300) + "deep" + String(repeating: "</div>", count: 300)
    let html = """
      <html><body><div class="history">
      <div class="message default" id="message7"><div class="body">
      <div class="date details" title="01.02.2026 10:00:00 UTC+00:00">10:00</div>
      <div class="from_name">Anon</div><div class="text">hello <b>there</b></div>
      </div></div>
      \(deep)
      </div></body></html>
      """
    let (messages, warnings) = try FormatFixtures.read(TelegramHTMLFormat(), Data(html.utf8), entry: "c/messages.html")
    #expect(warnings.contains { $0.hasPrefix("lossy HTML parse: ") })
    #expect(messages.count == 1)
    #expect(messages.first?.platformMessageID == "c/7")
    #expect(messages.first?.text == "hello there")
    #expect(messages.first?.occurredAt.zone == "+00:00")
  }

  @Test func malformedInputNamesTheEntry() throws {
    let file = try FormatFixtures.data(Self.page1Path)
    let cut = file.prefix(file.range(of: Data("Please stop".utf8))!.lowerBound)
    let truncated = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(TelegramHTMLFormat(), Data(cut), entry: Self.entry1)
    }
    #expect(truncated?.code == .badExport)
    #expect(truncated?.location?.entry == Self.entry1)
    #expect(truncated?.message.contains("103") == true)

    let notTelegram = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(TelegramHTMLFormat(), Data("<html><body><p>hi</p></body></html>".utf8), entry: "x/messages.html")
    }
    #expect(notTelegram?.code == .badExport)
    #expect(notTelegram?.location?.entry == "x/messages.html")

    let badDate = """
      <div class="history">
      <div class="message default" id="message9"><div class="body">
      <div class="date details" title="2026-02-01 10:00">10:00</div><div class="from_name">A</div>
      </div></div></div>
      """
    let dateError = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(TelegramHTMLFormat(), Data(badDate.utf8), entry: "x/messages.html")
    }
    #expect(dateError?.code == .badExport)
    #expect(dateError?.location?.line == 2)
    #expect(dateError?.message.contains("2026-02-01 10:00") == true)
  }

  /// An export's local time that falls in a clock change is read, with a warning; it never fails
  /// the import, because the doctor cannot restate it.
  @Test func clockChangeTimesAreReadWithAWarning() throws {
    let html = """
      <html><body><div class="history">
      <div class="message default" id="message1"><div class="body">
      <div class="date details" title="25.10.2026 01:30:00">01:30</div>
      <div class="from_name">Anon</div><div class="text">a</div></div></div>
      <div class="message default" id="message2"><div class="body">
      <div class="date details" title="29.03.2026 01:30:00">01:30</div>
      <div class="from_name">Anon</div><div class="text">b</div></div></div>
      </div></body></html>
      """
    let (messages, warnings) = try FormatFixtures.read(TelegramHTMLFormat(), Data(html.utf8), entry: "c/messages.html")
    #expect(messages.count == 2)
    #expect(UTCStamp.format(messages[0].occurredAt.utc) == "2026-10-25T00:30:00.000Z")  // the earlier 01:30, in summer time
    #expect(UTCStamp.format(messages[1].occurredAt.utc) == "2026-03-29T01:30:00.000Z")  // the gap, read at +00:00
    #expect(warnings.count == 2)
    #expect(warnings[0].hasPrefix("line 2: '25.10.2026 01:30:00' happens twice in Europe/Dublin"))
    #expect(warnings[1].contains("does not exist in Europe/Dublin"))
    // The doctor's own --at still refuses such a time.
    #expect(throws: CasefileError.self) { try OccurredAt.parse("2026-10-25 01:30", defaultZone: TimeZone(identifier: "Europe/Dublin")!) }
  }
}
