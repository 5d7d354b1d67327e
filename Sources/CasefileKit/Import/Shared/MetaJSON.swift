import Foundation

/// What Facebook's and Instagram's JSON message files share: the same folders as the HTML
/// variant (`…/messages/<section>/<thread>/message_N.json`), the same schema, and the same
/// mojibake.
///
/// A thread file is `{participants, title, thread_path, messages: [...]}`, newest message first.
/// Each message: `sender_name` (a display name; there are no user ids), `timestamp_ms`, `content`
/// (absent on media-only messages), `type`, `photos` / `videos` / `audio_files` / `files` /
/// `gifs` / `sticker` with a `uri` relative to the export's root, `share.link`, `reactions`
/// and `is_unsent`.
///
/// The comment formats (``FacebookCommentsJSONFormat``, ``InstagramCommentsJSONFormat``) and the
/// end-to-end encrypted chat download (``FacebookE2EEFormat``) use the helpers at the end: times
/// since 1970, fragments with their lines, and handing items on oldest first.
enum MetaJSON {
  /// Which platform's message file an entry is, or nil when it is not one: a folder before
  /// `messages` whose name holds `instagram` makes it Instagram; otherwise it is Facebook (the
  /// older `messages/inbox/…` layout is the same on both, and Facebook's is the common case).
  static func platform(entryPath: String, head: Data) -> Platform? {
    guard MetaHTMLPage.thread(entryPath: entryPath, fileExtension: ".json") != nil else { return nil }
    if !head.isEmpty {
      let text = String(decoding: head.prefix(4096), as: UTF8.self)
      guard text.drop(while: \.isWhitespace).first == "{", text.contains("\"participants\"") || text.contains("\"messages\"")
      else { return nil }
    }
    let components = entryPath.split(separator: "/").map { $0.lowercased() }
    return components.prefix(components.count - 4).contains { $0.contains("instagram") } ? .instagram : .facebook
  }

  /// Undoes the exporter's mojibake: every string is UTF-8 whose bytes were written as
  /// `\u00XX`. When every scalar of a string is at most 0xFF, the scalars are taken as bytes and
  /// read as UTF-8; when that fails the string is kept as it is (it was real Latin-1 text).
  static func repair(_ text: String) -> String {
    let scalars = text.unicodeScalars
    guard scalars.contains(where: { $0.value >= 0x80 }), scalars.allSatisfy({ $0.value <= 0xFF }) else { return text }
    let bytes = scalars.map { UInt8($0.value) }
    return String(validating: bytes, as: UTF8.self) ?? text
  }

  /// The largest file read, as one thread part is read whole (once).
  static let maximumBytes = 512 << 20

  /// Reads one thread file and emits its messages, oldest first.
  static func messages(
    _ input: FormatInput, format: String, platform: Platform, emit: (ImportedMessage) throws -> Void
  ) throws {
    let data = try input.readWhole(maximumBytes: maximumBytes, what: "the message file")
    let ranges = try JSONFragments.ranges(in: data, at: [.key("messages"), .anyElement], location: input.location)
    guard try topLevelHasMessages(data, location: input.location) else {
      throw CasefileError(.badExport, "this is not a message file: its top level has no \"messages\" array", location: input.location)
    }
    let thread = MetaHTMLPage.thread(entryPath: input.entryPath, fileExtension: ".json")
    let lines = JSONFragments.lines(of: ranges, in: data)
    // The file lists the newest first; the messages are handed on oldest first.
    for (range, line) in zip(ranges, lines).reversed() {
      var location = input.location
      location.line = line
      try emit(message(
        data.subdata(in: (data.startIndex + range.lowerBound)..<(data.startIndex + range.upperBound)), format: format,
        platform: platform, thread: thread, entryPath: input.entryPath, location: location))
    }
  }

  /// Whether the document is an object with a `messages` array (an empty one is fine).
  private static func topLevelHasMessages(_ data: Data, location: CasefileError.Location) throws -> Bool {
    // A "messages" that is a number, a string or an object is a damaged file, not an empty thread.
    try JSONFragments.ranges(in: data, at: [.key("messages")], location: location).contains { range in
      data[data.startIndex + range.lowerBound] == UInt8(ascii: "[")
    }
  }

