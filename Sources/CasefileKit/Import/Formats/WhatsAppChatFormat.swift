import Foundation

/// WhatsApp's "Export chat": one plain-text file per chat, either on its own
/// (`WhatsApp Chat with <name>.txt`, as Android shares it) or as `_chat.txt` inside a zip (or an
/// unpacked folder) with the chat's media files beside it (as iOS shares it).
///
/// Each message starts with a header line, in one of two shapes:
/// - iOS: `[20/11/26, 21:30:05] Name: text`;
/// - Android: `20/11/2026, 21:30 - Name: text`.
///
/// Locale variants are read too: dotted or dashed dates (`20.11.26`), year-first dates
/// (`2026-11-20`), 12-hour clocks with AM/PM (often after a U+202F narrow no-break space), and no
/// comma between date and time. Whether the day or the month comes first is not written anywhere,
/// so it is inferred from the whole file: a first field above 12 means day first, a second field
/// above 12 month first; a file where neither happens is read day first, with a warning. Two-digit
/// years are 20YY.
///
/// Quirks handled: the invisible marks U+200E, U+200F and a BOM are stripped (iOS puts U+200E at
/// the start of attachment lines and before system texts); a line without a header continues the
/// message before it; system lines (a header with no `Name:`, such as "X created group", and on
/// iOS the encryption notice attributed to the chat) are skipped, and so are the lines that
/// continue them; media placeholders are read from ``placeholders``, a small table of localised
/// forms: a file named by one (`<attached: …>`, `… (file attached)`) is read from beside the chat,
/// or recorded as missing, and media the export left out (`<Media omitted>`, `image omitted`) are
/// recorded as missing.
///
/// Times carry no zone: they are read in the source zone and recorded as assumed, a time in a
/// clock change with a warning, never refused. The sender is the name shown (WhatsApp writes no
/// ids, nor which side is the owner), so the direction is `unknown`. The thread is the chat's name,
/// from the file name or, for `_chat.txt`, from its folder or the zip's name. There is no message
/// id: identity is the hash of (format, thread, sender, time, text).
///
/// The file is read whole (up to ``defaultMaximumBytes``), because the day/month order must be
/// known before the first message is read. Each message's raw fragment is its header line and
/// continuation lines exactly as they are in the file, marks included.
public struct WhatsAppChatFormat: ExportFormat {
  public let id = "whatsapp-chat"
  public let title = "WhatsApp chat export (_chat.txt in a zip with its media, or WhatsApp Chat with <name>.txt)"

  /// The largest chat file read: chats with years of messages run to tens of megabytes of text.
  public static let defaultMaximumBytes = 256 << 20
  /// The largest chat file this instance reads.
  public let maximumBytes: Int

  public init(maximumBytes: Int = WhatsAppChatFormat.defaultMaximumBytes) {
    self.maximumBytes = maximumBytes
  }

  // MARK: - Localised text

  /// How one language writes what is not a message's own text: media placeholders, the system
  /// notices iOS attributes to a sender, and the start of the export's file name. Add a language by
  /// adding an entry to ``placeholders``.
  struct Placeholders: Sendable {
    /// Whole lines that stand for media the export left out (matched ignoring case).
    var omitted: [String]
    /// Line endings that stand for media the export left out, such as iOS's
    /// `report.pdf • 2 pages document omitted` (matched ignoring case).
    var omittedSuffixes: [String]
    /// Wrappers around the name of a file the export holds beside the chat:
    /// `<attached: NAME>` (iOS) and `NAME (file attached)` (Android).
    var attached: [(prefix: String, suffix: String)]
    /// Starts of the system notices that iOS writes with a sender and a leading U+200E.
    var systemNotices: [String]
    /// Words inside the system lines that quote text a member wrote (a group's new subject or
    /// description), which may hold a `: ` of its own: `Jo changed the subject from "A" to "B: c"`
    /// is a system line, not a message from `Jo changed the subject from "A" to "B`.
    var quotingSystemPhrases: [String]
    /// Starts of the export's file name before the chat's name (`WhatsApp Chat with X.txt`,
    /// `WhatsApp Chat - X.zip`).
    var fileNamePrefixes: [String]
  }

