import Foundation

/// One email message read from its bytes, for the `eml` and `mbox` formats: its RFC 5322 header
/// fields (folded lines unfolded) and the MIME structure of its body.
///
/// What is read:
/// - Header fields, folded lines unfolded; a header line longer than ``maximumHeaderLineBytes``
///   (RFC 5322 allows 998 characters) or a field longer than ``maximumHeaderFieldBytes`` is refused.
///   A line in the header block that is neither a field nor a continuation ends the block, with a
///   warning: the rest is read as the body.
/// - RFC 2047 encoded words (`=?charset?B|Q?…?=`) in unstructured fields and display names;
///   whitespace between two adjacent encoded words is dropped, and adjacent words of one charset
///   are decoded together (a character split across two words survives). A word that cannot be
///   decoded (unknown charset, bad base64, bytes not valid in its charset) is kept as written.
/// - The MIME tree: nested `multipart/*` (to ``maximumDepth`` levels and ``maximumParts`` parts),
///   `Content-Transfer-Encoding` base64, quoted-printable, 7bit, 8bit and binary, the charset of
///   `Content-Type`, and RFC 2231 parameters (`filename*=utf-8''…`, `filename*0*=…`).
/// - The text: in a `multipart/alternative` the `text/plain` alternative is preferred, else the
///   `text/html` one (turned into text); in other multiparts the inline text parts are joined in
///   order.
/// - Attachments: every leaf part that is not inline body text (a `Content-Disposition:
///   attachment`, a part with a file name, or a type other than `text/plain` and `text/html`),
///   decoded only when asked for (see ``attachmentMedia(_:bytes:)``).
///
/// Nothing read here ever quotes a message's text or subject in an error or a warning.
struct MailMessage: Sendable {
  /// The bytes read: for an mbox message, those after its `From ` line with `>From` unescaped.
  let bytes: [UInt8]
  /// The file line of `bytes[0]`.
  let firstLine: Int
  let headers: [MailHeader]
  let root: MIMEPart
  /// Things the doctor should know that did not stop the reading, each with its line.
  private(set) var issues: [(line: Int, message: String)] = []

  /// RFC 5322 allows 998 characters a line; past this a header line is refused.
  static let maximumHeaderLineBytes = 64 << 10
  /// An unfolded header field longer than this is refused.
  static let maximumHeaderFieldBytes = 1 << 20
  /// Multiparts nested deeper than this are not walked: the deeper part is kept whole as an attachment.
  static let maximumDepth = 32
  /// Parts beyond this number in one message are not read (the raw message keeps them).
  static let maximumParts = 1000

  /// Reads a message whose header block starts at `bytes[0]`; fails when there is none, or when a
  /// header line is beyond the caps. `firstLine` is the file line of `bytes[0]`, for errors.
  init(bytes: [UInt8], firstLine: Int, location: CasefileError.Location) throws {
    self.bytes = bytes
    self.firstLine = firstLine
    var here = location
    here.line = firstLine
    guard MailHeaderBlock.isFieldLine(bytes, from: 0, to: MailBytes.lineEnd(bytes, from: 0, to: bytes.count).content) else {
      throw CasefileError(
        .badExport, "the message has no header block: its first line is not a header field ('Name: value')", location: here)
    }
    var reader = MIMEReader(bytes: bytes, firstLine: firstLine, location: location)
    let block = try reader.readHeaders(from: 0, to: bytes.count)
    headers = block.fields
    root = try reader.entity(
      fields: block.fields, headerStart: 0, headerLine: firstLine, body: block.bodyStart..<bytes.count, depth: 0,
      defaultType: "text/plain")
    issues = reader.issues
  }

  /// The value of the first field of that name (lowercase), unfolded and trimmed.
  func header(_ name: String) -> MailHeader? {
    headers.first { $0.name == name }
  }

  // MARK: - Body

  /// A part chosen as body text.
  struct TextLeaf: Sendable {
    var part: MIMEPart
    var isHTML: Bool
  }

  /// An attachment: where its encoded bytes are, and how to decode them.
  struct Attachment: Sendable {
    var name: String
    var mediaType: String
    var body: Range<Int>
    var transferEncoding: String
    var line: Int
  }

  /// The body text leaves and the attachments of the message, in order.
  func layout() -> (texts: [TextLeaf], attachments: [Attachment]) {
    var attachmentParts: [MIMEPart] = []
    let texts = Self.collect(root, attachments: &attachmentParts)
    var attachments: [Attachment] = []
    for (index, part) in attachmentParts.enumerated() {
      let name = part.fileName.map(Self.cleanName) ?? Self.defaultName(part.contentType, number: index + 1)
      attachments.append(Attachment(
        name: name, mediaType: part.contentType, body: part.body, transferEncoding: part.transferEncoding,
        line: part.headerLine))
    }
    return (texts, attachments)
  }

  /// The text leaves of a part, adding its attachments to `attachments`. In an alternative, one
  /// branch gives the text (plain preferred, then HTML); the attachments of every branch are kept.
  static func collect(_ part: MIMEPart, attachments: inout [MIMEPart]) -> [TextLeaf] {
    if part.isMultipart && !part.children.isEmpty {
      var branches: [[TextLeaf]] = []
      for child in part.children { branches.append(collect(child, attachments: &attachments)) }
      if part.contentType == "multipart/alternative" {
        return branches.first { $0.contains { !$0.isHTML } } ?? branches.first { !$0.isEmpty } ?? []
      }
      return branches.flatMap { $0 }
    }
    if part.isMultipart || part.isAttachment {
      attachments.append(part)
      return []
    }
    return [TextLeaf(part: part, isHTML: part.contentType == "text/html")]
  }

  /// What reading the body text met: notes for warnings (by line), and whether an HTML body
  /// could only be read in part (with libxml2's reasons).
  struct TextNotes: Sendable {
    var notes: [(line: Int, message: String)] = []
    var lossyHTML: (line: Int, reasons: String)?
  }

  /// The body text: each chosen leaf decoded by its transfer encoding and charset, HTML turned into
  /// text, joined by a blank line; line ends are `\n`. Nothing in the notes quotes the text.
  func text(_ leaves: [TextLeaf], location: CasefileError.Location) -> (text: String?, notes: TextNotes) {
    var texts: [String] = []
    var notes = TextNotes()
    for leaf in leaves {
      let partLine = leaf.part.typeLine
      guard let decoded = MailTransfer.decode(bytes[leaf.part.body], encoding: leaf.part.transferEncoding) else {
        notes.notes.append((partLine, "the body part's base64 could not be decoded, so it gives no text (the raw message is kept whole)"))
        continue
      }
      let (string, note) = MailCharset.text(decoded, charset: leaf.part.parameters["charset"])
      if let note { notes.notes.append((partLine, note)) }
      var text: String?
      if leaf.isHTML {
        var here = location
        here.line = partLine
        do {
          let tree = try XMLTree.parseHTML(Data(string.utf8), location: here)
          if tree.lossy, notes.lossyHTML == nil { notes.lossyHTML = (partLine, tree.lossyReasons.joined(separator: "; ")) }
          text = tree.readableText()
        } catch {
          notes.notes.append((partLine, "the HTML body could not be parsed, so it gives no text (the raw message is kept whole)"))
        }
      } else {
        text = string.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
      }
      if let text, !text.isEmpty { texts.append(text) }
    }
    return (texts.isEmpty ? nil : texts.joined(separator: "\n\n"), notes)
  }

