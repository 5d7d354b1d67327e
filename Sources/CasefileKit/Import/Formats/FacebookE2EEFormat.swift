import Foundation

/// Facebook Messenger's end-to-end encrypted chats, downloaded on their own since 2024 (apart from
/// "Download Your Information"): flat `<thread>_<n>.json` files with camelCase keys,
/// `{participants, threadName, messages[{senderName, text, timestamp (ms), media[{uri}], isUnsent,
/// reactions}]}`.
///
/// Detection needs the first bytes as well as the name, since `<thread>_<n>.json` says little: an
/// object whose head holds `"senderName"` or `"threadName"` and not the classic `"sender_name"`.
/// A classic `message_N.json` that ``FacebookJSONFormat`` or ``InstagramJSONFormat`` claims, and
/// Instagram's `post_comments_N.json`, are never taken; an empty file is not claimed.
///
/// Unlike the rest of Meta's JSON these strings are plain UTF-8, with NO mojibake: nothing is
/// repaired (a real "Ã©" stays as written). Quirks handled: messages handed on oldest first,
/// whatever the file's order (a stable sort by time; the evidence listing then orders items of every
/// file by time, `ORDER BY occurred_at`); `timestamp` kept as its digits (`epoch-ms`, stated). The
/// sender is the display name; the owner is not marked, so the direction is `unknown`. The thread is
/// `threadName`, or the file name without `_<n>`. A media `uri` is read relative to the file's
/// folder, then the export's top, or recorded as missing; `isUnsent` and reactions go in the
/// details. There is no message id: identity is the content hash, with repeats numbered. Each
/// message's raw fragment is its JSON object as it stands in the file.
public struct FacebookE2EEFormat: ExportFormat {
  public let id = "facebook-e2ee-json"
  public let title = "Facebook Messenger end-to-end encrypted chat download, JSON (<thread>_<n>.json)"

  public init() {}

  /// The thread named by a `<thread>_<n>.json` file name, or nil when the name is not shaped so.
  static func threadFromName(_ entryPath: String) -> String? {
    let name = (entryPath as NSString).lastPathComponent
    guard name.lowercased().hasSuffix(".json") else { return nil }
    let stem = name.dropLast(".json".count)
    guard let underscore = stem.lastIndex(of: "_") else { return nil }
    let thread = stem[..<underscore]
    let number = stem[stem.index(after: underscore)...]
    guard !thread.isEmpty, !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return String(thread)
  }

  public func claims(entryPath: String, head: Data) -> Bool {
    guard Self.threadFromName(entryPath) != nil, !head.isEmpty, MetaJSON.firstByte(head) == UInt8(ascii: "{"),
      MetaJSON.platform(entryPath: entryPath, head: head) == nil, !InstagramCommentsJSONFormat.isCommentsFile(entryPath)
    else { return false }
    let text = String(decoding: head.prefix(4096), as: UTF8.self)
    return (text.contains("\"senderName\"") || text.contains("\"threadName\"")) && !text.contains("\"sender_name\"")
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    let data = try input.readWhole(maximumBytes: MetaJSON.maximumBytes, what: "the chat file")
    // One pass checks that the document is well-formed (a truncated file fails here, naming its line).
    let lists = try JSONFragments.ranges(in: data, at: [.key("messages")], location: input.location)
    guard MetaJSON.firstByte(data) == UInt8(ascii: "{"), !lists.isEmpty else {
      throw CasefileError(
        .badExport, "this is not an end-to-end encrypted chat file: its top level is not an object with a \"messages\" array",
        location: input.location)
    }
    guard lists.allSatisfy({ data[data.startIndex + $0.lowerBound] == UInt8(ascii: "[") }) else {
      throw CasefileError(.badExport, "the \"messages\" of this chat file is not an array", location: input.location)
    }
    let threadName = try JSONFragments.ranges(in: data, at: [.key("threadName")], location: input.location).first.flatMap {
      try? JSONSerialization.jsonObject(
        with: data.subdata(in: (data.startIndex + $0.lowerBound)..<(data.startIndex + $0.upperBound)), options: .fragmentsAllowed)
        as? String
    }
    let thread = threadName.flatMap { $0.isEmpty ? nil : $0 } ?? Self.threadFromName(input.entryPath)
    let folder = (input.entryPath as NSString).deletingLastPathComponent
    var items: [ImportedMessage] = []
    for (fragment, location) in try MetaJSON.fragments(in: data, at: [.key("messages"), .anyElement], location: input.location) {
      items.append(try message(fragment, thread: thread, folder: folder, entryPath: input.entryPath, location: location))
    }
    try MetaJSON.emitOldestFirst(items, emit: emit)
  }

  /// One message of the file. Strings are taken as they are: this download has no mojibake.
  func message(
    _ fragment: Data, thread: String?, folder: String, entryPath: String, location: CasefileError.Location
  ) throws -> ImportedMessage {
    let object = try MetaJSON.object(fragment, what: "a message", location: location)
    func string(_ value: Any?) -> String? {
      guard let text = value as? String, !text.isEmpty else { return nil }
      return text
    }
    guard let occurredAt = MetaJSON.epochTime(object["timestamp"], unit: .milliseconds) else {
      throw CasefileError(.badExport, "a message has no timestamp", location: location)
    }
    let sender = string(object["senderName"]).map { ActorInput(handle: $0, displayName: $0) }
    var details: [String: String] = [:]
    details["type"] = string(object["type"])
    if (object["isUnsent"] as? Bool) == true { details["unsent"] = "true" }
    let reactions = (object["reactions"] as? [Any] ?? []).compactMap { item -> String? in
      guard let reaction = item as? [String: Any] else { return nil }
      let parts = [string(reaction["reaction"]), string(reaction["actor"]) ?? string(reaction["senderName"])].compactMap { $0 }
      return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
    if !reactions.isEmpty { details["reactions"] = reactions.joined(separator: "; ") }
    let media = (object["media"] as? [Any] ?? []).compactMap { item in
      string((item as? [String: Any])?["uri"]).map { ImportedMedia.entry($0, relativeTo: folder) }
    }
    return ImportedMessage(
      format: id, platform: .facebook, kind: .dm, thread: thread, sender: sender, direction: .unknown, occurredAt: occurredAt,
      text: string(object["text"]), details: details, entryPath: entryPath, fragment: fragment, media: media)
  }
}