  /// The forms WhatsApp writes, one entry per language.
  static let placeholders: [Placeholders] = [
    Placeholders(
      omitted: [
        "<Media omitted>", "image omitted", "video omitted", "audio omitted", "sticker omitted", "GIF omitted",
        "document omitted", "Contact card omitted", "<Video message omitted>", "video note omitted",
      ],
      omittedSuffixes: [" document omitted"],
      attached: [("<attached: ", ">"), ("", " (file attached)")],
      systemNotices: [
        "Messages and calls are end-to-end encrypted", "Messages to this group are now secured with end-to-end encryption",
        "Your security code with", "You blocked this contact", "You unblocked this contact",
      ],
      quotingSystemPhrases: [
        " changed the subject from ", " changed the subject to ", " changed the group name from ",
        " changed the group name to ", " changed this group's description", " changed the group description",
        " changed this group's settings", " created group ",
      ],
      fileNamePrefixes: ["WhatsApp Chat with ", "WhatsApp Chat - "])
  ]

  // MARK: - Detection

  public func claims(entryPath: String, head: Data) -> Bool {
    let name = (entryPath as NSString).lastPathComponent
    guard name.lowercased().hasSuffix(".txt") else { return false }
    if name == "_chat.txt" || name.hasPrefix("WhatsApp Chat") { return true }
    // Any other .txt only when its first line with content is a header of either shape.
    let bytes = [UInt8](head.prefix(4096))
    var start = 0
    while start < bytes.count {
      let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
      var line = bytes[start..<end]
      if line.last == 0x0D { line = line.dropLast() }
      if !Self.isBlank(line) { return Self.header(line) != nil }
      start = end + 1
    }
    return false
  }

  // MARK: - Reading

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    let bytes = [UInt8](try input.readWhole(maximumBytes: maximumBytes, what: "the WhatsApp chat file"))
    let lines = Self.lines(bytes)

    // Pass 1: the day/month order, from every header of the file.
    let order = try Self.dateOrder(bytes, lines: lines, input: input)

    // Pass 2: the messages.
    let thread = Self.thread(input)
    let folder = (input.entryPath as NSString).deletingLastPathComponent
    var pending: Pending?
    var orphans: [Int] = []

    // Identical messages (a header has no seconds on Android) are numbered, so none is lost.
    var seen: [String: Int] = [:]
    func finish() throws {
      guard let message = pending else { return }
      pending = nil
      guard var built = message.build(bytes, format: id, entryPath: input.entryPath, thread: thread, folder: folder) else { return }
      let key = built.identity
      built.occurrence = seen[key, default: 0] + 1
      seen[key] = built.occurrence
      try emit(built)
    }

