import Foundation

/// One email message saved as a file (`.eml`, "Save as" or "Download message" in a mail program):
/// RFC 5322 header fields, then the body, with MIME. Read by ``MailMessage``, the same reader as
/// ``MboxFormat``'s; see there for what becomes of each field.
///
/// The file is read whole (up to ``maximumBytes``) and is one message: its raw fragment is the
/// whole file. A file that starts with an mbox `From ` line (a message cut out of a mailbox) is
/// read after that line, whose date stands in for a missing `Date` field. Without a usable date the
/// file is refused, as it is when it does not start with a header block.
///
/// Claimed: any `*.eml`, and any other file whose first bytes are a mail header block (every line a
/// field, two of them fields of mail, one of them `From`, `Date` or `Received`).
public struct EmailMessageFormat: ExportFormat {
  public let id = "eml"
  public let title = "Email message (.eml)"

  /// The largest message file read.
  public static let defaultMaximumBytes = 64 << 20
  /// The largest message file this instance reads.
  public let maximumBytes: Int

  public init(maximumBytes: Int = EmailMessageFormat.defaultMaximumBytes) {
    self.maximumBytes = maximumBytes
  }

  public func claims(entryPath: String, head: Data) -> Bool {
    let name = (entryPath as NSString).lastPathComponent.lowercased()
    if name.hasSuffix(".eml") { return true }
    return MailHeaderBlock.looksLikeHeaders(head)
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    let data = try input.readWhole(maximumBytes: maximumBytes, what: "the email file")
    let bytes = [UInt8](data)
    var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var line = 1
    var fromLine: MboxFromLine?
    let first = MailBytes.lineEnd(bytes, from: start, to: bytes.count)
    if first.complete, let parsed = MboxFromLine(bytes[start..<first.content]) {
      fromLine = parsed
      start = first.next
      line = 2
    }
    let mail = try MailMessage(bytes: Array(bytes[start...]), firstLine: line, location: input.location)
    let (message, notes) = try mail.imported(format: id, input: input, fragment: RawFragment(data), messageLine: 1, fromLine: fromLine)
    if let lossy = notes.lossyHTML {
      input.warn("line \(lossy.line): the HTML body could only be read in part (\(lossy.reasons)); the raw message is kept whole")
    }
    try emit(message)
  }
}
