import Foundation

/// Facebook "Download Your Information", HTML variant: one `message_N.html` page per part of a
/// thread, under `messages/<section>/<thread>/` (2018–2023), `your_activity_across_facebook/messages/`
/// (2024) or `your_facebook_activity/messages/` (2025); sections `inbox`, `archived_threads`,
/// `filtered_threads` and `message_requests`.
///
/// Messages are found by structure, not by class names (they are generated and change): a block
/// whose children are a sender, the content and a localised time with no zone. Two generations of
/// markup are read alike: the older `div` holding three `div`s (`pam` / `_3-96` / `_3-94` era),
/// and the newer block with an `h2` sender and a `div` or `footer` time (`_a6-g` era, `section`
/// since 2024). The page names no user ids and not its owner, so the sender is the name shown and
/// the direction is unknown. Shared with Instagram: ``MetaHTMLReader``, ``MetaHTMLPage``.
public struct FacebookHTMLFormat: ExportFormat {
  public let id = "facebook-html"
  public let title = "Facebook Download Your Information, HTML messages (messages/<section>/<thread>/message_N.html)"

  public init() {}

  /// Claims a message page that ``MetaHTMLPage/platform(entryPath:head:)`` assigns to Facebook;
  /// the same rule, read the other way, is Instagram's, so the two never both claim an entry.
  public func claims(entryPath: String, head: Data) -> Bool {
    MetaHTMLPage.platform(entryPath: entryPath, head: head) == .facebook
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    try MetaHTMLReader(format: id, platform: .facebook, platformName: "Facebook").messages(input, emit: emit)
  }

  /// Reads one of the pages' localised times (see ``MetaHTMLTime`` for the shapes accepted): in
  /// `zone` and recorded as assumed, unless the text states an offset.
  public static func parseTime(_ text: String, zone: TimeZone, location: CasefileError.Location) throws -> OccurredAt {
    try MetaHTMLTime.parse(text, zone: zone, location: location).occurredAt
  }
}
