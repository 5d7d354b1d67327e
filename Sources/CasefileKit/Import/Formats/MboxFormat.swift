import Foundation

/// A mailbox file in mbox format: messages one after another, each starting with a `From ` line
/// (`From sender Fri Nov 20 21:30:05 2026`). Gmail's "All mail Including Spam and Trash.mbox" in
/// Google Takeout is one (its `From ` lines read `From 1234@xxx Fri Nov 20 21:30:05 +0000 2026`),
/// and so are Thunderbird's folders and Apple Mail's `….mbox/mbox`.
///
/// A Takeout mailbox runs to many gigabytes, so it is streamed: chunks are pulled with
/// ``FormatInput/read``, and only the message being read is held (up to ``maximumMessageBytes``; a
/// bigger one is a clear error naming its line).
///
/// Splitting: a message starts at a `From ` line that carries a date, that starts the file or follows
/// an empty line, and that is followed by a header field. A `From ` line that follows no empty line
/// but is followed by a header field is read as part of the message before it, with a warning (a
/// mailbox written without empty lines between messages would otherwise merge messages without a
/// word). The empty line before the next `From ` line is the separator and belongs to no message.
/// CRLF and LF files are both read.
///
/// mboxrd escaping: in the text read, one `>` is removed from each line matching `^>+From `. The raw
/// fragment is the message exactly as it stands in the file, its `From ` line included and its
/// escapes kept.
///
/// Each message is read by ``MailMessage``; Gmail's `X-Gmail-Labels` gives the direction (`Sent` is
/// sent, `Draft`/`Drafts` unsent, anything else received) and is kept, with `X-GM-THRID`, in the
/// details. Without a usable `Date` field, the `From ` line's date is used (in the source zone and
/// recorded as assumed when it has no zone), with a warning.
///
/// A `Message-ID` is the message's identity, so importing the mailbox again adds nothing. A
/// `Message-ID` met again in the same file on a message with another sender, time, subject or text
/// (reused, or forged) does not hide it: that message is given no id, so its identity is the hash
/// of its content, with a warning.
public struct MboxFormat: ExportFormat {
  public let id = "mbox"
  public let title = "Email mailbox (mbox; Gmail's All mail Including Spam and Trash.mbox in Google Takeout)"

  /// The largest single message read.
  public static let defaultMaximumMessageBytes = 64 << 20
  /// The largest single message this instance reads.
  public let maximumMessageBytes: Int

  public init(maximumMessageBytes: Int = MboxFormat.defaultMaximumMessageBytes) {
    self.maximumMessageBytes = maximumMessageBytes
  }

  public func claims(entryPath: String, head: Data) -> Bool {
    let name = (entryPath as NSString).lastPathComponent.lowercased()
    if name.hasSuffix(".mbox") || name == "mbox" { return true }
    var bytes = [UInt8](head.prefix(1024))
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    let line = MailBytes.lineEnd(bytes, from: 0, to: bytes.count)
    return line.complete && MboxFromLine(bytes[0..<line.content]) != nil
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    var splitter = Splitter(maximumMessageBytes: maximumMessageBytes, location: input.location, warn: input.warn)
    var reader = Reader(format: id, input: input)
    while let chunk = try input.read(1 << 16) {
      try splitter.push(chunk) { try reader.read($0, emit: emit) }
    }
    try splitter.finish { try reader.read($0, emit: emit) }
    if splitter.messageCount == 0 { input.warn("the mbox file holds no messages") }
    reader.finish()
  }

  // MARK: - Splitting

  /// One message cut out of the file.
  struct Cut {
    /// The exact bytes, `From ` line included.
    var fragment: Data
    /// The bytes after the `From ` line, with `>From` unescaped.
    var body: [UInt8]
    /// The file line of the `From ` line.
    var line: Int
    var fromLine: MboxFromLine
  }

  /// Cuts an mbox stream into messages, holding only the message being read. Offsets are
  /// counted from the start of the stream; `buffer` holds the stream from `base` on.
  struct Splitter {
    let maximumMessageBytes: Int
    let location: CasefileError.Location
    let warn: (String) -> Void
    private var buffer: [UInt8] = []
    private var base = 0
    /// Where the next line to look at starts, and its file line.
    private var scanned = 0
    private var line = 1
    private var previousBlank = true
    private var previousLineStart: Int?
    /// The message being gathered.
    private var current: Current?
    /// A `From ` line waiting for the line after it, which tells whether it starts a message.
    private var candidate: Candidate?
    private(set) var messageCount = 0

