import Foundation

/// Instagram's data download, HTML variant (the default): one `message_N.html` page per part of a
/// thread, under `your_instagram_activity/messages/inbox/<user>_<id>/` or, in older downloads,
/// `messages/inbox/<user>_<id>/`, the same path as Facebook's.
///
/// The markup descends from Facebook's newer generation (an `h2` sender, the content, a time with
/// no zone) and is read by the same structural rule. Deleted accounts show as "Instagram User" and
/// are kept as shown. Shared with Facebook: ``MetaHTMLReader``, ``MetaHTMLPage``.
public struct InstagramHTMLFormat: ExportFormat {
  public let id = "instagram-html"
  public let title = "Instagram data download, HTML messages (your_instagram_activity/messages/inbox/<user>/message_N.html)"

  public init() {}

  /// Claims a message page that ``MetaHTMLPage/platform(entryPath:head:)`` assigns to Instagram:
  /// an Instagram folder in its path or, for the older `messages/inbox` layout, the word
  /// "instagram" in the page's preamble.
  public func claims(entryPath: String, head: Data) -> Bool {
    MetaHTMLPage.platform(entryPath: entryPath, head: head) == .instagram
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    try MetaHTMLReader(format: id, platform: .instagram, platformName: "Instagram").messages(input, emit: emit)
  }
}
