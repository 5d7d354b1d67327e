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
    try !JSONFragments.ranges(in: data, at: [.key("messages")], location: location).isEmpty
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
    guard let milliseconds = object["timestamp_ms"] as? NSNumber else {
      throw CasefileError(.badExport, "a message has no timestamp_ms", location: location)
    }
    let millis = milliseconds.int64Value
    let occurredAt = OccurredAt(
      utc: Date(timeIntervalSince1970: Double(millis) / 1000), original: String(millis), zone: "epoch-ms", zoneSource: .stated)
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
