import Foundation

/// Telegram Desktop's JSON export: `result.json`, either a full export
/// (`{"chats": {"list": [chat, ...]}, "left_chats": {"list": [...]}}`) or a single chat
/// (`{name, type, id, messages}`).
///
/// Quirks handled: `text` as a string or as an array of strings and `{type, text}` objects;
/// `date_unixtime` (a STRING of seconds, stated UTC) preferred over `date` (local, read in the
/// source zone and recorded as assumed; a clock-change time with a warning); control characters
/// written as `\xNN`, which is not JSON, repaired before each message is decoded (the raw
/// fragment keeps them as written); `from: null` for deleted accounts (the sender is then the
/// `from_id`); service messages skipped; a photo or file read from beside `result.json`, or
/// recorded as missing when the export left it out ("File not included…"). Each message's raw
/// fragment is its JSON object as it stands in the file; its id is `<chat id>/<message id>`.
public struct TelegramJSONFormat: ExportFormat {
  public let id = "telegram-json"
  public let title = "Telegram Desktop JSON export (result.json)"

  public init() {}

  public func claims(entryPath: String, head: Data) -> Bool {
    guard (entryPath as NSString).lastPathComponent.lowercased() == "result.json" else { return false }
    if head.isEmpty { return true }
    let text = String(decoding: head.prefix(4096), as: UTF8.self)
    return text.drop(while: \.isWhitespace).first == "{"
      && (text.contains("\"chats\"") || text.contains("\"messages\"") || text.contains("\"personal_information\""))
  }