  /// The attachments decoded: base64 that cannot be decoded makes the file missing, with why.
  static func attachmentMedia(_ attachments: [Attachment], bytes: [UInt8]) -> [ImportedMedia] {
    attachments.map { attachment in
      guard let data = MailTransfer.decode(bytes[attachment.body], encoding: attachment.transferEncoding) else {
        return ImportedMedia(
          name: attachment.name, mediaType: attachment.mediaType,
          content: .missing(reference: "\(attachment.name): the base64 data of the part at line \(attachment.line) could not be decoded"))
      }
      return ImportedMedia(name: attachment.name, mediaType: attachment.mediaType, content: .inline(Data(data)))
    }
  }

  /// A file name as the message gives it, without control characters or folders.
  static func cleanName(_ name: String) -> String {
    var scalars = String.UnicodeScalarView()
    scalars.append(contentsOf: name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F })
    let flat = String(scalars)
    let last = flat.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
    let trimmed = last.trimmingCharacters(in: .whitespaces)
    return trimmed.isEmpty || trimmed == "." || trimmed == ".." ? "attachment" : trimmed
  }

  /// `part-N.ext` for a part without a file name.
  static func defaultName(_ mediaType: String, number: Int) -> String {
    if mediaType == "message/rfc822" { return "part-\(number).eml" }
    let ext = MediaType.byExtension.filter { $0.value == mediaType }.keys.sorted().first
    return ext.map { "part-\(number).\($0)" } ?? "part-\(number)"
  }
}

// MARK: - Header fields

/// One header field: its name in lowercase and its value unfolded, trimmed and not yet decoded.
struct MailHeader: Sendable, Equatable {
  var name: String
  var value: String
  /// The file line where the field starts.
  var line: Int
}

/// Reading a header block line by line.
enum MailHeaderBlock {
  /// Whether `bytes[from..<to]` (one line, without its end) starts a field: a name of printable
  /// ASCII other than `:`, optional spaces (obsolete syntax), and a colon.
  static func isFieldLine(_ bytes: [UInt8], from: Int, to: Int) -> Bool {
    var index = from
    while index < to, bytes[index] > 32, bytes[index] < 127, bytes[index] != 58 { index += 1 }
    guard index > from else { return false }
    while index < to, bytes[index] == 32 || bytes[index] == 9 { index += 1 }
    return index < to && bytes[index] == 58
  }

  /// The names that mark a mail header block, for recognising an `.eml` by its first bytes.
  static let mailFields: Set<String> = [
    "from", "to", "cc", "date", "subject", "message-id", "received", "return-path", "mime-version", "delivered-to",
    "reply-to", "content-type", "in-reply-to", "references", "x-gm-thrid", "x-gmail-labels", "dkim-signature",
    "x-received", "authentication-results", "arc-seal", "arc-message-signature", "arc-authentication-results",
  ]

  /// Whether the first bytes of a file are an RFC 5322 header block: every line up to the first
  /// empty one (or the end of `head`) is a field or a continuation, and at least two of them are
  /// fields of mail (``mailFields``), one of them `From`, `Date` or `Received`.
  static func looksLikeHeaders(_ head: Data) -> Bool {
    var bytes = [UInt8](head.prefix(8192))
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    var position = 0
    var names = Set<String>()
    var lines = 0
    while position < bytes.count {
      let (content, next, complete) = MailBytes.lineEnd(bytes, from: position, to: bytes.count)
      guard complete else { break }  // A line cut by the end of the head is not judged.
      if content == position { break }
      if bytes[position] == 32 || bytes[position] == 9 {
        guard lines > 0 else { return false }
      } else {
        guard isFieldLine(bytes, from: position, to: content) else { return false }
        var end = position
        while end < content, bytes[end] != 58, bytes[end] != 32, bytes[end] != 9 { end += 1 }
        names.insert(String(decoding: bytes[position..<end], as: UTF8.self).lowercased())
      }
      lines += 1
      position = next
    }
    let known = names.intersection(mailFields)
    return known.count >= 2 && !known.isDisjoint(with: ["from", "date", "received"])
  }
}

// MARK: - MIME

/// One MIME entity: its type and parameters, where its body is, and its parts if it is a multipart.
struct MIMEPart: Sendable {
  /// `type/subtype`, lowercase.
  var contentType: String
  /// The `Content-Type` parameters, names lowercase, values decoded (RFC 2231 and RFC 2047).
  var parameters: [String: String]
  /// `attachment`, `inline`, or nil.
  var disposition: String?
  var dispositionParameters: [String: String]
  /// Lowercase; `7bit` when not given.
  var transferEncoding: String
  /// The offset of the entity's first header line (of the message, for the root), and its file line.
  var headerStart: Int
  var headerLine: Int
  /// The file line of its `Content-Type` field (its first line when it has none), for warnings.
  var typeLine: Int
  var body: Range<Int>
  var children: [MIMEPart] = []

  var isMultipart: Bool { contentType.hasPrefix("multipart/") }

  /// The file name: the disposition's `filename`, else the type's `name`.
  var fileName: String? {
    let name = dispositionParameters["filename"] ?? parameters["name"]
    return name.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
  }

  /// A part that is a file rather than body text: marked as an attachment, named, or of a type
  /// other than plain text and HTML.
  var isAttachment: Bool {
    disposition == "attachment" || fileName != nil || (contentType != "text/plain" && contentType != "text/html")
  }
}

/// Reads the header blocks and the MIME tree of one message.
struct MIMEReader {
  let bytes: [UInt8]
  let firstLine: Int
  let location: CasefileError.Location
  var issues: [(line: Int, message: String)] = []
  var partCount = 0
  var warnedPartCap = false
  /// The last offset whose line was counted, and its line: the tree is read in document order, so
  /// counting goes on from there and the whole reading stays one pass over the bytes.
  private var lineCache: (offset: Int, line: Int)

  init(bytes: [UInt8], firstLine: Int, location: CasefileError.Location) {
    self.bytes = bytes
    self.firstLine = firstLine
    self.location = location
    lineCache = (0, firstLine)
  }

  /// The file line of an offset.
  mutating func line(at offset: Int) -> Int {
    if offset < lineCache.offset { lineCache = (0, firstLine) }
    var line = lineCache.line
    var position = lineCache.offset
    let end = min(offset, bytes.count)
    while let newline = MailBytes.firstNewline(bytes, from: position, to: end) {
      line += 1
      position = newline + 1
    }
    lineCache = (end, line)
    return line
  }

  /// Reads the header block that starts at `start`: its fields, and where the body starts.
  mutating func readHeaders(from start: Int, to end: Int) throws -> (fields: [MailHeader], bodyStart: Int) {
    var fields: [MailHeader] = []
    var current: (start: Int, line: Int, value: [UInt8])?
    let startLine = line(at: start)
    var position = start
    var linesSeen = 0
    func finish() {
      guard let field = current else { return }
      current = nil
      var index = field.start
      while bytes[index] != 58 && bytes[index] != 32 && bytes[index] != 9 { index += 1 }
      let name = String(decoding: bytes[field.start..<index], as: UTF8.self).lowercased()
      var colon = index
      while bytes[colon] != 58 { colon += 1 }
      let valueStart = colon + 1 - field.start
      let value = MailCharset.headerText(Array(field.value[valueStart...])).trimmingCharacters(in: .whitespacesAndNewlines)
      fields.append(MailHeader(name: name, value: value, line: field.line))
    }
    while position < end {
      let (content, next, _) = MailBytes.lineEnd(bytes, from: position, to: end)
      let here = startLine + linesSeen
      if content - position > MailMessage.maximumHeaderLineBytes {
        var location = self.location
        location.line = here
        throw CasefileError(
          .badExport, "a header line is longer than \(MailMessage.maximumHeaderLineBytes >> 10) KB (RFC 5322 allows 998 characters)",
          location: location)
      }
      if content == position {
        finish()
        return (fields, next)
      }
      if bytes[position] == 32 || bytes[position] == 9, current != nil {
        current!.value.append(contentsOf: bytes[position..<content])
        if current!.value.count > MailMessage.maximumHeaderFieldBytes {
          var location = self.location
          location.line = current!.line
          throw CasefileError(.badExport, "a header field is longer than \(MailMessage.maximumHeaderFieldBytes >> 20) MB", location: location)
        }
      } else if MailHeaderBlock.isFieldLine(bytes, from: position, to: content) {
        finish()
        current = (position, here, Array(bytes[position..<content]))
      } else {
        finish()
        issues.append((here, "a line in the header block is not a header field; the header block is taken to end there"))
        return (fields, position)
      }
      linesSeen += 1
      position = next
    }
    finish()
    return (fields, end)
  }

