import CasefileKit
import Foundation
import GRDB
import Testing

/// Synthetic mail for the `eml` and `mbox` formats, written for these tests.
enum EmailFixtures {
  /// A Gmail Takeout mailbox, LF line ends: a threat received, the doctor's reply (`Sent`), a draft
  /// (`Drafts`), and a later message of the same thread whose body starts with `From `.
  static let takeoutLines: [String] = [
    "From 1781234567890000001@xxx Fri Nov 20 21:30:05 +0000 2026",
    "X-GM-THRID: 1781234567890000001",
    "X-Gmail-Labels: Inbox,Important,Opened",
    "Delivered-To: dr.example@example.org",
    "Message-ID: <first.1@mail.example.org>",
    "Date: Fri, 20 Nov 2026 21:30:05 +0000",
    "From: =?UTF-8?Q?Jo_S=C3=A1mple?= <Jo.Sample@Example.org>",
    "To: Dr Example <dr.example@example.org>",
    "Subject: =?UTF-8?B?WW91IHdpbGwgcmVncmV0IHRoaXM=?=",
    " =?UTF-8?Q?,_doctor?=",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "I know where the clinic is.",
    ">From the car park I can see your window.",
    ">>From now on, watch out.",
    "",
    "From 1781234567890000002@xxx Fri Nov 20 22:00:00 +0000 2026",
    "X-GM-THRID: 1781234567890000001",
    "X-Gmail-Labels: Sent",
    "Message-ID: <reply.2@mail.example.org>",
    "In-Reply-To: <first.1@mail.example.org>",
    "Date: Fri, 20 Nov 2026 22:00:00 +0000",
    "From: Dr Example <dr.example@example.org>",
    "To: jo.sample@example.org",
    "Subject: Re: You will regret this, doctor",
    "",
    "Please stop contacting me.",
    "",
    "From 1781234567890000003@xxx Sat Nov 21 08:00:00 +0000 2026",
    "X-GM-THRID: 1781234567890000003",
    "X-Gmail-Labels: Drafts",
    "Message-ID: <draft.3@mail.example.org>",
    "Date: Sat, 21 Nov 2026 08:00:00 +0000",
    "From: Dr Example <dr.example@example.org>",
    "To: practice.manager@example.org",
    "Subject: Fwd: Re: You will regret this, doctor",
    "",
    "Draft to the practice manager.",
    "",
    "From 1781234567890000004@xxx Sat Nov 21 09:15:00 +0000 2026",
    "X-GM-THRID: 1781234567890000001",
    "X-Gmail-Labels: Inbox,\"Harassment, Jo\"",
    "Message-ID: <fourth.4@mail.example.org>",
    "Date: Sat, 21 Nov 2026 10:15:00 +0100",
    "From: Jo Sample <jo.sample@example.org>",
    "To: dr.example@example.org",
    "Cc: \"Clinic, Front Desk\" <Desk@example.org>, other@example.org",
    "Subject: AW: Re: You will regret this, doctor",
    "",
    "From the look of it you did not listen.",
    "",
    "From jo Mon Nov 23 09:00:00 2026",
    "is when I will be outside.",
    "",
    "",
  ]

  static func file(_ lines: [String], crlf: Bool = false) -> Data {
    Data(lines.joined(separator: crlf ? "\r\n" : "\n").utf8)
  }

  static var takeout: Data { file(takeoutLines) }

  /// Bytes that stand for a picture and a document.
  static let picture = Data(pngBytes + (0..<200).map { UInt8($0 % 251) })
  static let document = Data("%PDF-1.4\n% a synthetic notice for the tests\n".utf8 + (0..<300).map { UInt8(($0 * 7) % 256) })

  static func base64Lines(_ data: Data) -> [String] {
    data.base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed]).components(separatedBy: "\n")
  }

  /// A message with nested multiparts: mixed [alternative [plain, related [html, inline picture]],
  /// a PDF with an RFC 2231 name, a text file whose name comes in two RFC 2231 pieces].
  static var nested: [String] {
    [
      "Message-ID: <nested.5@mail.example.org>",
      "Date: Mon, 23 Nov 2026 09:00:00 -0500",
      "From: \"Sample, Jo\" <jo.sample@example.org>",
      "To: Dr Example <dr.example@example.org>",
      "Subject: Photos of your house",
      "MIME-Version: 1.0",
      "Content-Type: multipart/mixed; boundary=\"outer-b\"",
      "",
      "This is a multi-part message in MIME format.",
      "",
      "--outer-b",
      "Content-Type: multipart/alternative;",
      " boundary=\"alt-b\"",
      "",
      "--alt-b",
      "Content-Type: text/plain; charset=\"iso-8859-1\"",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "I took these outside your house. The caf=E9 next door is nice.",
      "",
      "--alt-b",
      "Content-Type: multipart/related; boundary=rel-b",
      "",
      "--rel-b",
      "Content-Type: text/html; charset=utf-8",
      "",
      "<html><body><p>I took these outside your house.</p><img src=\"cid:img1\"></body></html>",
      "--rel-b",
      "Content-Type: image/png",
      "Content-Transfer-Encoding: base64",
      "Content-ID: <img1>",
      "Content-Disposition: inline",
      "",
    ] + base64Lines(picture) + [
      "--rel-b--",
      "",
      "--alt-b--",
      "",
      "--outer-b",
      "Content-Type: application/pdf; name=\"notice.pdf\"",
      "Content-Disposition: attachment;",
      " filename*=utf-8''Notice%20to%20Dr%20%C3%93%20Briain.pdf",
      "Content-Transfer-Encoding: base64",
      "",
    ] + base64Lines(document) + [
      "--outer-b",
      "Content-Type: text/plain; charset=us-ascii",
      "Content-Disposition: attachment;",
      " filename*0*=utf-8''part%20one%20;",
      " filename*1=\"and two.txt\"",
      "",
      "a line of an attached text",
      "--outer-b--",
      "",
    ]
  }
}

