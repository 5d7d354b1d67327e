import Foundation

/// YouTube comments in Google Takeout: `Takeout/YouTube and YouTube Music/comments/comments.csv`,
/// the comments the account's owner wrote (on videos, and replies to other comments).
///
/// Quirks handled: columns mapped by their header names, in any case and order (`Comment ID`,
/// `Channel ID`, `Comment Create Timestamp`, `Video ID`, `Comment Text`, `Parent Comment ID`, `Post
/// ID`); `Comment Text` is JSON in one of two shapes, `{"takeoutSegments":[{"text":…}, …]}` or a
/// comma-joined run of `{"text":…}` objects (wrapped in `[ ]` to read it); quoted fields with
/// line breaks. Each comment's raw fragment is its CSV record as it stands in the file; its id is
/// the comment id.
public struct YouTubeCommentsFormat: ExportFormat {
  public let id = "youtube-comments"
  public let title = "YouTube comments in Google Takeout (…/YouTube and YouTube Music/comments/comments.csv)"

  public init() {}

  public func claims(entryPath: String, head: Data) -> Bool {
    let lower = entryPath.lowercased()
    guard lower.hasSuffix("comments.csv"), lower.contains("youtube") else { return false }
    if head.isEmpty { return true }
    let firstLine = String(decoding: head.prefix(4096), as: UTF8.self).split(whereSeparator: \.isNewline).first ?? ""
    return firstLine.lowercased().contains("comment id")
  }

  /// The largest file read; it is read whole, once.
  static let maximumBytes = 512 << 20

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    let data = try input.readWhole(maximumBytes: Self.maximumBytes, what: "comments.csv")
    let csv = try CSVRecords(data, location: input.location)
    guard let idColumn = csv.column("Comment ID"), let textColumn = csv.column("Comment Text"),
      let timeColumn = csv.column("Comment Create Timestamp")
    else {
      throw CasefileError(
        .badExport, "comments.csv lacks one of the columns Comment ID, Comment Text and Comment Create Timestamp",
        location: input.location)
    }
    let videoColumn = csv.column("Video ID")
    let parentColumn = csv.column("Parent Comment ID")
    let postColumn = csv.column("Post ID")
    let channelColumn = csv.column("Channel ID")
    for record in csv.records {
      var location = input.location
      location.line = record.line
      func field(_ column: Int?) -> String? {
        guard let column, column < record.fields.count else { return nil }
        let value = record.fields[column].trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
      }
      guard let commentID = field(idColumn) else {
        throw CasefileError(.badExport, "a comment has no Comment ID", location: location)
      }
      guard let time = field(timeColumn) else {
        throw CasefileError(.badExport, "comment \(commentID) has no Comment Create Timestamp", location: location)
      }
      let occurredAt: OccurredAt
      do {
        occurredAt = try OccurredAt.parseImported(time, defaultZone: input.sourceZone) { input.warn("line \(record.line): '\(time)' \($0)") }
      } catch let error as CasefileError {
        throw CasefileError(.badExport, "comment \(commentID) has an unreadable time: \(error.message)", location: location)
      }
      let text = try Self.text(field(textColumn) ?? "", commentID: commentID, location: location)
      let video = field(videoColumn)
      var details: [String: String] = [:]
      details["parent"] = field(parentColumn)
      details["post_id"] = field(postColumn)
      details["channel_id"] = field(channelColumn)
      try emit(ImportedMessage(
        format: id, platform: .youtube, kind: field(parentColumn) == nil ? .comment : .reply, thread: video ?? field(postColumn),
        sender: nil, direction: .sent, occurredAt: occurredAt, text: text,
        url: video.map { "https://www.youtube.com/watch?v=\($0)&lc=\(commentID)" }, platformMessageID: commentID,
        details: details, entryPath: input.entryPath,
        fragment: data.subdata(in: (data.startIndex + record.range.lowerBound)..<(data.startIndex + record.range.upperBound))))
    }
  }

  /// The text of a `Comment Text` value: `{"takeoutSegments":[{"text":…}]}`, or a comma-joined
  /// run of `{"text":…}` objects.
  static func text(_ value: String, commentID: String, location: CasefileError.Location) throws -> String? {
    guard !value.isEmpty else { return nil }
    let decoded = (try? JSONSerialization.jsonObject(with: Data(value.utf8))) ?? (try? JSONSerialization.jsonObject(with: Data("[\(value)]".utf8)))
    let segments: [Any]
    if let object = decoded as? [String: Any], let list = object["takeoutSegments"] as? [Any] {
      segments = list
    } else if let list = decoded as? [Any] {
      segments = list
    } else if let object = decoded as? [String: Any] {
      segments = [object]
    } else {
      throw CasefileError(.badExport, "the Comment Text of comment \(commentID) is not in a shape casefile knows", location: location)
    }
    let text = segments.compactMap { ($0 as? [String: Any])?["text"] as? String }.joined()
    return text.isEmpty ? nil : text
  }
}