  /// The entity whose header fields are `fields` and whose body is `body`; a multipart's parts are
  /// read too.
  mutating func entity(
    fields: [MailHeader], headerStart: Int, headerLine: Int, body: Range<Int>, depth: Int, defaultType: String
  ) throws -> MIMEPart {
    func field(_ name: String) -> String? { fields.first { $0.name == name }?.value }
    var contentType = defaultType
    var parameters: [String: String] = [:]
    if let value = field("content-type") {
      let parsed = MailParameters.parse(value)
      if parsed.value.split(separator: "/").count == 2 {
        contentType = parsed.value
        parameters = parsed.parameters
      } else {
        parameters = parsed.parameters
      }
    }
    var disposition: String?
    var dispositionParameters: [String: String] = [:]
    if let value = field("content-disposition") {
      let parsed = MailParameters.parse(value)
      disposition = parsed.value.isEmpty ? nil : parsed.value
      dispositionParameters = parsed.parameters
    }
    let encoding = field("content-transfer-encoding").map { MailParameters.parse($0).value } ?? "7bit"
    var part = MIMEPart(
      contentType: contentType, parameters: parameters, disposition: disposition, dispositionParameters: dispositionParameters,
      transferEncoding: encoding.isEmpty ? "7bit" : encoding, headerStart: headerStart, headerLine: headerLine,
      typeLine: fields.first { $0.name == "content-type" }?.line ?? headerLine, body: body)
    guard part.isMultipart else { return part }
    guard let boundary = parameters["boundary"], !boundary.isEmpty else {
      issues.append((part.typeLine, "a multipart part names no boundary, so its body is read as plain text"))
      part.contentType = "text/plain"
      return part
    }
    guard depth < MailMessage.maximumDepth else {
      issues.append((part.typeLine, "multiparts are nested more than \(MailMessage.maximumDepth) deep; the deeper part is kept whole as an attachment"))
      part.contentType = "application/octet-stream"
      part.disposition = "attachment"
      return part
    }
    let split = MailBytes.splitParts(bytes, body: body, boundary: Array(boundary.utf8))
    if split.parts.isEmpty {
      issues.append((part.typeLine, "a multipart part holds no part with its boundary, so its body is read as plain text"))
      part.contentType = "text/plain"
      return part
    }
    if !split.closed {
      issues.append((
        part.typeLine,
        "a multipart part has no closing boundary (the message may have been cut short): its last part runs to the end of the message"
      ))
    }
    let childDefault = contentType == "multipart/digest" ? "message/rfc822" : "text/plain"
    for range in split.parts {
      partCount += 1
      guard partCount <= MailMessage.maximumParts else {
        if !warnedPartCap {
          warnedPartCap = true
          issues.append((line(at: range.lowerBound), "the message has more than \(MailMessage.maximumParts) MIME parts; the rest are not read (the raw message is kept whole)"))
        }
        break
      }
      let partLine = line(at: range.lowerBound)
      let block = try readHeaders(from: range.lowerBound, to: range.upperBound)
      part.children.append(try entity(
        fields: block.fields, headerStart: range.lowerBound, headerLine: partLine, body: block.bodyStart..<range.upperBound,
        depth: depth + 1, defaultType: childDefault))
    }
    return part
  }
}

// MARK: - Bytes

/// Line and boundary scanning over a message's bytes.
enum MailBytes {
  /// The line that starts at `from`: where its content ends (before `\r\n` or `\n`), where the
  /// next line starts, and whether it ended with a line break (rather than at `to`).
  static func lineEnd(_ bytes: [UInt8], from: Int, to: Int) -> (content: Int, next: Int, complete: Bool) {
    guard let newline = firstNewline(bytes, from: from, to: to) else { return (to, to, false) }
    let content = newline > from && bytes[newline - 1] == 13 ? newline - 1 : newline
    return (content, newline + 1, true)
  }

  /// The offset of the first `\n` in `bytes[from..<to]`.
  static func firstNewline(_ bytes: [UInt8], from: Int, to: Int) -> Int? {
    guard from < to else { return nil }
    return bytes.withUnsafeBufferPointer { buffer -> Int? in
      guard let base = buffer.baseAddress, let found = memchr(base + from, 0x0A, to - from) else { return nil }
      return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
  }

  /// The parts of a multipart body between its `--boundary` lines, each without the line break
  /// before the next delimiter; `closed` tells whether the `--boundary--` line was met. A
  /// delimiter line may end with spaces; a longer boundary that merely starts with this one is not
  /// a delimiter.
  static func splitParts(_ bytes: [UInt8], body: Range<Int>, boundary: [UInt8]) -> (parts: [Range<Int>], closed: Bool) {
    var parts: [Range<Int>] = []
    var partStart: Int?
    var position = body.lowerBound
    let end = body.upperBound
    while position < end {
      let (content, next, _) = lineEnd(bytes, from: position, to: end)
      if content - position >= boundary.count + 2, bytes[position] == 45, bytes[position + 1] == 45,
        bytes[(position + 2)..<(position + 2 + boundary.count)].elementsEqual(boundary)
      {
        var rest = position + 2 + boundary.count
        let closing = content - rest >= 2 && bytes[rest] == 45 && bytes[rest + 1] == 45
        if closing { rest += 2 }
        if bytes[rest..<content].allSatisfy({ $0 == 32 || $0 == 9 }) {
          if let start = partStart {
            // The line break before the delimiter belongs to the delimiter.
            var partEnd = position
            if partEnd > start, bytes[partEnd - 1] == 10 { partEnd -= 1 }
            if partEnd > start, bytes[partEnd - 1] == 13 { partEnd -= 1 }
            parts.append(start..<partEnd)
          }
          if closing { return (parts, true) }
          partStart = next
        }
      }
      position = next
    }
    if let start = partStart { parts.append(start..<max(start, end)) }
    return (parts, false)
  }
}

// MARK: - Parameters (RFC 2045, RFC 2231)

/// A structured field's value and `; name=value` parameters (`Content-Type`, `Content-Disposition`).
enum MailParameters {
  /// The value (lowercase) and its parameters: names lowercase; RFC 2231 continuations and
  /// charsets applied (`name*0*=utf-8''…`, `name*1*=…`), preferred over a plain `name=`; RFC 2047
  /// encoded words decoded in plain values (mailers write file names that way too).
  static func parse(_ text: String) -> (value: String, parameters: [String: String]) {
    let chars = Array(text.unicodeScalars)
    var index = 0
    func skipSpaceAndComments() {
      while index < chars.count {
        if chars[index] == " " || chars[index] == "\t" || chars[index] == "\r" || chars[index] == "\n" {
          index += 1
        } else if chars[index] == "(" {
          var depth = 0
          while index < chars.count {
            if chars[index] == "\\" { index += 2; continue }
            if chars[index] == "(" { depth += 1 }
            if chars[index] == ")" { depth -= 1; if depth == 0 { index += 1; break } }
            index += 1
          }
        } else {
          return
        }
      }
    }
    func token(until stops: Set<Unicode.Scalar>) -> String {
      var out = String.UnicodeScalarView()
      while index < chars.count, !stops.contains(chars[index]) {
        out.append(chars[index])
        index += 1
      }
      return String(out).trimmingCharacters(in: .whitespaces)
    }
    skipSpaceAndComments()
    let value = token(until: [";", " ", "\t", "("]).lowercased()
    var raw: [(name: String, value: String)] = []
    while index < chars.count {
      // Up to the next `;`.
      while index < chars.count, chars[index] != ";" {
        if chars[index] == "(" { skipSpaceAndComments() } else { index += 1 }
      }
      guard index < chars.count else { break }
      index += 1
      skipSpaceAndComments()
      let name = token(until: ["=", ";"]).lowercased()
      guard index < chars.count, chars[index] == "=", !name.isEmpty else { continue }
      index += 1
      skipSpaceAndComments()
      var parameterValue = String.UnicodeScalarView()
      if index < chars.count, chars[index] == "\"" {
        index += 1
        while index < chars.count, chars[index] != "\"" {
          if chars[index] == "\\", index + 1 < chars.count { index += 1 }
          parameterValue.append(chars[index])
          index += 1
        }
        index += 1
      } else {
        while index < chars.count, chars[index] != ";", chars[index] != " ", chars[index] != "\t" {
          parameterValue.append(chars[index])
          index += 1
        }
      }
      raw.append((name, String(parameterValue)))
    }
    return (value, assemble(raw))
  }

