/// One thing that fsck found wrong.
public struct FsckProblem: Sendable, Equatable, Codable {
  public enum Kind: String, Sendable, Codable {
    case auditChain = "audit-chain"
    case rowMismatch = "row-mismatch"
    case rowUnaudited = "row-unaudited"
    case rowMissing = "row-missing"
    case blobMismatch = "blob-mismatch"
    case blobMissing = "blob-missing"
    case database = "database"
  }

  public var kind: Kind
  public var table: String?
  public var rowID: Int64?
  /// The row or blob named as a human would look it up: `E-3`, `C-2026-0001`, `blob <sha>`.
  public var ref: String
  public var message: String
}

/// What `casefile fsck` checked and found.
public struct FsckReport: Sendable, Equatable, Codable {
  public var ok: Bool
  public var auditRows: Int
  public var headHash: String
  public var rowsChecked: Int
  public var blobsChecked: Int
  /// The problems found, first one first. Each check stops at its first problem.
  public var problems: [FsckProblem]
}