    // Lines that are not UTF-8: their text is read with U+FFFD in place of the bad bytes, which
    // the raw fragments keep exactly; the import says so.
    var notUTF8: [Int] = []
    for (index, range) in lines.enumerated() {
      let line = bytes[range]
      let number = index + 1
      if String(validating: line, as: UTF8.self) == nil { notUTF8.append(number) }
      if let header = Self.header(line) {
        try finish()
        var location = input.location
        location.line = number
        let occurredAt = try Self.time(header, order: order, zone: input.sourceZone, location: location, warn: input.warn)
        let rest = String(decoding: line[header.restStart...], as: UTF8.self)
        pending = Pending(start: range.lowerBound, headerEnd: range.upperBound, occurredAt: occurredAt, body: Self.body(rest), dateOrder: order)
      } else if pending != nil {
        pending?.add(String(decoding: line, as: UTF8.self), end: range.upperBound)
      } else if !Self.isBlank(line) {
        orphans.append(number)
      }
    }
    try finish()
    if let first = notUTF8.first {
      input.warn(
        "line \(first): \(notUTF8.count) line\(notUTF8.count == 1 ? " is" : "s are") not valid UTF-8; the text shows U+FFFD for the bad bytes, and the raw fragments keep them exactly")
    }
    if let first = orphans.first {
      input.warn(
        "line \(first): \(orphans.count) line\(orphans.count == 1 ? "" : "s") before the first message header belong to no message and were skipped")
    }
  }


  /// The byte range of every line, without its `\n` or `\r\n`; a BOM at the very start of the file
  /// belongs to the file, not to its first line.
  static func lines(_ bytes: [UInt8]) -> [Range<Int>] {
    var out: [Range<Int>] = []
    var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    while start < bytes.count {
      let newline = bytes[start...].firstIndex(of: 0x0A)
      var end = newline ?? bytes.count
      if end > start, bytes[end - 1] == 0x0D { end -= 1 }
      out.append(start..<end)
      guard let newline else { break }
      start = newline + 1
    }
    return out
  }

  /// Whether a line holds nothing but spaces and invisible marks.
  static func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
    var scanner = Scanner(line)
    _ = scanner.spaces()
    return scanner.atEnd
  }

  /// The text after a header: a sender and the first line of the message, or a system line.
  enum Body {
    case message(sender: String, text: String)
    case system
  }

  /// Splits the text after a header at its first `: `. A header without one is a system line,
  /// and so is iOS's encryption notice, which it attributes to a sender behind a U+200E.
  static func body(_ rest: String) -> Body {
    guard let colon = rest.range(of: ": ") else { return .system }
    let sender = stripMarks(String(rest[..<colon.lowerBound])).trimmingCharacters(in: .whitespaces)
    guard !sender.isEmpty else { return .system }
    // A sender's name is what they called themselves, never a sentence about a group; a quote
    // opening before the `: ` gives such a system line away.
    if sender.contains(where: { "\"“”".contains($0) }),
      placeholders.contains(where: { $0.quotingSystemPhrases.contains { sender.contains($0) } })
    {
      return .system
    }
    let raw = rest[colon.upperBound...]
    let text = stripMarks(String(raw))
    if raw.unicodeScalars.first == "\u{200E}",
      placeholders.contains(where: { $0.systemNotices.contains { text.hasPrefix($0) } })
    {
      return .system
    }
    return .message(sender: sender, text: text)
  }

  /// A message being gathered: its header and the lines that continue it.
  struct Pending {
    /// Where the header line starts and ends in the file.
    var start: Int
    var headerEnd: Int
    var occurredAt: OccurredAt
    var body: Body
    var dateOrder: DateOrder
    /// The continuation lines, marks stripped, with where each ends in the file.
    var more: [(text: String, end: Int)] = []

    mutating func add(_ raw: String, end: Int) {
      more.append((WhatsAppChatFormat.stripMarks(raw), end))
    }

    /// The message, or nil for a system line. Trailing blank lines (the file's end, or a gap
    /// before the next header) are left out of both the text and the fragment.
    func build(_ bytes: [UInt8], format: String, entryPath: String, thread: String, folder: String) -> ImportedMessage? {
      guard case .message(let sender, let first) = body else { return nil }
      var kept = more
      while let last = kept.last, last.text.trimmingCharacters(in: .whitespaces).isEmpty { kept.removeLast() }
      let end = kept.last?.end ?? headerEnd
      var media: [ImportedMedia] = []
      var lines = [first]
      if let found = WhatsAppChatFormat.media(first.trimmingCharacters(in: .whitespaces), folder: folder) {
        media.append(found)
        lines = []
      }
      lines += kept.map(\.text)
      let text = lines.joined(separator: "\n")
      return ImportedMessage(
        format: format, platform: .whatsapp, kind: .dm, thread: thread, sender: ActorInput(handle: sender, displayName: sender),
        direction: .unknown, occurredAt: occurredAt, text: text.isEmpty ? nil : text,
        details: ["date_order": dateOrder.rawValue], entryPath: entryPath, fragment: Data(bytes[start..<end]), media: media)
    }
  }

  /// The media a placeholder line stands for, or nil when the line is ordinary text.
  static func media(_ line: String, folder: String) -> ImportedMedia? {
    let lower = line.lowercased()
    for language in placeholders {
      if language.omitted.contains(where: { $0.lowercased() == lower })
        || language.omittedSuffixes.contains(where: { lower.hasSuffix($0.lowercased()) })
      {
        return ImportedMedia(name: line, mediaType: "application/octet-stream", content: .missing(reference: line))
      }
      for wrapper in language.attached where line.hasPrefix(wrapper.prefix) && line.hasSuffix(wrapper.suffix) {
        guard line.count > wrapper.prefix.count + wrapper.suffix.count else { continue }
        let name = String(line.dropFirst(wrapper.prefix.count).dropLast(wrapper.suffix.count)).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { continue }
        return ImportedMedia.entry(name, relativeTo: folder)
      }
    }
    return nil
  }

  /// Drops U+200E, U+200F and U+FEFF.
  static func stripMarks(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isMark) else { return text }
    var scalars = String.UnicodeScalarView()
    scalars.append(contentsOf: text.unicodeScalars.filter { !isMark($0) })
    return String(scalars)
  }

  static func isMark(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "\u{200E}" || scalar == "\u{200F}" || scalar == "\u{FEFF}"
  }

  /// The chat's name: `X` from `WhatsApp Chat with X.txt`; for `_chat.txt`, its folder's name or,
  /// at the top of the export, the zip's or folder's own name (`WhatsApp Chat - X.zip` gives `X`).
  static func thread(_ input: FormatInput) -> String {
    let fileName = (input.entryPath as NSString).lastPathComponent
    var name: String
    if fileName != "_chat.txt" {
      name = (fileName as NSString).deletingPathExtension
    } else {
      let parent = (input.entryPath as NSString).deletingLastPathComponent
      if !parent.isEmpty, parent != "." {
        name = (parent as NSString).lastPathComponent
      } else {
        let source = input.sourcePath as NSString
        if source.lastPathComponent == fileName {
          name = (source.deletingLastPathComponent as NSString).lastPathComponent
        } else {
          name = source.lastPathComponent
          for suffix in [".zip", ".tar.gz", ".tgz", ".tar"] where name.lowercased().hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
            break
          }
        }
      }
    }
    for prefix in placeholders.flatMap(\.fileNamePrefixes) where name.hasPrefix(prefix) && name.count > prefix.count {
      return String(name.dropFirst(prefix.count))
    }
    return name
  }

  // MARK: - Headers

  /// Which of a date's first two fields is the day, as inferred from the whole file.
  enum DateOrder: String, Sendable {
    case dayFirst = "day-month-year"
    case monthFirst = "month-day-year"
    /// No date in the file told: read day first, with a warning.
    case dayFirstAssumed = "day-month-year (assumed)"
  }

  /// A message header's date and time, as written, and where the text after it starts.
  struct Header {
    /// The three date fields in the order written, and how many digits each had.
    var fields: (Int, Int, Int)
    var yearFirst: Bool
    var twoDigitYear: Bool
    var hour: Int
    var minute: Int
    var second: Int?
    /// `am` or `pm`, for a 12-hour clock.
    var meridiem: Meridiem?
    /// The date and time exactly as the header writes them, without brackets or the dash.
    var original: String
    /// Where the text after the header starts in the line.
    var restStart: Int

    enum Meridiem { case am, pm }
  }

  /// Reads a line's header, or nil when the line does not start with one of either shape.
  static func header(_ line: ArraySlice<UInt8>) -> Header? {
    var s = Scanner(line)
    s.skipMarks()
    let bracket = s.take("[")
    s.skipMarks()
    let originalStart = s.index
    guard let a = s.number(1...4), let separator = s.peek(), [UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "-")].contains(separator)
    else { return nil }
    s.advance()
    guard let b = s.number(1...2), s.take(separator), let c = s.number(1...4) else { return nil }
    let yearFirst = a.digits == 4
    if yearFirst {
      guard c.digits <= 2 else { return nil }
    } else {
      guard a.digits <= 2, c.digits == 2 || c.digits == 4 else { return nil }
    }
    _ = s.take(",")
    guard s.spaces() > 0, let hour = s.number(1...2), s.take(":"), let minute = s.number(2...2) else { return nil }
    var second: Int?
    if s.take(":") {
      guard let value = s.number(2...2) else { return nil }
      second = value.value
    }
    var originalEnd = s.index
    var meridiem: Header.Meridiem?
    var look = s
    _ = look.spaces()
    for (text, value) in [("a.m.", Header.Meridiem.am), ("p.m.", .pm), ("am", .am), ("pm", .pm)] where look.takeIgnoringCase(text) {
      meridiem = value
      s = look
      originalEnd = s.index
      break
    }
    if bracket {
      guard s.take("]") else { return nil }
      guard s.spaces() > 0 || s.atEnd else { return nil }
    } else {
      guard s.spaces() > 0, s.take("-"), s.spaces() > 0 || s.atEnd else { return nil }
    }
    let original = stripMarks(String(decoding: line[originalStart..<originalEnd], as: UTF8.self))
    return Header(
      fields: (a.value, b.value, c.value), yearFirst: yearFirst, twoDigitYear: !yearFirst && c.digits == 2, hour: hour.value,
      minute: minute.value, second: second, meridiem: meridiem, original: original, restStart: s.index)
  }

  /// The day/month order of the file's year-last dates: a first field above 12 can only be a day,
  /// a second field above 12 only a day. A file that has both is refused, naming the line that
  /// contradicts the lines before it; one that has neither is read day first, with a warning.
  static func dateOrder(_ bytes: [UInt8], lines: [Range<Int>], input: FormatInput) throws -> DateOrder {
    var dayFirstLine: Int?
    var monthFirstLine: Int?
    var anyHeader = false
    var anyYearLast = false
    for (index, range) in lines.enumerated() {
      guard let header = header(bytes[range]) else { continue }
      anyHeader = true
      guard !header.yearFirst else { continue }
      anyYearLast = true
      var location = input.location
      location.line = index + 1
      let (first, second, _) = header.fields
      if first > 12 && second > 12 {
        throw CasefileError(
          .badExport, "the WhatsApp header date '\(header.original)' has no month: both its first fields are above 12",
          location: location)
      }
      if first > 12, dayFirstLine == nil {
        dayFirstLine = index + 1
        if let other = monthFirstLine {
          throw CasefileError(
            .badExport, "the WhatsApp header date '\(header.original)' puts the day first, but line \(other) put the month first",
            location: location)
        }
      }
      if second > 12, monthFirstLine == nil {
        monthFirstLine = index + 1
        if let other = dayFirstLine {
          throw CasefileError(
            .badExport, "the WhatsApp header date '\(header.original)' puts the month first, but line \(other) put the day first",
            location: location)
        }
      }
    }
    guard anyHeader else {
      var location = input.location
      location.line = 1
      throw CasefileError(
        .badExport,
        "this is not a WhatsApp chat export: no line starts with a message header such as "
          + "'[20/11/26, 21:30:05] Name:' or '20/11/2026, 21:30 - Name:'",
        location: location)
    }
    if dayFirstLine != nil { return .dayFirst }
    if monthFirstLine != nil { return .monthFirst }
    if anyYearLast {
      input.warn(
        "no date in the chat shows whether the day or the month comes first (every day and month is 12 or less): "
          + "they are read day first (DD/MM); check them against the phone")
    }
    return .dayFirstAssumed
  }

  /// A header's time: local, read in the source zone and recorded as assumed; a time in a clock
  /// change is read with a warning, never refused. `original` is the header's date and time.
  static func time(
    _ header: Header, order: DateOrder, zone: TimeZone, location: CasefileError.Location, warn: (String) -> Void
  ) throws -> OccurredAt {
    func fail(_ why: String) -> CasefileError {
      CasefileError(.badExport, "the WhatsApp header date '\(header.original)' \(why)", location: location)
    }
    let (a, b, c) = header.fields
    let (year, month, day): (Int, Int, Int)
    if header.yearFirst {
      (year, month, day) = (a, b, c)
    } else {
      let fullYear = header.twoDigitYear ? 2000 + c : c
      (year, month, day) = order == .monthFirst ? (fullYear, a, b) : (fullYear, b, a)
    }
    guard (1...12).contains(month), day >= 1, day <= CalendarDay.daysIn(month: month, year: year) else {
      throw fail("is not a day of the calendar (read as \(order == .monthFirst ? "month first" : "day first"))")
    }
    var hour = header.hour
    if let meridiem = header.meridiem {
      guard (1...12).contains(hour) else { throw fail("has an hour that is not 1 to 12 on a 12-hour clock") }
      hour = hour % 12 + (meridiem == .pm ? 12 : 0)
    }
    guard hour <= 23, header.minute <= 59, (header.second ?? 0) <= 59 else { throw fail("is not a time of day") }
    var iso = String(format: "%04d-%02d-%02d %02d:%02d", year, month, day, hour, header.minute)
    if let second = header.second { iso += String(format: ":%02d", second) }
    do {
      var parsed = try OccurredAt.parseImported(
        iso, defaultZone: zone, clockChange: { warn(HTMLFragments.line(location) + "'\(header.original)' \($0)") })
      parsed.original = header.original
      return parsed
    } catch let error as CasefileError {
      throw fail(error.message)
    }
  }

  /// A cursor over a line's bytes that passes over the invisible marks U+200E, U+200F and U+FEFF.
  struct Scanner {
    let line: ArraySlice<UInt8>
    var index: Int

    init(_ line: ArraySlice<UInt8>) {
      self.line = line
      self.index = line.startIndex
    }

    var atEnd: Bool { index >= line.endIndex }

    /// The length of the invisible mark that starts at `position`, or nil when none does.
    func mark(at position: Int) -> Int? {
      guard position + 2 < line.endIndex else { return nil }
      let (x, y, z) = (line[position], line[position + 1], line[position + 2])
      if x == 0xE2, y == 0x80, z == 0x8E || z == 0x8F { return 3 }
      if x == 0xEF, y == 0xBB, z == 0xBF { return 3 }
      return nil
    }

    mutating func skipMarks() {
      while let length = mark(at: index) { index += length }
    }

    mutating func peek() -> UInt8? {
      skipMarks()
      return atEnd ? nil : line[index]
    }

    mutating func advance() { index += 1 }

    mutating func take(_ byte: UInt8) -> Bool {
      guard peek() == byte else { return false }
      index += 1
      return true
    }

    mutating func take(_ character: Unicode.Scalar) -> Bool { take(UInt8(character.value)) }

    /// ASCII text, ignoring case; nothing is taken unless all of it matches.
    mutating func takeIgnoringCase(_ text: String) -> Bool {
      var copy = self
      for expected in text.utf8 {
        guard let byte = copy.peek(), byte | 0x20 == expected | 0x20 || byte == expected else { return false }
        copy.advance()
      }
      self = copy
      return true
    }

    /// A run of ASCII digits whose length is within `digits`.
    mutating func number(_ digits: ClosedRange<Int>) -> (value: Int, digits: Int)? {
      var copy = self
      var value = 0
      var count = 0
      while let byte = copy.peek(), byte >= 0x30, byte <= 0x39, count < digits.upperBound + 1 {
        value = value * 10 + Int(byte - 0x30)
        count += 1
        copy.advance()
      }
      guard digits.contains(count) else { return nil }
      self = copy
      return (value, count)
    }

    /// Spaces, including U+00A0 and U+202F (before AM/PM), and marks; how many spaces.
    mutating func spaces() -> Int {
      var count = 0
      while true {
        skipMarks()
        guard !atEnd else { return count }
        if line[index] == 0x20 || line[index] == 0x09 {
          index += 1
        } else if line[index] == 0xC2, index + 1 < line.endIndex, line[index + 1] == 0xA0 {
          index += 2
        } else if line[index] == 0xE2, index + 2 < line.endIndex, line[index + 1] == 0x80, line[index + 2] == 0xAF {
          index += 3
        } else {
          return count
        }
        count += 1
      }
    }
  }
}