  /// Applies RFC 2231: `name*` is charset'language'percent-encoded, `name*N` and `name*N*` are
  /// pieces of one value in order.
  static func assemble(_ raw: [(name: String, value: String)]) -> [String: String] {
    var plain: [String: String] = [:]
    var pieces: [String: [(section: Int, extended: Bool, value: String)]] = [:]
    for (name, value) in raw {
      guard let star = name.firstIndex(of: "*") else {
        if plain[name] == nil { plain[name] = value }
        continue
      }
      let base = String(name[..<star])
      var rest = name[name.index(after: star)...]
      var extended = false
      if rest.hasSuffix("*") {
        extended = true
        rest = rest.dropLast()
      }
      let section: Int
      if rest.isEmpty {
        section = 0
        extended = true  // `name*=` is always extended.
      } else if let number = Int(rest) {
        section = number
      } else {
        continue
      }
      pieces[base, default: []].append((section, extended, value))
    }
    var out: [String: String] = [:]
    for (name, value) in plain {
      out[name] = value.contains("=?") ? MailWords.decode(value) : value
    }
    for (name, list) in pieces {
      let sorted = list.sorted { $0.section < $1.section }
      var charset = "utf-8"
      var bytes: [UInt8] = []
      for (position, piece) in sorted.enumerated() {
        var text = Substring(piece.value)
        if piece.extended, position == 0 {
          let fields = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
          if fields.count == 3 {
            if !fields[0].isEmpty { charset = String(fields[0]) }
            text = fields[2]
          }
        }
        bytes += piece.extended ? percentDecoded(text) : Array(text.utf8)
      }
      if let decoded = MailCharset.decode(bytes, charset: charset) ?? String(validating: bytes, as: UTF8.self) {
        out[name] = decoded
      } else {
        out[name] = MailCharset.windows1252(bytes)
      }
    }
    return out
  }

  static func percentDecoded(_ text: Substring) -> [UInt8] {
    let utf8 = Array(text.utf8)
    var out: [UInt8] = []
    var index = 0
    while index < utf8.count {
      if utf8[index] == 37, index + 2 < utf8.count, let high = MailTransfer.hex(utf8[index + 1]), let low = MailTransfer.hex(utf8[index + 2]) {
        out.append(high << 4 | low)
        index += 3
      } else {
        out.append(utf8[index])
        index += 1
      }
    }
    return out
  }
}

// MARK: - Transfer encodings

/// Content-Transfer-Encoding: base64 and quoted-printable decoding.
enum MailTransfer {
  /// The bytes of a body decoded by its transfer encoding; nil when base64 is not valid. Unknown
  /// encodings (and 7bit, 8bit, binary) are taken as they are.
  static func decode(_ bytes: ArraySlice<UInt8>, encoding: String) -> [UInt8]? {
    switch encoding {
    case "base64": base64(bytes)
    case "quoted-printable": quotedPrintable(bytes)
    default: Array(bytes)
    }
  }

  static func hex(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 48...57: byte - 48
    case 65...70: byte - 55
    case 97...102: byte - 87
    default: nil
    }
  }

  /// Base64 with line breaks and spaces ignored and missing padding tolerated; nil on any other
  /// character, on data after the padding, or on a length no encoder writes.
  static func base64(_ bytes: some Collection<UInt8>) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 3 / 4)
    var accumulator: UInt32 = 0
    var count = 0
    var padding = 0
    for byte in bytes {
      let value: UInt32
      switch byte {
      case 65...90: value = UInt32(byte - 65)
      case 97...122: value = UInt32(byte - 71)
      case 48...57: value = UInt32(byte + 4)
      case 43: value = 62
      case 47: value = 63
      case 61:
        padding += 1
        continue
      case 32, 9, 10, 13:
        continue
      default:
        return nil
      }
      guard padding == 0 else { return nil }
      accumulator = accumulator << 6 | value
      count += 1
      if count == 4 {
        out.append(UInt8(accumulator >> 16 & 0xFF))
        out.append(UInt8(accumulator >> 8 & 0xFF))
        out.append(UInt8(accumulator & 0xFF))
        accumulator = 0
        count = 0
      }
    }
    switch count {
    case 0: break
    case 2: out.append(UInt8(accumulator >> 4 & 0xFF))
    case 3:
      out.append(UInt8(accumulator >> 10 & 0xFF))
      out.append(UInt8(accumulator >> 2 & 0xFF))
    default: return nil
    }
    guard padding <= 2 else { return nil }
    return out
  }

  /// Quoted-printable: `=XX` is a byte, `=` at a line's end is a soft break (joining the lines),
  /// spaces at a line's end are transport padding and dropped; a `=` that starts neither is kept.
  static func quotedPrintable(_ bytes: some Collection<UInt8>) -> [UInt8] {
    let input = Array(bytes)
    var out: [UInt8] = []
    out.reserveCapacity(input.count)
    // Where the literal spaces at the end of `out` start, to drop them at a line's end.
    var literalSpaceStart: Int?
    var index = 0
    while index < input.count {
      let byte = input[index]
      if byte == 61 {  // =
        var look = index + 1
        while look < input.count, input[look] == 32 || input[look] == 9 { look += 1 }
        if look < input.count, input[look] == 13 || input[look] == 10 {
          // A soft line break (padding allowed before it).
          index = look + (input[look] == 13 && look + 1 < input.count && input[look + 1] == 10 ? 2 : 1)
          literalSpaceStart = nil
          continue
        }
        if look == input.count {
          index = look
          continue
        }
        if index + 2 < input.count, let high = hex(input[index + 1]), let low = hex(input[index + 2]) {
          out.append(high << 4 | low)
          index += 3
          literalSpaceStart = nil
          continue
        }
        out.append(byte)
        literalSpaceStart = nil
        index += 1
        continue
      }
      if byte == 32 || byte == 9 {
        if literalSpaceStart == nil { literalSpaceStart = out.count }
      } else if byte == 13 || byte == 10 {
        if let start = literalSpaceStart { out.removeSubrange(start...) }
        literalSpaceStart = nil
      } else {
        literalSpaceStart = nil
      }
      out.append(byte)
      index += 1
    }
    return out
  }
}

// MARK: - Charsets