@Suite struct EmailFormatTests {
  static let mboxEntry = "Takeout/Mail/All mail Including Spam and Trash.mbox"

  func readMbox(
    _ data: Data, entry: String = EmailFormatTests.mboxEntry, chunk: Int = 97, format: MboxFormat = MboxFormat()
  ) throws -> (messages: [ImportedMessage], warnings: [String]) {
    try FormatFixtures.read(format, data, entry: entry, source: "/exports/takeout.zip", chunk: chunk)
  }

  func readEML(_ lines: [String], crlf: Bool = false, entry: String = "message.eml", zone: String = "Europe/Dublin") throws -> (
    messages: [ImportedMessage], warnings: [String]
  ) {
    try FormatFixtures.read(
      EmailMessageFormat(), EmailFixtures.file(lines, crlf: crlf), entry: entry, source: "/exports/\(entry)", zone: zone)
  }

  /// A one-message file with the given header lines and body lines.
  func eml(_ headers: [String], body: [String] = ["Hello."]) -> [String] {
    headers + [""] + body
  }

  func stamp(_ message: ImportedMessage) -> String { UTCStamp.format(message.occurredAt.utc) }

  /// Imports `data` with `format` the way `casefile import` stores it: streaming, in one transaction.
  func importInto(
    _ store: CaseStore, _ caseRef: String, format: any ExportFormat, data: Data, entry: String, filter: ImportFilter = ImportFilter()
  ) throws -> ImportSummary {
    var bytes = data[...]
    return try store.importMessages(
      caseRef: caseRef, source: ImportSourceInfo(path: "/exports/\(entry)", kind: "file", sha256: Digest.sha256Hex(data)),
      filter: filter, dryRun: false
    ) { emit in
      var warnings: [ImportWarning] = []
      try withoutActuallyEscaping({ (text: String) in warnings.append(ImportWarning(entry: entry, message: text)) }) { warn in
        let input = FormatInput(
          entryPath: entry, sourcePath: "/exports/\(entry)", sourceZone: TimeZone(identifier: "Europe/Dublin")!, warn: warn
        ) { _ in
          guard !bytes.isEmpty else { return nil }
          let piece = bytes.prefix(113)
          bytes = bytes.dropFirst(113)
          return Data(piece)
        }
        try format.messages(input, emit: emit)
      }
      return warnings
    }
  }

  // MARK: Detection

  @Test func detection() throws {
    let eml = EmailMessageFormat()
    let mbox = MboxFormat()
    let takeoutHead = EmailFixtures.takeout.prefix(4096)
    let emlHead = EmailFixtures.file(EmailFixtures.nested).prefix(4096)
    #expect(eml.claims(entryPath: "saved/Threat.EML", head: Data()))
    #expect(eml.claims(entryPath: "saved/threat", head: emlHead))
    #expect(mbox.claims(entryPath: Self.mboxEntry, head: Data()))
    #expect(mbox.claims(entryPath: "Inbox.mbox/mbox", head: Data()))
    #expect(mbox.claims(entryPath: "Thunderbird/Inbox", head: takeoutHead))
    #expect(mbox.claims(entryPath: "Inbox", head: Data("\u{FEFF}From - Fri Nov 20 21:30:05 2026\nSubject: x\n".utf8)))
    // Neither claims text that merely looks a little like mail.
    for (path, text) in [
      ("notes.txt", "From the desk of Dr Example\nSubject: notes\n"),
      ("notes.txt", "Subject: shopping\n\nmilk"),
      ("data.json", "{\"from\": \"x\", \"date\": \"y\"}"),
      ("chat.txt", "20/11/2026, 21:30 - Jo: From: me\n"),
      ("messages.csv", "ID,Timestamp,Contents\n1,2026-11-20,hi\n"),
    ] {
      #expect(!eml.claims(entryPath: path, head: Data(text.utf8)), "\(path)")
      #expect(!mbox.claims(entryPath: path, head: Data(text.utf8)), "\(path)")
    }
    // The mailbox's first line is not a header block, and a header block is not a mailbox.
    #expect(!eml.claims(entryPath: "Inbox", head: takeoutHead))
    #expect(!mbox.claims(entryPath: "threat", head: emlHead))
    #expect(FormatRegistry.detect(entryPath: Self.mboxEntry, head: takeoutHead)?.id == "mbox")
    #expect(FormatRegistry.detect(entryPath: "threat.eml", head: emlHead)?.id == "eml")
    #expect(FormatRegistry.detect(entryPath: "threat", head: emlHead)?.id == "eml")
    #expect(try FormatRegistry.named("mbox").id == "mbox")
    #expect(try FormatRegistry.named("eml").id == "eml")
  }

  // MARK: Gmail Takeout mbox

