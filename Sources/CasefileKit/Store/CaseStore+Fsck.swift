import Foundation
import GRDB

extension CaseStore {
  /// Re-verifies the whole store: SQLite's own integrity check, the audit hash chain, every row
  /// against its audit record, and every blob against its hash. Streams; memory stays flat.
  public func fsck() throws -> FsckReport {
    try read { db in
      var problems: [FsckProblem] = []
      let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
      if integrity != ["ok"] {
        problems.append(FsckProblem(
          kind: .database, table: nil, rowID: nil, ref: "database",
          message: "SQLite integrity check failed: \(integrity.prefix(3).joined(separator: "; "))"))
      }
      let chain = try AuditLog.verifyChain(db)
      if let problem = chain.problem { problems.append(problem) }
      var rows = 0
      for table in Schema.auditedTables {
        let checked = try AuditLog.verifyTable(db, table, appendOnly: Schema.appendOnlyTables.contains(table))
        rows += checked.count
        if let problem = checked.problem { problems.append(problem) }
      }
      if let problem = try Self.textWithHiddenNUL(db) { problems.append(problem) }
      // Every raw fragment against its own digest (the audit record covers the row too).
      let fragments = try Row.fetchCursor(db, sql: "SELECT evidence_id, fragment, fragment_sha256 FROM provenance ORDER BY id")
      while let row = try fragments.next() {
        let fragment: Data = row["fragment"]
        if Digest.sha256Hex(fragment) != (row["fragment_sha256"] as String) {
          let ref = Refs.make(.evidence, row["evidence_id"])
          problems.append(FsckProblem(
            kind: .rowMismatch, table: "provenance", rowID: row["evidence_id"], ref: ref,
            message: "the raw fragment of \(ref) does not match its digest: it was altered"))
          break
        }
      }
      var blobCount = 0
      let cursor = try String.fetchCursor(db, sql: "SELECT sha256 FROM blobs ORDER BY id")
      while let sha = try cursor.next() {
        blobCount += 1
        switch try blobs.check(sha) {
        case .ok: continue
        case .missing:
          problems.append(FsckProblem(
            kind: .blobMissing, table: "blobs", rowID: nil, ref: "blob \(sha)",
            message: "blob \(sha) is missing from \(blobs.path(for: sha).path)"))
        case .mismatch(let actual):
          problems.append(FsckProblem(
            kind: .blobMismatch, table: "blobs", rowID: nil, ref: "blob \(sha)",
            message: "blob \(sha) does not match its hash (its content now hashes to \(actual)): it was altered"))
        }
      }
      return FsckReport(
        ok: problems.isEmpty, auditRows: chain.count, headHash: chain.head, rowsChecked: rows,
        blobsChecked: blobCount, problems: problems)
    }
  }

  /// The first row holding a TEXT value with a NUL inside. casefile stores such a text as its
  /// bytes (``StoredText``); as TEXT, every reader, fsck's digest included, would stop at the NUL,
  /// so whatever follows it was put there outside casefile, to be hidden.
  static func textWithHiddenNUL(_ db: Database) throws -> FsckProblem? {
    for table in Schema.auditedTables {
      let columns = try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) WHERE upper(type) = 'TEXT'", arguments: [table])
        .map { $0["name"] as String }
      guard !columns.isEmpty else { continue }
      let test = columns.map { "(typeof(\($0)) = 'text' AND instr(CAST(\($0) AS BLOB), X'00') > 0)" }.joined(separator: " OR ")
      if let id = try Int64.fetchOne(db, sql: "SELECT id FROM \(table) WHERE \(test) ORDER BY id LIMIT 1") {
        let ref = try Refs.name(of: table, id: id, in: db)
        return FsckProblem(
          kind: .rowMismatch, table: table, rowID: id, ref: ref,
          message: "\(ref) (\(table) row \(id)) holds a text with a NUL that casefile did not write: what follows the NUL is hidden from every reader")
      }
    }
    return nil
  }

  /// The hash at the head of the audit chain: what an export names as the store's state.
  public func auditHead() throws -> String {
    try read { db in try AuditLog.head(db) }
  }

  /// What a backup wrote.
  public struct BackupResult: Sendable, Codable, Equatable {
    public var directory: String
    public var blobsCopied: Int
    public var fsck: FsckReport
  }

  /// Copies the store to an empty or new directory: the database through `VACUUM INTO` (a
  /// consistent snapshot even while another process writes), then every blob, checked against its
  /// hash on the way. The copy is then verified as a store of its own.
  public func backup(to destination: URL) throws -> BackupResult {
    let target = StoreLocation(directory: destination)
    let fm = FileManager.default
    if fm.fileExists(atPath: target.directory.path),
      let contents = try? fm.contentsOfDirectory(atPath: target.directory.path), !contents.isEmpty
    {
      throw CasefileError(.notAllowed, "the backup directory is not empty", location: .init(file: target.directory.path))
    }
    do {
      try fm.createDirectory(at: target.blobsURL, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw CasefileError(.io, "cannot create the backup directory", location: .init(file: target.directory.path))
    }
    do {
      try dbQueue.writeWithoutTransaction { db in
        try db.execute(sql: "VACUUM INTO ?", arguments: [target.databaseURL.path])
      }
    } catch {
      throw Self.map(error, location: location)
    }
    var copied = 0
    let copy = BlobStore(root: target.blobsURL)
    let shas = try read { db in try String.fetchAll(db, sql: "SELECT sha256 FROM blobs ORDER BY id") }
    for sha in shas {
      guard try blobs.check(sha) == .ok else {
        throw CasefileError(.integrity, "blob \(sha) fails its hash check; run 'casefile fsck'")
      }
      let stored = try copy.put(fileAt: blobs.path(for: sha))
      guard stored.sha256 == sha else {
        throw CasefileError(.integrity, "blob \(sha) changed while it was copied")
      }
      copied += 1
    }
    // The signing key goes too: recipients pin its fingerprint, so a restored store must sign
    // with the same key. The copy keeps the private key's mode (0600) in a 0700 folder.
    let keys = SigningKey.Files(store: location)
    if fm.fileExists(atPath: keys.privateKey.path) {
      let copied = SigningKey.Files(store: target)
      do {
        try fm.createDirectory(at: copied.folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fm.copyItem(at: keys.privateKey, to: copied.privateKey)
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: copied.privateKey.path)
        if fm.fileExists(atPath: keys.publicKey.path) { try fm.copyItem(at: keys.publicKey, to: copied.publicKey) }
      } catch {
        throw CasefileError(.io, "cannot copy the signing key into the backup", location: .init(file: copied.folder.path))
      }
    }
    let report = try CaseStore.open(at: target, clock: clock, zone: zone).fsck()
    return BackupResult(directory: target.directory.path, blobsCopied: copied, fsck: report)
  }
}
