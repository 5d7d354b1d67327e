import Foundation

/// Instagram's data download, JSON variant: `your_instagram_activity/messages/inbox/<user>_<id>/
/// message_N.json` (older: `messages/inbox/…`, which reads as Facebook's unless an `instagram`
/// folder precedes it: force it with `--format instagram-json`). The schema and the mojibake are
/// Facebook's; see ``MetaJSON``. Deleted accounts show as "Instagram User" and are kept as shown.
public struct InstagramJSONFormat: ExportFormat {
  public let id = "instagram-json"
  public let title = "Instagram data download, JSON messages (your_instagram_activity/messages/inbox/<user>/message_N.json)"

  public init() {}

  public func claims(entryPath: String, head: Data) -> Bool {
    MetaJSON.platform(entryPath: entryPath, head: head) == .instagram
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    try MetaJSON.messages(input, format: id, platform: .instagram, emit: emit)
  }
}