  @Test func takeoutMailbox() throws {
    let (messages, warnings) = try readMbox(EmailFixtures.takeout)
    #expect(warnings.isEmpty, "\(warnings)")
    // The `From ` lines inside bodies start no message: one has no date, neither is followed by a header.
    #expect(messages.count == 4)
    let first = messages[0]
    #expect(first.format == "mbox")
    #expect(first.platform == .email)
    #expect(first.kind == .email)
    #expect(first.direction == .received)
    #expect(first.sender == ActorInput(handle: "jo.sample@example.org", displayName: "Jo Sámple"))
    #expect(first.recipients == ["dr.example@example.org"])
    #expect(first.platformMessageID == "first.1@mail.example.org")
    #expect(first.thread == "You will regret this, doctor")
    #expect(first.details["subject"] == "You will regret this, doctor")  // B then Q, the folded space between dropped
    #expect(first.details["message_id"] == "first.1@mail.example.org")
    #expect(first.details["gmail_labels"] == "Inbox, Important, Opened")
    #expect(first.details["gmail_thread_id"] == "1781234567890000001")
    #expect(first.entryPath == Self.mboxEntry)
    #expect(stamp(first) == "2026-11-20T21:30:05.000Z")
    #expect(first.occurredAt.original == "Fri, 20 Nov 2026 21:30:05 +0000")
    #expect(first.occurredAt.zone == "+00:00")
    #expect(first.occurredAt.zoneSource == .stated)

    // The last message: a +0100 offset, To and Cc, a label holding a comma.
    let last = messages[3]
    #expect(stamp(last) == "2026-11-21T09:15:00.000Z")
    #expect(last.occurredAt.zone == "+01:00")
    #expect(last.recipients == ["dr.example@example.org", "desk@example.org", "other@example.org"])
    #expect(last.details["gmail_labels"] == "Inbox, Harassment, Jo")
    #expect(last.thread == "You will regret this, doctor")  // `AW: Re:` dropped
    #expect(last.text == "From the look of it you did not listen.\n\nFrom jo Mon Nov 23 09:00:00 2026\nis when I will be outside.")
  }

  @Test func gmailLabelsGiveTheDirection() throws {
    let messages = try readMbox(EmailFixtures.takeout).messages
    #expect(messages.map(\.direction) == [.received, .sent, .unsent, .received])
    // The doctor's own messages have no sender: her address is kept in the details.
    let sent = messages[1]
    #expect(sent.sender == nil)
    #expect(sent.details["from"] == "dr.example@example.org")
    #expect(sent.recipients == ["jo.sample@example.org"])
    #expect(sent.details["in_reply_to"] == "first.1@mail.example.org")
    #expect(sent.thread == "You will regret this, doctor")
    #expect(messages[2].sender == nil)
    #expect(messages[2].thread == "You will regret this, doctor")  // `Fwd: Re:` dropped
  }

  @Test func mboxrdEscapesAreUndoneInTheTextButKeptInTheFragment() throws {
    let file = EmailFixtures.takeout
    let messages = try readMbox(file).messages
    let first = messages[0]
    #expect(first.text == "I know where the clinic is.\nFrom the car park I can see your window.\n>From now on, watch out.")
    let fragment = String(decoding: first.fragment, as: UTF8.self)
    // The fragment is the message exactly as in the file: From_ line, escapes, its last line break;
    // not the empty line that separates it from the next message.
    let expected = EmailFixtures.takeoutLines[0...15].joined(separator: "\n") + "\n"
    #expect(fragment == expected)
    FormatFixtures.expectExactFragments(
      messages, in: file,
      texts: ["From 1781234567890000001@xxx", "From 1781234567890000002@xxx", "X-Gmail-Labels: Drafts", "I will be outside."])
    // The last message ends with the file's last line break; the final empty line is the separator.
    #expect(String(decoding: messages[3].fragment, as: UTF8.self).hasSuffix("outside.\n"))
  }

  @Test func readingInChunksOfSevenBytesGivesTheSameMessages() throws {
    let whole = try readMbox(EmailFixtures.takeout, chunk: 1 << 20)
    let small = try readMbox(EmailFixtures.takeout, chunk: 7)
    #expect(small.warnings == whole.warnings)
    #expect(small.messages.map(\.fragment) == whole.messages.map(\.fragment))
    #expect(small.messages.map(\.text) == whole.messages.map(\.text))
    #expect(small.messages.map(\.identity) == whole.messages.map(\.identity))
    // And for the CRLF file with attachments too.
    let nested = mailbox(of: [EmailFixtures.nested, EmailFixtures.nested.map { $0.replacingOccurrences(of: "nested.5", with: "nested.6") }])
    let crlf = EmailFixtures.file(nested, crlf: true)
    let a = try readMbox(crlf, chunk: 7)
    let b = try readMbox(crlf, chunk: 65536)
    #expect(a.messages.count == 2)
    #expect(a.messages.map(\.fragment) == b.messages.map(\.fragment))
    #expect(try a.messages.map { try $0.loadMedia() } == b.messages.map { try $0.loadMedia() })
  }

  /// An mbox of the given messages, each behind a From_ line and followed by an empty line.
  func mailbox(of messages: [[String]]) -> [String] {
    messages.enumerated().flatMap { index, lines in ["From sender\(index)@example.org Mon Nov 23 14:00:0\(index) 2026"] + lines + [""] }
  }

  @Test func crlfMailbox() throws {
    let file = EmailFixtures.file(EmailFixtures.takeoutLines, crlf: true)
    let (messages, warnings) = try readMbox(file)
    #expect(warnings.isEmpty)
    #expect(messages.count == 4)
    #expect(messages[0].text == "I know where the clinic is.\nFrom the car park I can see your window.\n>From now on, watch out.")
    #expect(messages.allSatisfy { !($0.text ?? "").contains("\r") })
    #expect(messages[0].details["subject"] == "You will regret this, doctor")
    let fragment = String(decoding: messages[0].fragment, as: UTF8.self)
    #expect(fragment == EmailFixtures.takeoutLines[0...15].joined(separator: "\r\n") + "\r\n")
    FormatFixtures.expectExactFragments(messages, in: file, texts: ["clinic", "Please stop", "Draft to", "outside."])
  }

