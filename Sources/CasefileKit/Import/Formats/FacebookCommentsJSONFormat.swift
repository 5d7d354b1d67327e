import Foundation

/// Facebook "Download Your Information", JSON variant: the comments the account's owner wrote, in
/// one `comments.json` under `comments/` (2018–2023), `comments_and_reactions/` (2022–2023, at the
/// top), `your_activity_across_facebook/comments_and_reactions/` (2024) or
/// `your_facebook_activity/comments_and_reactions/` (2025), at any depth. (No download is known to
/// split it into `comments_N.json`, so such names are not claimed.)
///
/// The file is `{"comments_v2": [...]}` (older downloads: `{"comments": [...]}`; both are read).
/// Each item: `timestamp` (seconds), `title` ("X commented on Y's post.", "X replied to Y's
/// comment."), `data[{comment{comment, author, timestamp}}]` and, for a photo, sticker or link,
/// `attachments[{data[{media{uri}} | {external_context{url}}]}]`.
///
/// Quirks handled: the mojibake on every string (see ``MetaJSON/repair(_:)``); the newest-first
/// file handed on oldest first (a stable sort by time; the evidence listing then orders items of
/// every file by time, `ORDER BY occurred_at`); `timestamp` kept as its digits (`epoch-s`,
/// stated), or the inner comment's when the item has none. Every item is the owner's own, so it is
/// stored as sent with no sender (the doctor); the author's name and the title go in the details.
/// The kind is `reply` when the title says "replied to" (English downloads only: a title in
/// another language stays `comment`), else `comment`. The thread is the title, so comments on one
/// person's posts group together. There is no comment id: identity is the content hash, with
/// repeats numbered. An attachment's `uri` is relative to the export's root (the folder holding
/// `comments/` or `your_…_activity/`); it is read from the export or recorded as missing, and a
/// link is the item's URL. Each item's raw fragment is its JSON object as it stands in the file.
public struct FacebookCommentsJSONFormat: ExportFormat {
  public let id = "facebook-comments-json"
  public let title = "Facebook Download Your Information, JSON comments (comments/comments.json, …/comments_and_reactions/comments.json)"

  public init() {}

  /// The top-level members that hold the comments: the current name, then the older one.
  static let keys = ["comments_v2", "comments"]

  /// The export's root for a comments file (the folder its media `uri`s start from), or nil when
  /// the path is not one of the comment file's places.
  static func exportRoot(_ entryPath: String) -> String? {
    let components = entryPath.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    guard components.count >= 2, components[components.count - 1].lowercased() == "comments.json" else { return nil }
    let folder = components[components.count - 2].lowercased()
    var depth = 2
    switch folder {
    case "comments":
      break
    case "comments_and_reactions":
      // Under `your_activity_across_facebook/` or `your_facebook_activity/` since 2024; at the top before.
      if components.count >= 3, components[components.count - 3].lowercased().hasPrefix("your_") { depth = 3 }
    default:
      return nil
    }
    return components.dropLast(depth).joined(separator: "/")
  }

  public func claims(entryPath: String, head: Data) -> Bool {
    guard Self.exportRoot(entryPath) != nil else { return false }
    if head.isEmpty { return true }
    let text = String(decoding: head.prefix(4096), as: UTF8.self)
    return MetaJSON.firstByte(head) == UInt8(ascii: "{") && Self.keys.contains { text.contains("\"\($0)\"") }
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    let data = try input.readWhole(maximumBytes: MetaJSON.maximumBytes, what: "comments.json")
    // One pass checks that the document is well-formed (a truncated file fails here, naming its line).
    let members = try Self.keys.map { try JSONFragments.ranges(in: data, at: [.key($0)], location: input.location) }
    guard MetaJSON.firstByte(data) == UInt8(ascii: "{"), members.contains(where: { !$0.isEmpty }) else {
      throw CasefileError(
        .badExport, "this is not a Facebook comments file: its top level is not an object with a \"comments_v2\" array",
        location: input.location)
    }
    let root = Self.exportRoot(input.entryPath) ?? ""
    var items: [ImportedMessage] = []
    for (key, ranges) in zip(Self.keys, members) where !ranges.isEmpty {
      guard ranges.allSatisfy({ data[data.startIndex + $0.lowerBound] == UInt8(ascii: "[") }) else {
        throw CasefileError(.badExport, "the \"\(key)\" of this comments file is not an array", location: input.location)
      }
      for (fragment, location) in try MetaJSON.fragments(in: data, at: [.key(key), .anyElement], location: input.location) {
        items.append(try comment(fragment, root: root, entryPath: input.entryPath, location: location))
      }
    }
    try MetaJSON.emitOldestFirst(items, emit: emit)
  }

  /// One item of the comments array.
  func comment(_ fragment: Data, root: String, entryPath: String, location: CasefileError.Location) throws -> ImportedMessage {
    let object = try MetaJSON.object(fragment, what: "a comment", location: location)
    let comments = (object["data"] as? [Any] ?? []).compactMap { ($0 as? [String: Any])?["comment"] as? [String: Any] }
    guard
      let occurredAt = MetaJSON.epochTime(object["timestamp"], unit: .seconds)
        ?? comments.lazy.compactMap({ MetaJSON.epochTime($0["timestamp"], unit: .seconds) }).first
    else {
      throw CasefileError(.badExport, "a comment has no timestamp", location: location)
    }
    let title = MetaJSON.text(object["title"])
    let texts = comments.compactMap { MetaJSON.text($0["comment"]) }
    var details: [String: String] = [:]
    details["title"] = title
    details["author"] = comments.lazy.compactMap { MetaJSON.text($0["author"]) }.first

    var media: [ImportedMedia] = []
    var links: [String] = []
    for attachment in object["attachments"] as? [Any] ?? [] {
      for item in (attachment as? [String: Any])?["data"] as? [Any] ?? [] {
        guard let item = item as? [String: Any] else { continue }
        if let uri = MetaJSON.text((item["media"] as? [String: Any])?["uri"]) {
          media.append(ImportedMedia.entry(uri, relativeTo: root))
        }
        if let link = MetaJSON.text((item["external_context"] as? [String: Any])?["url"]) { links.append(link) }
      }
    }
    if links.count > 1 { details["links"] = links.joined(separator: "\n") }
    let isReply = title?.lowercased().contains(" replied to ") == true
    return ImportedMessage(
      format: id, platform: .facebook, kind: isReply ? .reply : .comment, thread: title, sender: nil, direction: .sent,
      occurredAt: occurredAt, text: texts.isEmpty ? nil : texts.joined(separator: "\n"), url: links.first, details: details,
      entryPath: entryPath, fragment: fragment, media: media)
  }
}