/// Turning bytes in a named charset into text.
enum MailCharset {
  /// The bytes as text in `charset`; nil when the charset is unknown or the bytes are not valid in it.
  static func decode(_ bytes: [UInt8], charset: String) -> String? {
    let name = normalized(charset)
    switch name {
    case "utf-8", "utf8":
      return String(validating: bytes, as: UTF8.self)
    case "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us":
      return bytes.allSatisfy { $0 < 0x80 } ? String(decoding: bytes, as: UTF8.self) : nil
    case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819", "iso-ir-100":
      return latin1(bytes)
    case "windows-1252", "cp1252", "x-cp1252", "win-1252":
      return windows1252(bytes)
    default:
      guard let encoding = foundationEncoding(name) else { return nil }
      return String(data: Data(bytes), encoding: encoding)
    }
  }

  /// Whether casefile can read text in the charset.
  static func isKnown(_ charset: String) -> Bool {
    let name = normalized(charset)
    return builtIn.contains(name) || foundationEncoding(name) != nil
  }

  /// The charsets read without Foundation.
  static let builtIn: Set<String> = [
    "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "iso-8859-1", "iso8859-1", "iso_8859-1",
    "latin1", "latin-1", "l1", "cp819", "ibm819", "iso-ir-100", "windows-1252", "cp1252", "x-cp1252", "win-1252",
  ]

  /// Lowercase, without quotes, spaces or an RFC 2231 language (`utf-8*en`).
  static func normalized(_ charset: String) -> String {
    var name = charset.trimmingCharacters(in: CharacterSet(charactersIn: "\"' \t")).lowercased()
    if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }
    return name
  }

  /// Charsets that Foundation decodes on Linux, by their names in mail.
  static func foundationEncoding(_ name: String) -> String.Encoding? {
    // Core Foundation's encodings, as Foundation numbers them (0x8000_0000 | CFStringEncoding).
    func cf(_ value: UInt) -> String.Encoding { String.Encoding(rawValue: 0x8000_0000 | value) }
    for prefix in ["iso-8859-", "iso8859-", "iso_8859-"] where name.hasPrefix(prefix) {
      guard let number = UInt(name.dropFirst(prefix.count).prefix { $0.isNumber }), (2...16).contains(number), number != 12 else {
        return nil
      }
      return number == 2 ? .isoLatin2 : cf(0x0200 + number)
    }
    switch name {
    case "latin2", "l2": return .isoLatin2
    case "latin9", "l9": return cf(0x020F)
    case "windows-1250", "cp1250": return .windowsCP1250
    case "windows-1251", "cp1251": return .windowsCP1251
    case "windows-1253", "cp1253": return .windowsCP1253
    case "windows-1254", "cp1254": return .windowsCP1254
    case "windows-1255", "cp1255": return cf(0x0505)
    case "windows-1256", "cp1256": return cf(0x0506)
    case "windows-1257", "cp1257": return cf(0x0507)
    case "windows-1258", "cp1258": return cf(0x0508)
    case "windows-874", "cp874", "tis-620": return cf(0x041D)
    case "koi8-r": return cf(0x0A02)
    case "koi8-u": return cf(0x0A08)
    case "shift_jis", "shift-jis", "sjis", "x-sjis", "windows-31j", "cp932": return .shiftJIS
    case "iso-2022-jp": return .iso2022JP
    case "euc-jp": return .japaneseEUC
    case "gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn": return cf(0x0632)
    case "big5", "cp950": return cf(0x0A03)
    case "big5-hkscs": return cf(0x0A06)
    case "euc-kr", "ks_c_5601-1987", "ks_c_5601", "cp949": return cf(0x0422)
    case "utf-16": return .utf16
    case "utf-16be": return .utf16BigEndian
    case "utf-16le": return .utf16LittleEndian
    case "macintosh", "mac", "x-mac-roman", "macroman": return .macOSRoman
    default: return nil
    }
  }

  static func latin1(_ bytes: [UInt8]) -> String {
    var scalars = String.UnicodeScalarView()
    scalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
    return String(scalars)
  }

  /// windows-1252: Latin-1 with printable characters in 0x80–0x9F (the five it leaves undefined
  /// stay as the C1 controls of those numbers). Every byte string is valid.
  static func windows1252(_ bytes: [UInt8]) -> String {
    var scalars = String.UnicodeScalarView()
    for byte in bytes {
      if byte >= 0x80, byte <= 0x9F, let scalar = Unicode.Scalar(cp1252High[Int(byte - 0x80)]) {
        scalars.append(scalar)
      } else {
        scalars.append(Unicode.Scalar(byte))
      }
    }
    return String(scalars)
  }

  static let cp1252High: [UInt32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
    0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
  ]

  /// A header's raw bytes as text: UTF-8 (RFC 6532) when valid, else windows-1252.
  static func headerText(_ bytes: [UInt8]) -> String {
    String(validating: bytes, as: UTF8.self) ?? windows1252(bytes)
  }

  /// A body part's bytes as text in its declared charset. Without one (or `us-ascii` with 8-bit
  /// bytes), UTF-8 when valid, else windows-1252; an unknown charset, or bytes not valid in the
  /// declared one, are read the same way with a note saying so (which names no text).
  static func text(_ bytes: [UInt8], charset: String?) -> (text: String, note: String?) {
    let fallback = { String(validating: bytes, as: UTF8.self).map { ($0, "UTF-8") } ?? (windows1252(bytes), "windows-1252") }
    guard let charset, !charset.isEmpty else {
      let (text, _) = fallback()
      return (text, nil)
    }
    if let text = decode(bytes, charset: charset) { return (text, nil) }
    let name = normalized(charset)
    if ["us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us"].contains(name) {
      let (text, _) = fallback()
      return (text, nil)  // 8-bit text labelled ASCII is common, and UTF-8 or windows-1252 is what it is.
    }
    if name == "utf-8" || name == "utf8" {
      return (String(decoding: bytes, as: UTF8.self), "the text is not valid UTF-8 as its part says; the bytes that are not were replaced by U+FFFD")
    }
    let (text, used) = fallback()
    if foundationEncoding(name) == nil {
      return (text, "the charset '\(charset)' is not known; the text was read as \(used)")
    }
    return (text, "the text is not valid \(charset) as its part says; it was read as \(used)")
  }
}

// MARK: - Encoded words (RFC 2047)

/// RFC 2047 encoded words in header text.
enum MailWords {
  private enum Piece {
    case text(String)
    case word(charset: String, bytes: [UInt8], raw: String)
  }