  // MARK: Headers

  @Test func foldedHeadersAndEncodedWords() throws {
    let (messages, warnings) = try readEML(eml([
      "Message-ID: <words.7@example.org>",
      "Date: Tue, 24 Nov 2026 07:45:00 +0000",
      "From: =?ISO-8859-1?Q?Siobh=E1n_=D3_Briain?=",
      "  <Siobhan@Example.ORG>",
      "To: \"Dr. Example, GP\" <dr.example@example.org>,",
      "\t=?UTF-8?Q?Nurse_caf=C3?= =?UTF-8?Q?=A9?= <nurse@example.org>,",
      " =?utf-8?B?TnVyc2UgTsOtIEJocmlhaW4=?= <nurse2@example.org>",
      "Cc: Team: one@example.org, two@example.org;, undisclosed-recipients:;",
      "Subject: =?utf-8?B?4pyJ?= =?utf-8?B?IFRoaXMgaXM=?=",
      "  =?utf-8?q?_split_across_words?= and plain text",
      " =?x-unknown-charset?Q?kept=20raw?= =?windows-1252?Q?=93quoted=94?=",
    ]))
    #expect(warnings.isEmpty)
    let message = try #require(messages.first)
    // Adjacent encoded words lose the whitespace between them (a fold included); plain text keeps
    // it; an unknown charset leaves the word as written.
    #expect(message.details["subject"] == "✉ This is split across words and plain text =?x-unknown-charset?Q?kept=20raw?= “quoted”")
    // A latin1 name, over a folded line; the address in lowercase.
    #expect(message.sender == ActorInput(handle: "siobhan@example.org", displayName: "Siobhán Ó Briain"))
    // Quoted names with commas, a character split across two words, a group.
    #expect(message.recipients == [
      "dr.example@example.org", "nurse@example.org", "nurse2@example.org", "one@example.org", "two@example.org",
    ])
  }

  @Test func displayNamesAndAddresses() throws {
    func sender(_ from: String) throws -> ActorInput? {
      try readEML(eml(["Date: Tue, 24 Nov 2026 07:45:00 +0000", "From: \(from)"])).messages.first?.sender
    }
    #expect(try sender("jo@example.org (Jo Sample)") == ActorInput(handle: "jo@example.org", displayName: "Jo Sample"))
    #expect(try sender("<JO@example.org>") == ActorInput(handle: "jo@example.org", displayName: nil))
    #expect(try sender("\"=?utf-8?Q?Jo_=F0=9F=98=A0?=\" <jo@example.org>") == ActorInput(handle: "jo@example.org", displayName: "Jo 😠"))
    #expect(try sender("\"Sample, \\\"Jo\\\"\" <jo@example.org>") == ActorInput(handle: "jo@example.org", displayName: "Sample, \"Jo\""))
  }

  @Test func datesInTheirObsoleteForms() throws {
    func time(_ date: String) throws -> OccurredAt {
      try #require(try readEML(eml(["Date: \(date)", "From: jo@example.org"])).messages.first).occurredAt
    }
    let cases: [(String, String, String)] = [
      ("Fri, 20 Nov 2026 21:30:05 +0100", "2026-11-20T20:30:05.000Z", "+01:00"),
      ("20 Nov 2026 21:30 -0500", "2026-11-21T02:30:00.000Z", "-05:00"),  // no day name, no seconds
      ("Fri, 20 Nov 26 21:30:05 GMT", "2026-11-20T21:30:05.000Z", "UTC"),  // two-digit year, GMT
      ("Fri, 20 Nov 2026 21:30:05 UT", "2026-11-20T21:30:05.000Z", "UTC"),
      ("Fri, 20 Nov 2026 16:30:05 EST", "2026-11-20T21:30:05.000Z", "-05:00"),
      ("Fri, 20 Nov 2026 14:30:05 PDT", "2026-11-20T21:30:05.000Z", "-07:00"),
      ("Fri, 20 Nov 2026 21:30:05 -0000", "2026-11-20T21:30:05.000Z", "+00:00"),
      ("Fri, 20 Nov 2026 22:30:05 +0100 (CET)", "2026-11-20T21:30:05.000Z", "+01:00"),  // a comment
      ("Fri,  6 Nov 2026 09:05:00 +0000", "2026-11-06T09:05:00.000Z", "+00:00"),
      ("Friday, 20 November 2026 21:30:05 +0000", "2026-11-20T21:30:05.000Z", "+00:00"),
      ("Fri Nov 20 21:30:05 2026 +0000", "2026-11-20T21:30:05.000Z", "+00:00"),  // asctime
    ]
    for (text, utc, zone) in cases {
      let parsed = try time(text)
      #expect(UTCStamp.format(parsed.utc) == utc, "\(text)")
      #expect(parsed.zone == zone, "\(text)")
      #expect(parsed.zoneSource == .stated, "\(text)")
      #expect(parsed.original == text.trimmingCharacters(in: .whitespaces), "\(text)")
    }
    // No zone, or one casefile does not know: read in the source zone, assumed, with a warning for the latter.
    let noZone = try time("Fri, 20 Nov 2026 21:30:05")
    #expect(UTCStamp.format(noZone.utc) == "2026-11-20T21:30:05.000Z")  // Dublin is UTC in November
    #expect(noZone.zone == "Europe/Dublin" && noZone.zoneSource == .assumed)
    let (unknown, warnings) = try readEML(eml(["Date: Fri, 20 Jun 2026 21:30:05 IST", "From: jo@example.org"]))
    #expect(UTCStamp.format(unknown[0].occurredAt.utc) == "2026-06-20T20:30:05.000Z")  // Dublin summer time
    #expect(unknown[0].occurredAt.zoneSource == .assumed)
    #expect(warnings.count == 1 && warnings[0].hasPrefix("line 1: the zone 'IST'"))
  }

  // MARK: Bodies

  @Test func alternativePrefersPlainText() throws {
    let (messages, warnings) = try readEML(eml([
      "Date: Tue, 24 Nov 2026 07:45:00 +0000",
      "From: jo@example.org",
      "Content-Type: multipart/alternative; boundary=\"b1\"",
    ], body: [
      "--b1",
      "Content-Type: text/html; charset=utf-8",
      "",
      "<p>The <b>HTML</b> version.</p>",
      "--b1",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "The plain version.",
      "--b1--",
    ]))
    #expect(warnings.isEmpty)
    #expect(messages[0].text == "The plain version.")
    #expect(!messages[0].hasMedia)  // the HTML alternative is not an attachment
  }

  @Test func anHTMLOnlyBodyBecomesText() throws {
    let (messages, warnings) = try readEML(eml([
      "Date: Tue, 24 Nov 2026 07:45:00 +0000",
      "From: jo@example.org",
      "Content-Type: text/html; charset=windows-1252",
      "Content-Transfer-Encoding: quoted-printable",
    ], body: [
      "<html><head><title>Not text</title><style>p{color:red}</style><script>var x=3D1;</script></head><body>",
      "<p>First   paragraph",
      "with a line break<br>here.</p><div>Second &amp; last =93quoted=94&nbsp;line</div>",
      "<table><tr><td>a</td><td>b</td></tr></table><pre>  kept   as\n  written</pre></body></html>",
    ]))
    #expect(warnings.isEmpty, "\(warnings)")
    #expect(messages[0].text == "First paragraph with a line break\nhere.\n\nSecond & last “quoted” line\n\na\tb\n\n  kept   as\n  written")
    // The part's charset decides, whatever a <meta> inside the HTML claims.
    let meta = try readEML(eml([
      "Date: Tue, 24 Nov 2026 07:45:00 +0000", "From: jo@example.org", "Content-Type: text/html; charset=utf-8",
    ], body: ["<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"></head><body>Caf\u{E9} cr\u{E8}me</body></html>"]))
    #expect(meta.messages[0].text == "Café crème")
  }

  @Test func nestedMultipartsWithAttachments() throws {
    let (messages, warnings) = try readEML(EmailFixtures.nested)
    #expect(warnings.isEmpty, "\(warnings)")
    let message = try #require(messages.first)
    // The plain alternative, latin1 quoted-printable; the HTML one is not used.
    #expect(message.text == "I took these outside your house. The café next door is nice.")
    #expect(message.sender == ActorInput(handle: "jo.sample@example.org", displayName: "Sample, Jo"))
    #expect(stamp(message) == "2026-11-23T14:00:00.000Z")
    // The attachments are named without being decoded.
    #expect(message.mediaCount == 3)
    let media = try message.loadMedia()
    #expect(media.map(\.name) == ["part-1.png", "Notice to Dr Ó Briain.pdf", "part one and two.txt"])  // RFC 2231, in one piece and in two
    #expect(media.map(\.mediaType) == ["image/png", "application/pdf", "text/plain"])
    #expect(media[0].content == .inline(EmailFixtures.picture))
    #expect(media[1].content == .inline(EmailFixtures.document))
    #expect(media[2].content == .inline(Data("a line of an attached text".utf8)))
  }

  @Test func attachmentsAreStoredAsBlobsWithTheirHashes() throws {
    let folder = try TempFolder()
    let url = folder.url("photos.eml")
    try EmailFixtures.file(EmailFixtures.nested, crlf: true).write(to: url)
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Email", category: .harassment, severity: .high).ref
    let summary = try FormatFixtures.importExport(t.store, ref, url)
    #expect(summary.new == 1)
    #expect(summary.mediaStored == 3)
    #expect(summary.mediaMissing == 0)
    let item = try #require(try t.store.caseDetail(ref).evidence.first)
    #expect(item.platform == .email && item.kind == .email)
    let byName = Dictionary(uniqueKeysWithValues: item.attachments.map { ($0.fileName, $0) })
    let pdf = try #require(byName["Notice to Dr Ó Briain.pdf"])
    #expect(pdf.sha256 == Digest.sha256Hex(EmailFixtures.document))
    #expect(pdf.size == Int64(EmailFixtures.document.count))
    #expect(try t.store.blobs.read(pdf.sha256) == EmailFixtures.document)
    let png = try #require(byName["part-1.png"])
    #expect(png.sha256 == Digest.sha256Hex(EmailFixtures.picture))
    #expect(try t.store.blobs.read(png.sha256) == EmailFixtures.picture)
    // The raw fragment is the whole file.
    let provenance = try #require(try t.store.provenance(of: item.ref))
    #expect(provenance.format == "eml")
    #expect(try t.store.fsck().ok)
  }

  @Test func quotedPrintableSoftBreaks() throws {
    let (messages, _) = try readEML(eml([
      "Date: Tue, 24 Nov 2026 07:45:00 +0000",
      "From: jo@example.org",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: Quoted-Printable",
    ], body: [
      "This line was long, so the mailer broke it =",
      "and it goes on here, with an equals sign =3D and a caf=C3=A9.   ",
      "A kept space at the end:=20",
      "Soft break with padding after it=  ",
      "joins too; =e9 lowercase hex and a stray = stay.",
    ]), crlf: true)
    #expect(messages[0].text == """
      This line was long, so the mailer broke it and it goes on here, with an equals sign = and a café.
      A kept space at the end:\u{20}
      Soft break with padding after itjoins too; \u{FFFD} lowercase hex and a stray = stay.
      """)
  }

  @Test func charsetsOfBodies() throws {
    func text(_ charset: String, _ body: [UInt8]) throws -> (String?, [String]) {
      var file = Data("Date: Tue, 24 Nov 2026 07:45:00 +0000\nFrom: jo@example.org\nContent-Type: text/plain; charset=\(charset)\n\n".utf8)
      file.append(contentsOf: body)
      let (messages, warnings) = try FormatFixtures.read(EmailMessageFormat(), file, entry: "m.eml")
      return (messages.first?.text, warnings)
    }
    #expect(try text("iso-8859-1", [0x53, 0x69, 0x6F, 0x62, 0x68, 0xE1, 0x6E]).0 == "Siobhán")
    #expect(try text("\"windows-1252\"", [0x80, 0x20, 0x93, 0x78, 0x94]).0 == "€ “x”")
    #expect(try text("koi8-r", [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4]).0 == "Привет")
    // 8-bit text labelled ASCII is read as UTF-8 (or windows-1252), quietly.
    #expect(try text("us-ascii", Array("café".utf8)) == ("café", []))
    // An unknown charset is read as UTF-8 with a warning that names no text.
    let (unknown, warnings) = try text("x-martian", Array("hello there".utf8))
    #expect(unknown == "hello there")
    #expect(warnings == ["line 3: the charset 'x-martian' is not known; the text was read as UTF-8"])
  }

  // MARK: Identity

  @Test func messageIDMakesReimportingAddNothing() throws {
    let folder = try TempFolder()
    let url = folder.url("All mail Including Spam and Trash.mbox")
    try EmailFixtures.takeout.write(to: url)
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Email", category: .threat, severity: .high).ref
    let first = try FormatFixtures.importExport(t.store, ref, url)
    #expect(first.new == 4)
    let messages = try readMbox(EmailFixtures.takeout).messages
    #expect(messages.map(\.identity) == [
      "mbox:id:first.1@mail.example.org", "mbox:id:reply.2@mail.example.org", "mbox:id:draft.3@mail.example.org",
      "mbox:id:fourth.4@mail.example.org",
    ])
    let before = try t.fingerprint()
    let again = try FormatFixtures.importExport(t.store, ref, url)
    #expect(again.new == 0 && again.alreadyPresent == 4)
    #expect(try t.fingerprint() == before)
    // A later mailbox whose labels changed and that holds one message more adds only that one.
    var later = EmailFixtures.takeoutLines.map { $0 == "X-Gmail-Labels: Inbox,Important,Opened" ? "X-Gmail-Labels: Trash,Opened" : $0 }
    later += [
      "From 1781234567890000009@xxx Sun Nov 22 10:00:00 +0000 2026", "Message-ID: <later.9@mail.example.org>",
      "Date: Sun, 22 Nov 2026 10:00:00 +0000", "From: jo.sample@example.org", "", "Still here.", "",
    ]
    try EmailFixtures.file(later).write(to: url)
    let overlap = try FormatFixtures.importExport(t.store, ref, url)
    #expect(overlap.new == 1 && overlap.alreadyPresent == 4)
    let detail = try t.store.caseDetail(ref)
    #expect(detail.evidence.count == 5)
    #expect(try t.store.fsck().ok)
  }

  @Test func aReusedMessageIDDoesNotHideAnotherMessage() throws {
    let lines = mailbox(of: [
      eml(["Message-ID: <same@example.org>", "Date: Mon, 23 Nov 2026 14:00:00 +0000", "From: jo@example.org"], body: ["First."]),
      eml(["Message-ID: <same@example.org>", "Date: Mon, 23 Nov 2026 14:00:00 +0000", "From: jo@example.org"], body: ["First."]),
      eml(["Message-ID: <same@example.org>", "Date: Mon, 23 Nov 2026 15:00:00 +0000", "From: jo@example.org"], body: ["Another."]),
    ])
    let (messages, warnings) = try readMbox(EmailFixtures.file(lines))
    #expect(messages.map(\.platformMessageID) == ["same@example.org", "same@example.org", nil])
    #expect(messages[2].details["message_id"] == "same@example.org")
    #expect(warnings == [
      "line 15: the message's Message-ID was already used by the message at line 1, which differs from it; it is kept apart, identified by its content"
    ])
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Email", category: .threat, severity: .high).ref
    let summary = try importInto(t.store, ref, format: MboxFormat(), data: EmailFixtures.file(lines), entry: "x.mbox")
    #expect(summary.new == 2 && summary.alreadyPresent == 1)
  }

  // MARK: Splitting

  @Test func aFromLineThatFollowsNoEmptyLineWarnsAndStartsNothing() throws {
    let lines = [
      "From a@example.org Mon Nov 23 14:00:00 2026",
      "Date: Mon, 23 Nov 2026 14:00:00 +0000",
      "From: a@example.org",
      "",
      "Body of the first.",
      "From b@example.org Mon Nov 23 15:00:00 2026",
      "Date: Mon, 23 Nov 2026 15:00:00 +0000",
      "",
      "Second.",
    ]
    let (messages, warnings) = try readMbox(EmailFixtures.file(lines))
    #expect(messages.count == 1)
    #expect(warnings == [
      "line 6: a 'From ' line followed by a header field does not follow an empty line, so it does not start a message: it is read as part of the message at line 1"
    ])
  }

  @Test func theMboxFromLineDateStandsInForAMissingDate() throws {
    let lines = [
      "From jo@example.org Fri Nov 20 21:30:05 2026",
      "From: jo@example.org",
      "Subject: no date here",
      "",
      "Text.",
      "",
      "From 1781234567890000001@xxx Fri Nov 20 21:30:05 +0000 2026",
      "From: jo@example.org",
      "Date: sometime last week",
      "",
      "Text.",
    ]
    let (messages, warnings) = try readMbox(EmailFixtures.file(lines))
    #expect(messages.count == 2)
    #expect(messages[0].occurredAt.original == "Fri Nov 20 21:30:05 2026")
    #expect(messages[0].occurredAt.zone == "Europe/Dublin" && messages[0].occurredAt.zoneSource == .assumed)
    #expect(messages[1].occurredAt.zone == "+00:00" && messages[1].occurredAt.zoneSource == .stated)
    #expect(stamp(messages[1]) == "2026-11-20T21:30:05.000Z")
    #expect(warnings == [
      "line 1: the message has no Date field; its time is the mbox 'From ' line's",
      "line 7: the message's Date field 'sometime last week' is not a date casefile can read; its time is the mbox 'From ' line's",
    ])
  }

  // MARK: Malformed

  /// Imports `data` into a case that already holds evidence, expecting a clear error that stores nothing.
  func expectRefused(
    _ format: any ExportFormat, _ data: Data, entry: String, line: Int?, contains: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Email", category: .threat, severity: .high).ref
    _ = try importInto(t.store, ref, format: MboxFormat(), data: EmailFixtures.takeout, entry: "earlier.mbox")
    let before = try t.fingerprint()
    let error = #expect(throws: CasefileError.self, sourceLocation: sourceLocation) {
      try importInto(t.store, ref, format: format, data: data, entry: entry)
    }
    #expect(error?.code == .badExport, sourceLocation: sourceLocation)
    #expect(error?.location?.entry == entry, sourceLocation: sourceLocation)
    #expect(error?.location?.file == "/exports/\(entry)", sourceLocation: sourceLocation)
    #expect(error?.location?.line == line, sourceLocation: sourceLocation)
    #expect(error?.message.contains(contains) == true, "\(String(describing: error))", sourceLocation: sourceLocation)
    // No message text or subject ever reaches an error.
    for secret in ["secret", "regret", "clinic"] {
      #expect(error?.description.contains(secret) == false, sourceLocation: sourceLocation)
    }
    #expect(try t.fingerprint() == before, sourceLocation: sourceLocation)
  }

  @Test func aFileThatIsNotAMailbox() throws {
    try expectRefused(
      MboxFormat(), Data("Subject: secret plans\n\nsecret text\n".utf8), entry: "notes.mbox", line: 1,
      contains: "not an mbox file")
    try expectRefused(
      MboxFormat(), Data("\n\nJust some secret words.\n".utf8), entry: "Inbox.mbox", line: 3, contains: "not an mbox file")
    // A From_ line with no header block after it.
    try expectRefused(
      MboxFormat(), Data("From jo@example.org Fri Nov 20 21:30:05 2026\nsecret words\n".utf8), entry: "x.mbox", line: 1,
      contains: "not followed by a message's header block")
    // An empty mailbox is no error: it holds nothing, and says so.
    let (none, warnings) = try readMbox(Data())
    #expect(none.isEmpty && warnings == ["the mbox file holds no messages"])
  }

  @Test func anEmlWithNoHeaderBlock() throws {
    try expectRefused(
      EmailMessageFormat(), Data("Dear doctor, this is secret.\n\nMore secret words.\n".utf8), entry: "threat.eml", line: 1,
      contains: "no header block")
    try expectRefused(EmailMessageFormat(), Data(), entry: "empty.eml", line: 1, contains: "no header block")
  }

  @Test func anEmlWithNoUsableDate() throws {
    try expectRefused(
      EmailMessageFormat(), EmailFixtures.file(["From: jo@example.org", "Subject: secret", "", "secret"]), entry: "a.eml", line: 1,
      contains: "no Date field")
    try expectRefused(
      EmailMessageFormat(), EmailFixtures.file(["From: jo@example.org", "Subject: secret", "Date: yesterday", "", "secret"]),
      entry: "b.eml", line: 3, contains: "'yesterday' is not a date")
  }

  @Test func aHeaderLineBeyondTheCap() throws {
    let long = "X-Filler: " + String(repeating: "secret ", count: 12_000)
    let lines = EmailFixtures.takeoutLines + [
      "From b@example.org Mon Nov 23 15:00:00 2026", "Date: Mon, 23 Nov 2026 15:00:00 +0000", long, "", "secret",
    ]
    try expectRefused(
      MboxFormat(), EmailFixtures.file(lines), entry: "big.mbox", line: EmailFixtures.takeoutLines.count + 3,
      contains: "header line is longer than 64 KB")
    // In a part's header block too.
    try expectRefused(
      EmailMessageFormat(),
      EmailFixtures.file([
        "Date: Mon, 23 Nov 2026 15:00:00 +0000", "Content-Type: multipart/mixed; boundary=b", "", "--b", long, "", "secret", "--b--",
      ]), entry: "part.eml", line: 5, contains: "header line is longer")
  }

  @Test func aMessageBeyondTheCapNamesItsLine() throws {
    let big = [
      "From b@example.org Mon Nov 23 15:00:00 2026", "Date: Mon, 23 Nov 2026 15:00:00 +0000", "From: b@example.org", "",
    ] + Array(repeating: "secret secret secret secret secret", count: 40) + [""]
    let lines = EmailFixtures.takeoutLines + big + EmailFixtures.takeoutLines
    try expectRefused(
      MboxFormat(maximumMessageBytes: 1000), EmailFixtures.file(lines), entry: "big.mbox",
      line: EmailFixtures.takeoutLines.count + 1, contains: "larger than 1000 bytes")
    // Under a cap that fits every message, the same file reads.
    #expect(try readMbox(EmailFixtures.file(lines), format: MboxFormat(maximumMessageBytes: 4000)).messages.count == 9)
    // A first message whose second line never ends.
    let endless = Data("From b@example.org Mon Nov 23 15:00:00 2026\nX-Filler: ".utf8 + Array(repeating: UInt8(ascii: "x"), count: 5000))
    try expectRefused(MboxFormat(maximumMessageBytes: 1000), endless, entry: "endless.mbox", line: 1, contains: "larger than 1000 bytes")
    // A single .eml over its own cap.
    let error = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(EmailMessageFormat(maximumBytes: 100), EmailFixtures.file(EmailFixtures.nested), entry: "n.eml")
    }
    #expect(error?.message.contains("larger than 100 bytes") == true)
  }

  @Test func aTruncatedMultipartIsReadWithAWarning() throws {
    // The message stops inside its attachment: no closing boundary. The text and the part that
    // was there are kept, the raw message whole, and the doctor is told.
    let cut = Array(EmailFixtures.nested.prefix(while: { $0 != "--outer-b--" }).dropLast(4))
    let (messages, warnings) = try readEML(cut)
    #expect(messages.count == 1)
    #expect(messages[0].text == "I took these outside your house. The café next door is nice.")
    #expect(warnings == [
      "line 7: a multipart part has no closing boundary (the message may have been cut short): its last part runs to the end of the message"
    ])
    #expect(messages[0].mediaCount == 3)
  }

  @Test func badBase64MarksTheAttachmentMissingOnlyWhenKept() throws {
    let lines = eml([
      "Message-ID: <bad64@example.org>",
      "Date: Mon, 23 Nov 2026 15:00:00 +0000",
      "From: jo@example.org",
      "Content-Type: multipart/mixed; boundary=b",
    ], body: [
      "--b",
      "Content-Type: text/plain",
      "",
      "See the attached.",
      "--b",
      "Content-Type: image/jpeg; name=\"car.jpg\"",
      "Content-Transfer-Encoding: base64",
      "",
      "/9j/4AAQ$$$not base64!!!",
      "--b--",
    ])
    let (messages, warnings) = try readEML(lines)
    #expect(warnings.isEmpty)  // nothing is decoded while reading
    #expect(messages[0].text == "See the attached.")
    #expect(messages[0].mediaCount == 1)
    let media = try messages[0].loadMedia()
    #expect(media == [
      ImportedMedia(
        name: "car.jpg", mediaType: "image/jpeg",
        content: .missing(reference: "car.jpg: the base64 data of the part at line 11 could not be decoded"))
    ])
    // Stored: the message, with the file recorded as missing.
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Email", category: .threat, severity: .high).ref
    let summary = try importInto(t.store, ref, format: EmailMessageFormat(), data: EmailFixtures.file(lines), entry: "bad.eml")
    #expect(summary.new == 1 && summary.mediaStored == 0 && summary.mediaMissing == 1)
    let missing = try DatabaseQueue(path: t.store.location.databaseURL.path).read { db in
      try String.fetchAll(db, sql: "SELECT reference FROM missing_media")
    }
    #expect(missing == ["car.jpg: the base64 data of the part at line 11 could not be decoded"])
  }

  @Test func warningsNeverQuoteTheText() throws {
    // A header block with a stray line, an HTML body libxml2 complains about, a multipart without
    // its boundary: warnings with lines, never words of the message.
    let (_, warnings) = try readEML(eml([
      "Date: Mon, 23 Nov 2026 15:00:00 +0000",
      "From: jo@example.org",
      "secret line without a colon",
      "Content-Type: text/html",
    ], body: ["<p>secret <b>words</p></i></div>"]))
    #expect(!warnings.isEmpty)
    #expect(warnings.allSatisfy { !$0.contains("secret") })
    #expect(warnings.first?.hasPrefix("line 3: a line in the header block is not a header field") == true)
    // An HTML body libxml2 complains about: one warning per .eml, one for a whole mailbox.
    let html = eml(["Date: Mon, 23 Nov 2026 15:00:00 +0000", "From: jo@example.org", "Content-Type: text/html"], body: ["<p>secret <b>words</p></i></zz>"])
    let (read, htmlWarnings) = try readEML(html)
    #expect(read[0].text == "secret words")
    #expect(htmlWarnings.count == 1)
    #expect(htmlWarnings.first?.hasPrefix("line 3: the HTML body could only be read in part (libxml2 reported") == true)
    #expect(htmlWarnings.allSatisfy { !$0.contains("secret") })
    let (three, boxWarnings) = try readMbox(EmailFixtures.file(mailbox(of: [html, html, html])))
    #expect(three.count == 3)
    #expect(boxWarnings.count == 1)
    #expect(boxWarnings.first?.hasPrefix("the HTML bodies of 3 messages could only be read in part (the first at line 4: libxml2") == true)
  }
}