    struct Current {
      var start: Int
      var bodyStart: Int
      var line: Int
      var fromLine: MboxFromLine
      /// The offsets of the `>` to drop from `>From` lines.
      var escapes: [Int] = []
    }

    struct Candidate {
      var start: Int
      var next: Int
      var line: Int
      var fromLine: MboxFromLine
      /// Where the empty line before it starts, when it follows one.
      var separatorStart: Int?
    }

    init(maximumMessageBytes: Int, location: CasefileError.Location, warn: @escaping (String) -> Void) {
      self.maximumMessageBytes = maximumMessageBytes
      self.location = location
      self.warn = warn
    }

    func fail(_ message: String, line: Int) -> CasefileError {
      var here = location
      here.line = line
      return CasefileError(.badExport, message, location: here)
    }

    var limitText: String {
      maximumMessageBytes >= 1 << 20 ? "\(maximumMessageBytes >> 20) MB" : "\(maximumMessageBytes) bytes"
    }

    /// Adds a chunk, and hands on every message that it completes.
    mutating func push(_ chunk: Data, emit: (Cut) throws -> Void) throws {
      buffer.append(contentsOf: chunk)
      let end = base + buffer.count
      while let newline = MailBytes.firstNewline(buffer, from: scanned - base, to: buffer.count) {
        let next = base + newline + 1
        let content = newline > scanned - base && buffer[newline - 1] == 13 ? base + newline - 1 : base + newline
        try take(start: scanned, content: content, next: next, emit: emit)
        scanned = next
      }
      // Only what the message being read (or the line being read) needs is kept.
      // The message being read, or the one a `From ` line may start, may not grow past the cap.
      if let start = current?.start ?? candidate?.start, end - start > maximumMessageBytes {
        throw fail(
          "the message that starts here is larger than \(limitText), more than casefile reads at once",
          line: current?.line ?? candidate?.line ?? line)
      }
      if current == nil, candidate == nil, end - scanned > 4096 {
        throw fail("this is not an mbox file: its first line is not a 'From ' line", line: line)
      }
      let keep = current?.start ?? candidate?.start ?? scanned
      if keep > base {
        buffer.removeFirst(keep - base)
        base = keep
      }
    }

    /// Reads the last line (one without a line break) and hands on the last message.
    mutating func finish(emit: (Cut) throws -> Void) throws {
      let end = base + buffer.count
      if scanned < end {
        try take(start: scanned, content: end, next: end, emit: emit)
        scanned = end
      }
      if let waiting = candidate {
        candidate = nil
        guard current != nil else {
          throw fail("the 'From ' line is not followed by a message's header block", line: waiting.line)
        }
        // A `From ` line at the very end starts nothing: it is the message's last line.
      }
      guard let message = current else { return }
      // The empty line at the end of the file is the separator after the last message.
      var messageEnd = end
      if previousBlank, let blank = previousLineStart, blank >= message.bodyStart { messageEnd = blank }
      try cut(message, end: messageEnd, emit: emit)
      current = nil
    }

