import Foundation

/// Instagram's data download, JSON variant: the comments the account's owner wrote, in
/// `your_instagram_activity/comments/` (older: `comments/`): `post_comments_1.json`,
/// `post_comments_2.json`, … (also an unnumbered `post_comments.json`), an array, and
/// `reels_comments.json`, an object whose one member (`comments_reels_comments`) holds the array.
/// Either shape is read from either name: a top-level array, or an object with exactly one member
/// that is an array.
///
/// Each item: `string_map_data{"Comment":{value}, "Media Owner":{value}, "Time":{timestamp}}`
/// (the labels as Instagram writes them in English; `Time` in seconds).
///
/// Quirks handled: the mojibake on every string (see ``MetaJSON/repair(_:)``); items handed on
/// oldest first, whatever the file's order (a stable sort by time; the evidence listing then orders
/// items of every file by time, `ORDER BY occurred_at`); `Time` kept as its digits (`epoch-s`,
/// stated). Every item is the owner's own, so it is stored as a `comment`, sent, with no sender (the
/// doctor). The media owner is the thread, so comments on one person's posts group together, and
/// is kept in the details. There is no comment id: identity is the content hash, with repeats
/// numbered. Each item's raw fragment is its JSON object as it stands in the file.
public struct InstagramCommentsJSONFormat: ExportFormat {
  public let id = "instagram-comments-json"
  public let title = "Instagram data download, JSON comments (your_instagram_activity/comments/post_comments_N.json, reels_comments.json)"

  public init() {}

  /// Whether a path is one of Instagram's comment files: a known name in a `comments` folder.
  static func isCommentsFile(_ entryPath: String) -> Bool {
    let components = entryPath.split(separator: "/", omittingEmptySubsequences: true).map { $0.lowercased() }
    guard components.count >= 2, components[components.count - 2] == "comments" else { return false }
    let name = components[components.count - 1]
    if name == "reels_comments.json" || name == "post_comments.json" { return true }
    guard name.hasPrefix("post_comments_"), name.hasSuffix(".json") else { return false }
    let number = name.dropFirst("post_comments_".count).dropLast(".json".count)
    return !number.isEmpty && number.allSatisfy { $0.isASCII && $0.isNumber }
  }

  public func claims(entryPath: String, head: Data) -> Bool {
    guard Self.isCommentsFile(entryPath) else { return false }
    return head.isEmpty || [UInt8(ascii: "["), UInt8(ascii: "{")].contains(MetaJSON.firstByte(head))
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    let data = try input.readWhole(maximumBytes: MetaJSON.maximumBytes, what: "the comments file")
    let path: [JSONFragments.Step]
    switch MetaJSON.firstByte(data) {
    case UInt8(ascii: "["):
      path = [.anyElement]
    case UInt8(ascii: "{"):
      // A wrapper: one member holding the array (`comments_reels_comments`). The scan also checks
      // that the whole document is well-formed, naming the line where it is not.
      let members = try JSONFragments.ranges(in: data, at: [.anyKey], location: input.location)
      guard members.count == 1, let member = members.first, data[data.startIndex + member.lowerBound] == UInt8(ascii: "[") else {
        throw CasefileError(
          .badExport, "this is not an Instagram comments file: its top level is neither an array nor an object whose one member is an array",
          location: input.location)
      }
      path = [.anyKey, .anyElement]
    default:
      throw CasefileError(
        .badExport, "this is not an Instagram comments file: its top level is neither an array nor an object", location: input.location)
    }
    var items: [ImportedMessage] = []
    for (fragment, location) in try MetaJSON.fragments(in: data, at: path, location: input.location) {
      items.append(try comment(fragment, entryPath: input.entryPath, location: location))
    }
    try MetaJSON.emitOldestFirst(items, emit: emit)
  }

  /// One item of the comments array.
  func comment(_ fragment: Data, entryPath: String, location: CasefileError.Location) throws -> ImportedMessage {
    let object = try MetaJSON.object(fragment, what: "a comment", location: location)
    let fields = object["string_map_data"] as? [String: Any] ?? [:]
    func field(_ label: String) -> [String: Any]? { fields[label] as? [String: Any] }
    guard let occurredAt = MetaJSON.epochTime(field("Time")?["timestamp"], unit: .seconds) else {
      throw CasefileError(.badExport, "a comment has no Time (string_map_data.Time.timestamp)", location: location)
    }
    let owner = MetaJSON.text(field("Media Owner")?["value"])
    var details: [String: String] = [:]
    details["media_owner"] = owner
    details["title"] = MetaJSON.text(object["title"])
    return ImportedMessage(
      format: id, platform: .instagram, kind: .comment, thread: owner, sender: nil, direction: .sent, occurredAt: occurredAt,
      text: MetaJSON.text(field("Comment")?["value"]), url: MetaJSON.text(field("Comment")?["href"]), details: details,
      entryPath: entryPath, fragment: fragment)
  }
}