  static func message(
    _ fragment: Data, format: String, platform: Platform, thread: String?, entryPath: String, location: CasefileError.Location
  ) throws -> ImportedMessage {
    guard let object = try? JSONSerialization.jsonObject(with: fragment) as? [String: Any] else {
      throw CasefileError(.badExport, "a message is not a JSON object", location: location)
    }
    func string(_ key: String, in dictionary: [String: Any] = object) -> String? {
      (dictionary[key] as? String).map(repair)
    }
    guard let occurredAt = epochTime(object["timestamp_ms"], unit: .milliseconds) else {
      throw CasefileError(.badExport, "a message has no timestamp_ms", location: location)
    }
    let sender = string("sender_name").flatMap { $0.isEmpty ? nil : ActorInput(handle: $0, displayName: $0) }

    var details: [String: String] = [:]
    if let type = string("type") { details["type"] = type }
    if (object["is_unsent"] as? Bool) == true { details["unsent"] = "true" }
    if let reactions = object["reactions"] as? [[String: Any]], !reactions.isEmpty {
      details["reactions"] = reactions.map { "\(string("reaction", in: $0) ?? "") \(string("actor", in: $0) ?? "")" }.joined(separator: "; ")
    }
    var media: [ImportedMedia] = []
    for key in ["photos", "videos", "audio_files", "files", "gifs"] {
      for item in object[key] as? [[String: Any]] ?? [] {
        if let uri = string("uri", in: item), !uri.isEmpty { media.append(ImportedMedia.entry(uri, relativeTo: "")) }
      }
    }
    if let sticker = object["sticker"] as? [String: Any], let uri = string("uri", in: sticker), !uri.isEmpty {
      media.append(ImportedMedia.entry(uri, relativeTo: ""))
    }
    let share = (object["share"] as? [String: Any]).flatMap { string("link", in: $0) }
    return ImportedMessage(
      format: format, platform: platform, kind: .dm, thread: thread, sender: sender, direction: .unknown,
      occurredAt: occurredAt, text: string("content"), url: share, details: details, entryPath: entryPath, fragment: fragment,
      media: media)
  }
}

// MARK: - What the comment files and the end-to-end encrypted chat download share

extension MetaJSON {
  /// How a Meta JSON file counts time since 1970 (UTC): comments in seconds, messages in
  /// milliseconds.
  enum EpochUnit {
    case seconds, milliseconds
  }

  /// A time written as a whole number since 1970, UTC: kept as its digits, with the unit as its
  /// zone (`epoch-s` or `epoch-ms`), stated. Nil when the value is not a number, or falls
  /// outside the years 0000 to 9999.
  static func epochTime(_ value: Any?, unit: EpochUnit) -> OccurredAt? {
    guard let number = value as? NSNumber else { return nil }
    let whole = number.int64Value
    return OccurredAt.epoch(whole, milliseconds: unit == .milliseconds, original: String(whole))
  }

  /// A string member, repaired for the mojibake; nil when absent, not a string, or empty.
  static func text(_ value: Any?) -> String? {
    guard let raw = value as? String, !raw.isEmpty else { return nil }
    return repair(raw)
  }

  /// The first byte of a document past white space and a byte order mark: `{` or `[` for the
  /// shapes these files have.
  static func firstByte(_ data: Data) -> UInt8? {
    data.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
  }

  /// The exact bytes of each value at `path`, in document order, each with the location of the
  /// line it starts on. A document that is not well-formed is an error naming the line.
  static func fragments(
    in data: Data, at path: [JSONFragments.Step], location: CasefileError.Location
  ) throws -> [(bytes: Data, location: CasefileError.Location)] {
    let ranges = try JSONFragments.ranges(in: data, at: path, location: location)
    return zip(ranges, JSONFragments.lines(of: ranges, in: data)).map { range, line in
      var located = location
      located.line = line
      return (data.subdata(in: (data.startIndex + range.lowerBound)..<(data.startIndex + range.upperBound)), located)
    }
  }

  /// A fragment decoded as a JSON object, or an error saying that `what` is not one (without
  /// quoting it: it may be a harassment message or a patient's words).
  static func object(_ fragment: Data, what: String, location: CasefileError.Location) throws -> [String: Any] {
    guard let object = try? JSONSerialization.jsonObject(with: fragment) as? [String: Any] else {
      throw CasefileError(.badExport, "\(what) is not a JSON object", location: location)
    }
    return object
  }

  /// Hands on the items of one file oldest first, whatever order the file lists them in (comment
  /// files list the newest first): a stable sort by time, so items of the same instant keep the
  /// file's order. Items identical in everything their identity hashes (the same comment posted
  /// twice in one second) are numbered (``ImportedMessage/occurrence``), so each is kept, and a
  /// re-import numbers them the same way.
  static func emitOldestFirst(_ items: [ImportedMessage], emit: (ImportedMessage) throws -> Void) throws {
    let ordered = items.enumerated().sorted {
      ($0.element.occurredAt.utc, $0.offset) < ($1.element.occurredAt.utc, $1.offset)
    }
    var seen: [String: Int] = [:]
    for (_, item) in ordered {
      var item = item
      let key = item.identity
      item.occurrence = seen[key, default: 0] + 1
      seen[key] = item.occurrence
      try emit(item)
    }
  }
}