  /// The text with its encoded words decoded: whitespace between two adjacent encoded words is
  /// dropped, consecutive words of one charset are decoded together, and a word that cannot be
  /// decoded is kept as written.
  static func decode(_ text: String) -> String {
    guard text.contains("=?") else { return text }
    let scalars = Array(text.unicodeScalars)
    var pieces: [Piece] = []
    var literal = String.UnicodeScalarView()
    var index = 0
    while index < scalars.count {
      if scalars[index] == "=", index + 1 < scalars.count, scalars[index + 1] == "?", let (word, end) = encodedWord(scalars, at: index) {
        if !literal.isEmpty {
          pieces.append(.text(String(literal)))
          literal = String.UnicodeScalarView()
        }
        pieces.append(word)
        index = end
      } else {
        literal.append(scalars[index])
        index += 1
      }
    }
    if !literal.isEmpty { pieces.append(.text(String(literal))) }

    // Whitespace alone between two encoded words goes, unless one of them is in a charset that
    // casefile cannot read: that word stays as written, and so do the spaces around it.
    var kept: [Piece] = []
    for (position, piece) in pieces.enumerated() {
      if case .text(let text) = piece, position > 0, position + 1 < pieces.count,
        text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }),
        case .word(let before, _, _) = pieces[position - 1], case .word(let after, _, _) = pieces[position + 1],
        MailCharset.isKnown(before), MailCharset.isKnown(after)
      {
        continue
      }
      kept.append(piece)
    }

    var out = ""
    var run: [(charset: String, bytes: [UInt8], raw: String)] = []
    func flush() {
      guard !run.isEmpty else { return }
      let joined = run.flatMap(\.bytes)
      if let decoded = MailCharset.decode(joined, charset: run[0].charset) {
        out += decoded
      } else {
        for word in run { out += MailCharset.decode(word.bytes, charset: word.charset) ?? word.raw }
      }
      run.removeAll()
    }
    for piece in kept {
      switch piece {
      case .text(let text):
        flush()
        out += text
      case .word(let charset, let bytes, let raw):
        if let first = run.first, MailCharset.normalized(first.charset) != MailCharset.normalized(charset) { flush() }
        run.append((charset, bytes, raw))
      }
    }
    flush()
    return out
  }

  /// The encoded word starting at `start` (`=?charset?B|Q?text?=`), decoded to bytes, and where it
  /// ends; nil when none starts there. A word whose base64 is bad is kept as literal text.
  private static func encodedWord(_ scalars: [Unicode.Scalar], at start: Int) -> (Piece, Int)? {
    var index = start + 2
    var charset = String.UnicodeScalarView()
    while index < scalars.count, scalars[index] != "?" {
      guard scalars[index].isASCII, scalars[index] != " ", charset.count < 64 else { return nil }
      charset.append(scalars[index])
      index += 1
    }
    guard index + 2 < scalars.count, !charset.isEmpty, scalars[index + 2] == "?" else { return nil }
    let kind = scalars[index + 1]
    guard kind == "B" || kind == "b" || kind == "Q" || kind == "q" else { return nil }
    index += 3
    let textStart = index
    while index + 1 < scalars.count, !(scalars[index] == "?" && scalars[index + 1] == "=") {
      guard scalars[index].isASCII, scalars[index] != " ", scalars[index] != "\t" else { return nil }
      index += 1
    }
    guard index + 1 < scalars.count else { return nil }
    let encoded = scalars[textStart..<index].map { UInt8($0.value) }
    let end = index + 2
    var raw = String.UnicodeScalarView()
    raw.append(contentsOf: scalars[start..<end])
    let bytes: [UInt8]
    if kind == "B" || kind == "b" {
      guard let decoded = MailTransfer.base64(encoded) else { return nil }
      bytes = decoded
    } else {
      var out: [UInt8] = []
      var position = 0
      while position < encoded.count {
        let byte = encoded[position]
        if byte == 95 {
          out.append(32)
        } else if byte == 61, position + 2 < encoded.count, let high = MailTransfer.hex(encoded[position + 1]),
          let low = MailTransfer.hex(encoded[position + 2])
        {
          out.append(high << 4 | low)
          position += 3
          continue
        } else {
          out.append(byte)
        }
        position += 1
      }
      bytes = out
    }
    return (.word(charset: String(charset), bytes: bytes, raw: String(raw)), end)
  }
}

// MARK: - Addresses

/// One mailbox of an address field.
struct MailAddress: Sendable, Equatable {
  /// As written (not lowercased); may lack an `@` (`MAILER-DAEMON`).
  var address: String
  /// The display name, encoded words decoded; nil when there is none.
  var name: String?
}

/// RFC 5322 address lists: `Name <a@b>`, `"Name, Title" <a@b>`, `a@b (Name)`, groups
/// (`Team: a@b, c@d;`), with comments and quoted strings.
enum MailAddresses {
  private enum Token {
    case atom(String)
    case quoted(String)
    case comment(String)
    case angle(String)
    case comma, colon, semicolon
  }

  static func parse(_ value: String) -> [MailAddress] {
    var out: [MailAddress] = []
    var current: [Token] = []
    func finish() {
      defer { current.removeAll() }
      guard let mailbox = mailbox(current) else { return }
      out.append(mailbox)
    }
    for token in tokens(value) {
      switch token {
      case .comma, .semicolon: finish()
      case .colon: current.removeAll()  // A group's name.
      default: current.append(token)
      }
    }
    finish()
    return out
  }

  private static func mailbox(_ tokens: [Token]) -> MailAddress? {
    var phrase: [String] = []
    var comments: [String] = []
    var angle: String?
    for token in tokens {
      switch token {
      case .atom(let text), .quoted(let text): phrase.append(text)
      case .comment(let text): comments.append(text)
      case .angle(let text): angle = text
      default: break
      }
    }
    func name(_ parts: [String]) -> String? {
      let joined = MailWords.decode(parts.joined(separator: " "))
        .split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
      return joined.isEmpty ? nil : joined
    }
    if var address = angle {
      // An obsolete route (`<@relay:a@b>`) is dropped.
      if address.hasPrefix("@"), let colon = address.firstIndex(of: ":") { address = String(address[address.index(after: colon)...]) }
      address = address.trimmingCharacters(in: .whitespaces)
      guard !address.isEmpty else { return nil }
      return MailAddress(address: address, name: name(phrase) ?? name(comments))
    }
    guard !phrase.isEmpty else { return nil }
    if let index = phrase.lastIndex(where: { $0.contains("@") }) {
      var others = phrase
      others.remove(at: index)
      return MailAddress(address: phrase[index], name: name(comments) ?? name(others))
    }
    return MailAddress(address: phrase.joined(), name: name(comments))
  }

  private static func tokens(_ value: String) -> [Token] {
    let chars = Array(value.unicodeScalars)
    var out: [Token] = []
    var index = 0
    var atom = String.UnicodeScalarView()
    func flushAtom() {
      if !atom.isEmpty { out.append(.atom(String(atom))) }
      atom = String.UnicodeScalarView()
    }
    while index < chars.count {
      let char = chars[index]
      switch char {
      case " ", "\t", "\r", "\n":
        flushAtom()
        index += 1
      case "\"":
        flushAtom()
        var text = String.UnicodeScalarView()
        index += 1
        while index < chars.count, chars[index] != "\"" {
          if chars[index] == "\\", index + 1 < chars.count { index += 1 }
          text.append(chars[index])
          index += 1
        }
        index += 1
        out.append(.quoted(String(text)))
      case "(":
        flushAtom()
        var depth = 0
        var text = String.UnicodeScalarView()
        while index < chars.count {
          let c = chars[index]
          if c == "\\", index + 1 < chars.count {
            text.append(chars[index + 1])
            index += 2
            continue
          }
          if c == "(" {
            depth += 1
            if depth > 1 { text.append(c) }
          } else if c == ")" {
            depth -= 1
            if depth == 0 {
              index += 1
              break
            }
            text.append(c)
          } else {
            text.append(c)
          }
          index += 1
        }
        out.append(.comment(String(text)))
      case "<":
        flushAtom()
        var text = String.UnicodeScalarView()
        index += 1
        while index < chars.count, chars[index] != ">" {
          text.append(chars[index])
          index += 1
        }
        index += 1
        out.append(.angle(String(text)))
      case ",":
        flushAtom()
        out.append(.comma)
        index += 1
      case ":":
        // A colon outside brackets ends a group's name, unless it is part of an atom (`a:b`)
        // inside an address, which mail does not have.
        flushAtom()
        out.append(.colon)
        index += 1
      case ";":
        flushAtom()
        out.append(.semicolon)
        index += 1
      default:
        atom.append(char)
        index += 1
      }
    }
    flushAtom()
    return out
  }
}

// MARK: - Dates