  /// The largest `result.json` read; it is read whole, once.
  static let maximumBytes = 1 << 30

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    let data = try input.readWhole(maximumBytes: Self.maximumBytes, what: "result.json")
    let folder = (input.entryPath as NSString).deletingLastPathComponent
    // Chats the owner left are read too: abuse may be why they left.
    var chats = try ["chats", "left_chats"].flatMap { section in
      try JSONFragments.ranges(in: data, at: [.key(section), .key("list"), .anyElement], location: input.location)
    }
    if chats.isEmpty {
      // A single chat: the document itself, when it has messages.
      guard try !JSONFragments.ranges(in: data, at: [.key("messages")], location: input.location).isEmpty else {
        throw CasefileError(
          .badExport, "this is not a Telegram export: result.json has neither chats.list nor messages", location: input.location)
      }
      chats = [0..<data.count]
    }
    // Chats in file order (left chats may come first), so that lines are counted in one pass.
    chats.sort { $0.lowerBound < $1.lowerBound }
    for (chatRange, chatLine) in zip(chats, JSONFragments.lines(of: chats, in: data)) {
      // A view into the file, not a copy: a chat of years can be most of the file.
      let chat = data[(data.startIndex + chatRange.lowerBound)..<(data.startIndex + chatRange.upperBound)]
      let name = try Self.scalar(chat, "name", location: input.location) as? String
      let chatID = try Self.scalar(chat, "id", location: input.location).map { "\($0)" } ?? name ?? "chat"
      let ranges = try JSONFragments.ranges(in: chat, at: [.key("messages"), .anyElement], location: input.location)
      for (range, line) in zip(ranges, JSONFragments.lines(of: ranges, in: chat, firstLine: chatLine)) {
        var location = input.location
        location.line = line
        let fragment = chat.subdata(in: (chat.startIndex + range.lowerBound)..<(chat.startIndex + range.upperBound))
        if let message = try message(
          fragment, chatName: name, chatID: chatID, folder: folder, input: input, location: location)
        {
          try emit(message)
        }
      }
    }
  }

  /// The value of a top-level member of an object, decoded alone; nil when it is absent.
  static func scalar(_ object: Data, _ key: String, location: CasefileError.Location) throws -> Any? {
    guard let range = try JSONFragments.ranges(in: object, at: [.key(key)], location: location).first else { return nil }
    let bytes = object.subdata(in: (object.startIndex + range.lowerBound)..<(object.startIndex + range.upperBound))
    return try? JSONSerialization.jsonObject(with: repairEscapes(bytes), options: .fragmentsAllowed)
  }

  /// Rewrites Telegram's `\xNN` escapes, which JSON does not have, as `\u00NN`; every other
  /// escape is copied as it is (so `\\x41` stays a backslash and `x41`).
  static func repairEscapes(_ data: Data) -> Data {
    guard data.contains(UInt8(ascii: "\\")) else { return data }
    var out = Data()
    out.reserveCapacity(data.count + 16)
    let bytes = [UInt8](data)
    var index = 0
    func isHex(_ byte: UInt8) -> Bool {
      (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte)
    }
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
        if bytes[index + 1] == UInt8(ascii: "x"), index + 3 < bytes.count, isHex(bytes[index + 2]), isHex(bytes[index + 3]) {
          out.append(contentsOf: Array("\\u00".utf8) + [bytes[index + 2], bytes[index + 3]])
          index += 4
        } else {
          out.append(contentsOf: [byte, bytes[index + 1]])
          index += 2
        }
        continue
      }
      out.append(byte)
      index += 1
    }
    return out
  }

  /// The text of a message: a string, or the texts of an array of strings and entity objects.
  static func text(_ value: Any?) -> String? {
    if let string = value as? String { return string.isEmpty ? nil : string }
    guard let parts = value as? [Any] else { return nil }
    let joined = parts.map { part -> String in
      if let string = part as? String { return string }
      return (part as? [String: Any])?["text"] as? String ?? ""
    }.joined()
    return joined.isEmpty ? nil : joined
  }

  private func message(
    _ fragment: Data, chatName: String?, chatID: String, folder: String, input: FormatInput, location: CasefileError.Location
  ) throws -> ImportedMessage? {
    guard let object = try? JSONSerialization.jsonObject(with: Self.repairEscapes(fragment)) as? [String: Any] else {
      throw CasefileError(.badExport, "a Telegram message is not a JSON object", location: location)
    }
    if (object["type"] as? String) == "service" { return nil }
    guard let number = object["id"].map({ "\($0)" }) else {
      throw CasefileError(.badExport, "a Telegram message has no id", location: location)
    }
    let occurredAt: OccurredAt
    if let unix = object["date_unixtime"] as? String, let seconds = Int64(unix) {
      guard let epoch = OccurredAt.epoch(seconds, milliseconds: false, original: unix) else {
        throw CasefileError(.badExport, "Telegram message \(number) has a date_unixtime outside the years 0000 to 9999", location: location)
      }
      occurredAt = epoch
    } else if let local = object["date"] as? String {
      do {
        occurredAt = try OccurredAt.parseImported(local, defaultZone: input.sourceZone) { input.warn("line \(location.line ?? 0): '\(local)' \($0)") }
      } catch let error as CasefileError {
        throw CasefileError(.badExport, "Telegram message \(number) has an unreadable date: \(error.message)", location: location)
      }
    } else {
      throw CasefileError(.badExport, "Telegram message \(number) has no date", location: location)
    }
    var details: [String: String] = [:]
    let sender: ActorInput?
    if let name = object["from"] as? String {
      sender = ActorInput(handle: name, displayName: name, platformUserID: object["from_id"] as? String)
    } else if let fromID = object["from_id"] as? String {
      sender = ActorInput(handle: fromID, platformUserID: fromID)
      details["deleted_account"] = "true"
    } else {
      sender = nil
    }
    if let reply = object["reply_to_message_id"] { details["reply_to"] = "\(chatID)/\(reply)" }
    if let forwarded = object["forwarded_from"] as? String { details["forwarded_from"] = forwarded }
    var media: [ImportedMedia] = []
    for key in ["photo", "file"] {
      guard let path = object[key] as? String, !path.isEmpty else { continue }
      if path.hasPrefix("(") {
        // "(File not included. Change data exporting settings to download.)"
        media.append(ImportedMedia(name: key, mediaType: "application/octet-stream", content: .missing(reference: path)))
      } else {
        media.append(ImportedMedia.entry(path, relativeTo: folder))
      }
    }
    return ImportedMessage(
      format: id, platform: .telegram, kind: .dm, thread: chatName ?? chatID, sender: sender, direction: .unknown,
      occurredAt: occurredAt, text: Self.text(object["text"]), platformMessageID: "\(chatID)/\(number)", details: details,
      entryPath: input.entryPath, fragment: fragment, media: media)
  }
}
