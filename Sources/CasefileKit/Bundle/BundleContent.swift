import Foundation

/// Everything an evidence bundle can carry about one case, read from the store in one
/// transaction. ``ExportProfile`` decides what of it goes into a given bundle.
public struct BundleContent: Sendable {
  public struct Item: Sendable {
    public var record: EvidenceItem
    public var thread: String?
    public var direction: String?
    public var recipients: [String]
    public var platformMessageID: String?
    public var details: [(name: String, value: String)]
    public var provenance: Provenance?
  }

  /// Where an imported item came from.
  public struct Provenance: Sendable {
    public var format: String
    public var archiveSha256: String?
    public var entryPath: String
    public var fragment: Data
    public var fragmentSha256: String
  }

  public var caseRecord: CaseRecord
  public var profile: Profile
  /// The actors that wrote the case's items, with their patient flags.
  public var actors: [ActorRecord]
  /// In time order.
  public var items: [Item]
  public var steps: [StepRecord]
  public var notes: [NoteRecord]
  /// The head of the audit chain when this was read.
  public var auditHead: String
}
