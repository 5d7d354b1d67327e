import Foundation

/// Facebook "Download Your Information", JSON variant: one `message_N.json` per part of a thread,
/// in the same folders as the HTML variant (`messages/`, `your_activity_across_facebook/messages/`,
/// `your_facebook_activity/messages/`; sections `inbox`, `archived_threads`, `filtered_threads`,
/// `message_requests`).
///
/// Quirks handled (see ``MetaJSON``): the mojibake on every string (names, text, reactions);
/// newest-first files handed on oldest first; `timestamp_ms` kept as its digits (stated UTC); media
/// `uri`s relative to the export's root, read from the export or recorded as missing; unsent
/// messages kept with `unsent` in their details. Each message's raw fragment is its JSON object as
/// it stands in the file.
public struct FacebookJSONFormat: ExportFormat {
  public let id = "facebook-json"
  public let title = "Facebook Download Your Information, JSON messages (messages/<section>/<thread>/message_N.json)"

  public init() {}

  public func claims(entryPath: String, head: Data) -> Bool {
    MetaJSON.platform(entryPath: entryPath, head: head) == .facebook
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    try MetaJSON.messages(input, format: id, platform: .facebook, emit: emit)
  }
}