    /// One line: `start..<content` without its line break, the next line at `next`.
    private mutating func take(start: Int, content: Int, next: Int, emit: (Cut) throws -> Void) throws {
      let blank = content == start
      if let waiting = candidate {
        candidate = nil
        if MailHeaderBlock.isFieldLine(buffer, from: start - base, to: content - base) {
          if let message = current {
            if let separator = waiting.separatorStart {
              try cut(message, end: separator, emit: emit)
              current = Current(start: waiting.start, bodyStart: waiting.next, line: waiting.line, fromLine: waiting.fromLine)
            } else {
              warn(
                "line \(waiting.line): a 'From ' line followed by a header field does not follow an empty line, so it "
                  + "does not start a message: it is read as part of the message at line \(message.line)")
            }
          } else {
            current = Current(start: waiting.start, bodyStart: waiting.next, line: waiting.line, fromLine: waiting.fromLine)
          }
        } else if current == nil {
          throw fail("the 'From ' line is not followed by a message's header block", line: waiting.line)
        }
        // Otherwise the `From ` line was the text of the message before it.
      }
      var bytes = buffer[(start - base)..<(content - base)]
      if current == nil, candidate == nil {
        // A BOM before the first `From ` line belongs to the file, not to the message.
        let bom = start == 0 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        bytes = bytes.dropFirst(bom)
        if !bytes.isEmpty {
          guard let fromLine = MboxFromLine(bytes) else {
            throw fail("this is not an mbox file: its first line is not a 'From ' line", line: line)
          }
          candidate = Candidate(start: start + bom, next: next, line: line, fromLine: fromLine, separatorStart: nil)
        }
      } else if bytes.first == 70, let fromLine = MboxFromLine(bytes) {  // F
        candidate = Candidate(
          start: start, next: next, line: line, fromLine: fromLine, separatorStart: previousBlank ? previousLineStart : nil)
      } else if bytes.first == 62 {  // >
        let rest = bytes.drop { $0 == 62 }
        if rest.starts(with: [70, 114, 111, 109, 32]) { current?.escapes.append(start) }
      }
      previousBlank = blank
      previousLineStart = start
      line += 1
    }

    /// Hands on the message `message.start..<end`.
    private mutating func cut(_ message: Current, end: Int, emit: (Cut) throws -> Void) throws {
      if end - message.start > maximumMessageBytes {
        throw fail("the message that starts here is larger than \(limitText), more than casefile reads at once", line: message.line)
      }
      let fragment = Data(buffer[(message.start - base)..<(end - base)])
      var body: [UInt8]
      let escapes = message.escapes.filter { $0 < end }
      if escapes.isEmpty {
        body = Array(buffer[(message.bodyStart - base)..<(end - base)])
      } else {
        body = []
        body.reserveCapacity(end - message.bodyStart)
        var from = message.bodyStart
        for escape in escapes {
          body += buffer[(from - base)..<(escape - base)]
          from = escape + 1
        }
        body += buffer[(from - base)..<(end - base)]
      }
      messageCount += 1
      try emit(Cut(fragment: fragment, body: body, line: message.line, fromLine: message.fromLine))
    }
  }

  // MARK: - Reading

  /// Reads the messages cut out of the file, and what is reported once for the whole file.
  struct Reader {
    let format: String
    let input: FormatInput
    /// For each Message-ID met (by hash), the hash of its message's content and its line.
    private var seenIDs: [Int: (content: Int, line: Int)] = [:]
    private var lossyHTML: (count: Int, line: Int, reasons: String)?

    init(format: String, input: FormatInput) {
      self.format = format
      self.input = input
    }

    mutating func read(_ cut: Cut, emit: (ImportedMessage) throws -> Void) throws {
      let mail = try MailMessage(bytes: cut.body, firstLine: cut.line + 1, location: input.location)
      let built = try mail.imported(
        format: format, input: input, fragment: RawFragment(cut.fragment), messageLine: cut.line, fromLine: cut.fromLine)
      var message = built.message
      let notes = built.notes
      if let lossy = notes.lossyHTML {
        if let seen = lossyHTML {
          lossyHTML = (seen.count + 1, seen.line, seen.reasons)
        } else {
          lossyHTML = (1, lossy.line, lossy.reasons)
        }
      }
      if let id = message.platformMessageID {
        var content = Hasher()
        content.combine(message.sender?.handle)
        content.combine(message.occurredAt.utc)
        content.combine(message.details["subject"])
        content.combine(message.text)
        let contentHash = content.finalize()
        if let seen = seenIDs[id.hashValue] {
          if seen.content != contentHash {
            message.platformMessageID = nil
            input.warn(
              "line \(cut.line): the message's Message-ID was already used by the message at line \(seen.line), which differs "
                + "from it; it is kept apart, identified by its content")
          }
        } else {
          seenIDs[id.hashValue] = (contentHash, cut.line)
        }
      }
      try emit(message)
    }

    /// Reports the HTML bodies read in part, once.
    func finish() {
      guard let lossy = lossyHTML else { return }
      input.warn(
        "the HTML bodies of \(lossy.count) message\(lossy.count == 1 ? "" : "s") could only be read in part (the first at "
          + "line \(lossy.line): \(lossy.reasons)); their raw messages are kept whole")
    }
  }
}