/// RFC 5322 dates (`Fri, 20 Nov 2026 21:30:05 +0100`), with the obsolete forms: no day name, no
/// seconds, two- and three-digit years, zone names (`GMT`, `UT`, `EST` … and a few European ones),
/// military letters (taken as `-0000`, as RFC 5322 says), comments; and the asctime of an mbox
/// `From ` line (`Fri Nov 20 21:30:05 2026`, Gmail's `Fri Nov 20 21:30:05 +0000 2026`).
enum MailDate {
  /// A date's fields as written, and its zone.
  struct Fields: Sendable, Equatable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    var zone: Zone
  }

  enum Zone: Sendable, Equatable {
    /// An offset in seconds east of UTC; `named` for `GMT`, `UT`, `UTC` and `Z`.
    case offset(Int, named: Bool)
    /// No zone was written.
    case none
    /// A zone name casefile does not know (such as an ambiguous `IST`).
    case unknown(String)
  }

  static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
  static let weekdays: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
  static let zones: [String: Int] = [
    "ut": 0, "utc": 0, "gmt": 0, "z": 0,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "cet": 1, "cest": 2, "met": 1, "mest": 2, "eet": 2, "eest": 3, "wet": 0, "west": 1,
  ]

  /// The fields of a date, or nil when it is not one.
  static func parse(_ text: String) -> Fields? {
    // Comments (`(CET)`) go first; commas are separators.
    var cleaned = ""
    var depth = 0
    for char in text {
      if char == "(" { depth += 1; continue }
      if char == ")" { depth = max(0, depth - 1); continue }
      if depth == 0 { cleaned.append(char == "," ? " " : char) }
    }
    var month: Int?
    var time: (Int, Int, Int)?
    var zone = Zone.none
    var numbers: [(value: Int, digits: Int)] = []
    for raw in cleaned.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }) {
      let token = raw.lowercased()
      if token.contains(":") {
        guard time == nil else { return nil }
        let fields = token.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3,
          fields[0].count <= 2, let hour = Int(fields[0]),
          fields[1].count == 2, let minute = Int(fields[1])
        else { return nil }
        var second = 0
        if fields.count == 3 {
          // Not omitting empties: an empty seconds field (`21:30:`) is one empty piece, not none.
          let whole = fields[2].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)[0]
          guard whole.count == 2, let value = Int(whole) else { return nil }
          second = value
        }
        time = (hour, minute, second)
      } else if let first = token.first, first == "+" || first == "-" {
        let digits = token.dropFirst().replacingOccurrences(of: ":", with: "")
        guard digits.count == 4, digits.allSatisfy(\.isASCII), let value = Int(digits) else { return nil }
        let hours = value / 100
        let minutes = value % 100
        guard hours <= 23, minutes <= 59 else { return nil }
        let seconds = hours * 3600 + minutes * 60
        zone = .offset(first == "-" ? -seconds : seconds, named: false)
      } else if token.allSatisfy({ $0.isASCII && $0.isNumber }) {
        guard let value = Int(token), token.count <= 4 else { return nil }
        numbers.append((value, token.count))
      } else if token.allSatisfy({ $0.isASCII && $0.isLetter }) {
        let prefix = String(token.prefix(3))
        if month == nil, let index = months.firstIndex(of: prefix), token.count == 3 || isMonthName(token, index) {
          month = index + 1
        } else if weekdays.contains(prefix), time == nil {
          continue
        } else if let hours = zones[token] {
          zone = .offset(hours * 3600, named: hours == 0 && ["ut", "utc", "gmt", "z"].contains(token))
        } else if token.count == 1 {
          zone = .offset(0, named: false)  // A military letter: RFC 5322 reads it as -0000.
        } else if time != nil, token.count <= 5 {
          zone = .unknown(String(raw))
        } else {
          return nil
        }
      } else {
        return nil
      }
    }
    guard let month, let time else { return nil }
    var year: Int?
    var day: Int?
    for number in numbers {
      if number.digits >= 3, year == nil {
        year = number.digits == 3 ? 1900 + number.value : number.value
      } else if day == nil, number.digits <= 2 {
        day = number.value
      } else if year == nil, number.digits == 2 {
        year = number.value < 50 ? 2000 + number.value : 1900 + number.value
      } else {
        return nil
      }
    }
    guard let year, let day, (1900...9999).contains(year), day >= 1, day <= CalendarDay.daysIn(month: month, year: year),
      time.0 <= 23, time.1 <= 59, time.2 <= 60
    else { return nil }
    return Fields(year: year, month: month, day: day, hour: time.0, minute: time.1, second: time.2, zone: zone)
  }

  private static func isMonthName(_ token: String, _ index: Int) -> Bool {
    let names = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
    return token == names[index] || (index == 8 && token == "sept")
  }

  /// The instant of a date, with `original` kept as written. A stated zone gives a stated time; no
  /// zone, or a zone casefile does not know, reads the wall-clock time in `sourceZone` and records
  /// it as assumed (a time in a clock change is read as ``OccurredAt/parseImported(_:defaultZone:clockChange:)``
  /// does, and `note` says so).
  static func occurredAt(_ fields: Fields, original: String, sourceZone: TimeZone, note: (String) -> Void) -> OccurredAt {
    let day = CalendarDay(year: fields.year, month: fields.month, day: fields.day)
    let wall = Double(day.dayNumber * 86_400 + fields.hour * 3600 + fields.minute * 60 + fields.second)
    switch fields.zone {
    case .offset(let offset, let named):
      return OccurredAt(
        utc: Date(timeIntervalSince1970: wall - Double(offset)), original: original,
        zone: named ? "UTC" : OccurredAt.formatOffset(offset), zoneSource: .stated)
    case .none, .unknown:
      if case .unknown(let name) = fields.zone {
        note("the zone '\(name)' is not one casefile knows, so the time was read in \(sourceZone.identifier) (assumed)")
      }
      let (instant, warning) = OccurredAt.wallClockInstant(Date(timeIntervalSince1970: wall), in: sourceZone)
      if let warning { note("'\(original)' \(warning)") }
      return OccurredAt(utc: instant, original: original, zone: sourceZone.identifier, zoneSource: .assumed)
    }
  }
}

// MARK: - mbox From_ lines

/// The `From ` line that starts each message of an mbox: `From sender date`, the date an asctime
/// (`Fri Nov 20 21:30:05 2026`), optionally with a zone (Gmail: `Fri Nov 20 21:30:05 +0000 2026`).
struct MboxFromLine: Sendable {
  /// The envelope sender (Gmail writes `<id>@xxx`); empty when the line has none.
  var sender: String
  /// The date as written.
  var dateText: String
  var date: MailDate.Fields

  /// The From_ line in `bytes[from..<to]` (one line, without its end), or nil when it is not one.
  init?(_ bytes: some Collection<UInt8>) {
    guard bytes.count > 5, bytes.count < 1024, bytes.starts(with: [70, 114, 111, 109, 32]) else { return nil }
    let text = String(decoding: bytes.dropFirst(5), as: UTF8.self)
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) {
      let rest = trimmed[space...].trimmingCharacters(in: .whitespaces)
      if let date = MailDate.parse(rest), Self.isDate(rest) {
        self.init(sender: String(trimmed[..<space]), dateText: rest, date: date)
        return
      }
    }
    guard let date = MailDate.parse(trimmed), Self.isDate(trimmed) else { return nil }
    self.init(sender: "", dateText: trimmed, date: date)
  }

  private init(sender: String, dateText: String, date: MailDate.Fields) {
    self.sender = sender
    self.dateText = dateText
    self.date = date
  }

  /// A From_ line's date has a four-digit year: prose that parses as a date rarely does.
  private static func isDate(_ text: String) -> Bool {
    text.split(separator: " ").contains { $0.count == 4 && $0.allSatisfy(\.isNumber) }
  }
}

// MARK: - The imported message

extension MailMessage {
  /// What building an imported message met beyond its warnings: an HTML body read in part, which
  /// an mbox reports once for all its messages.
  struct BuildNotes: Sendable {
    var lossyHTML: (line: Int, reasons: String)?
  }

  /// The message as an ``ImportedMessage`` of platform and kind `email`.
  ///
  /// - The sender is the first `From` mailbox (else `Sender`): the address in lowercase as the
  ///   handle, the display name decoded. A message the Gmail labels mark `Sent`, or `Draft`/`Drafts`,
  ///   is the owner's: it is stored as sent (or unsent) with no sender, its `From` kept in the
  ///   details. A received message with no `From` address has no sender and direction `unknown`.
  /// - Recipients are the `To` and `Cc` addresses, lowercase.
  /// - The thread is the subject without its `Re:`/`Fwd:`/`AW:`… prefixes.
  /// - The id is the `Message-ID` without its angle brackets.
  /// - The time is the `Date` field; without a usable one, `fromLine`'s date (an mbox `From ` line),
  ///   with a warning; without either, a clear error.
  ///
  /// `messageLine` is the file line where the message starts, for warnings and errors.
  func imported(
    format: String, input: FormatInput, fragment: RawFragment, messageLine: Int, fromLine: MboxFromLine?
  ) throws -> (message: ImportedMessage, notes: BuildNotes) {
    func warn(_ line: Int, _ message: String) { input.warn("line \(line): \(message)") }
    for issue in issues { warn(issue.line, issue.message) }

    // Time.
    let occurredAt: OccurredAt
    let dateField = header("date")
    if let dateField, let fields = MailDate.parse(dateField.value) {
      occurredAt = MailDate.occurredAt(fields, original: dateField.value, sourceZone: input.sourceZone) { warn(dateField.line, $0) }
    } else if let fromLine {
      warn(
        messageLine,
        dateField == nil
          ? "the message has no Date field; its time is the mbox 'From ' line's"
          : "the message's Date field '\(dateField!.value)' is not a date casefile can read; its time is the mbox 'From ' line's")
      occurredAt = MailDate.occurredAt(fromLine.date, original: fromLine.dateText, sourceZone: input.sourceZone) { warn(messageLine, $0) }
    } else {
      var location = input.location
      location.line = dateField?.line ?? messageLine
      throw CasefileError(
        .badExport,
        dateField == nil
          ? "the message has no Date field, so its time is not known"
          : "the message's Date field '\(dateField!.value)' is not a date casefile can read",
        location: location)
    }

    // People.
    let labels = header("x-gmail-labels").map { Self.gmailLabels($0.value) } ?? []
    let lowered = Set(labels.map { $0.lowercased() })
    var direction: Direction = lowered.contains("draft") || lowered.contains("drafts")
      ? .unsent : lowered.contains("sent") ? .sent : .received
    let from = (header("from").map { MailAddresses.parse($0.value) } ?? []).first
      ?? (header("sender").map { MailAddresses.parse($0.value) } ?? []).first
    var sender: ActorInput?
    var details: [String: String] = [:]
    if direction == .received {
      if let from {
        sender = ActorInput(handle: from.address.lowercased(), displayName: from.name)
      } else {
        direction = .unknown
      }
    } else if let from {
      details["from"] = from.address.lowercased()
    }
    var recipients: [String] = []
    for name in ["to", "cc"] {
      for field in headers where field.name == name {
        for address in MailAddresses.parse(field.value) {
          let lower = address.address.lowercased()
          if !recipients.contains(lower) { recipients.append(lower) }
        }
      }
    }

    // What the message is.
    let subject = header("subject").map { MailWords.decode($0.value).trimmingCharacters(in: .whitespacesAndNewlines) }
    let messageID = header("message-id").flatMap { Self.messageID($0.value) }
    if let subject, !subject.isEmpty { details["subject"] = subject }
    if let messageID { details["message_id"] = messageID }
    if let inReplyTo = header("in-reply-to").flatMap({ Self.messageID($0.value) }) { details["in_reply_to"] = inReplyTo }
    if !labels.isEmpty { details["gmail_labels"] = labels.joined(separator: ", ") }
    if let thread = header("x-gm-thrid")?.value, !thread.isEmpty { details["gmail_thread_id"] = thread }

    // Text and attachments; the attachments are decoded only if the message is kept.
    let (leaves, attachments) = layout()
    let (text, textNotes) = self.text(leaves, location: input.location)
    for note in textNotes.notes { warn(note.line, note.message) }
    let deferred: (load: @Sendable () throws -> [ImportedMedia], names: [(name: String, mediaType: String)])?
    if attachments.isEmpty {
      deferred = nil
    } else {
      let bytes = self.bytes
      deferred = ({ MailMessage.attachmentMedia(attachments, bytes: bytes) }, attachments.map { ($0.name, $0.mediaType) })
    }
    let message = ImportedMessage(
      format: format, platform: .email, kind: .email, thread: subject.flatMap(Self.thread), sender: sender,
      recipients: recipients, direction: direction, occurredAt: occurredAt, text: text, platformMessageID: messageID,
      details: details, entryPath: input.entryPath, rawFragment: fragment, deferredMedia: deferred)
    return (message, BuildNotes(lossyHTML: textNotes.lossyHTML))
  }

  /// A `Message-ID` (or the first id of `In-Reply-To`) without its angle brackets; nil when empty.
  static func messageID(_ value: String) -> String? {
    var text = Substring(value)
    if let open = text.firstIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
      text = text[text.index(after: open)..<close]
    }
    let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
    return id.isEmpty || id.contains(where: { $0 == " " || $0 == "\t" }) ? nil : id
  }

  /// The labels of Gmail's `X-Gmail-Labels` (comma-separated, quoted when a label holds a comma,
  /// encoded words decoded).
  static func gmailLabels(_ value: String) -> [String] {
    var labels: [String] = []
    var current = ""
    var quoted = false
    for char in value {
      if char == "\"" {
        quoted.toggle()
      } else if char == ",", !quoted {
        labels.append(current)
        current = ""
      } else {
        current.append(char)
      }
    }
    labels.append(current)
    return labels.map { MailWords.decode($0.trimmingCharacters(in: .whitespaces)) }.filter { !$0.isEmpty }
  }

  /// Reply and forward prefixes, as mail programs in several languages write them (`Re:`,
  /// `Fwd:`, German `AW:`/`WG:`, Nordic `SV:`/`VS:`, Dutch `Antw:`, French `TR:`, Italian `R:`/`RIF:`,
  /// Spanish and Portuguese `RE:`/`ENC:`/`RES:`, Polish `ODP:`), with an optional count (`Re[2]:`).
  static let replyPrefixes: Set<String> = ["re", "fw", "fwd", "aw", "wg", "sv", "vs", "antw", "tr", "r", "rif", "ref", "enc", "res", "odp"]

  /// The thread of a subject: its reply and forward prefixes dropped; nil when nothing is left.
  static func thread(_ subject: String) -> String? {
    var text = Substring(subject.trimmingCharacters(in: .whitespacesAndNewlines))
    while true {
      guard let colon = text.firstIndex(where: { $0 == ":" || $0 == "：" }) else { break }
      var word = text[..<colon].trimmingCharacters(in: .whitespaces)
      // `Re[2]` and `Re(2)`.
      if let open = word.firstIndex(where: { $0 == "[" || $0 == "(" }), word.last == "]" || word.last == ")",
        word[word.index(after: open)..<word.index(before: word.endIndex)].allSatisfy(\.isNumber)
      {
        word = String(word[..<open])
      }
      guard replyPrefixes.contains(word.lowercased()) else { break }
      text = text[text.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
    }
    let thread = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    return thread.isEmpty ? nil : thread
  }
}
