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

/// What `casefile fsck --against PACKAGE` found: the store checked as plain fsck does, and the
/// package, signed by this store's key, as an anchor outside the store.
public struct AnchorReport: Sendable, Equatable, Codable {
  public var package: String
  /// The audit head the package carries, signed.
  public var packageAuditHead: String
  /// Where that head stands in this store's chain, when it is there.
  public var auditSeq: Int64?
  public var items: Int
  public var itemsMatched: Int
  public var problems: [FsckProblem]
}

extension CaseStore {
  /// Checks this store against a package it exported: the package must verify with this store's
  /// key, its signed audit head must be a row of this store's audit chain, and each of its items
  /// must be in the store unchanged. A chain rewritten consistently after the export (a text
  /// edited, every digest recomputed) passes plain fsck, but its rows no longer hash to the head
  /// the package carries.
  ///
  /// Items are matched by content (platform, time, author's handle, text, or the original text's
  /// SHA-256 when the package has it, and attachment digests): outgoing platform and police
  /// packages number their items afresh, so their refs are not the store's. An indemnifier
  /// package's refs are the store's, and there the item must be that very row.
  public func checkAnchor(_ url: URL) throws -> AnchorReport {
    let key = try SigningKey.load(from: location)
    let (_, tree) = try BundleVerifier.verify(url, pin: .key(key.publicKey))
    return try checkAnchor(tree, package: url.path)
  }

  func checkAnchor(_ tree: XMLTree, package: String) throws -> AnchorReport {
    let ns = ["b": BundleXML.namespace]
    let head = try tree.node("/b:bundle/b:metadata/b:auditHead", namespaces: ns)?.text ?? ""
    let bundle = try ReceivedBundle(verified: tree)
    let handles = Dictionary(bundle.actors.map { ($0.ref, $0.input.handle) }, uniquingKeysWith: { first, _ in first })
    let byStoreRef = bundle.profile == ExportProfile.indemnifier.rawValue
    return try read { db in
      var problems: [FsckProblem] = []
      let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM audit WHERE row_hash = ?", arguments: [head])
      if seq == nil {
        problems.append(FsckProblem(
          kind: .auditChain, table: "audit", rowID: nil, ref: "audit head \(head.prefix(16))",
          message: "the package's signed audit head \(head) is not in this store's audit chain: the store's history was rewritten after the package was exported"))
      }
      var matched = 0
      for item in bundle.items {
        var sql = """
          SELECT e.id, e.text, a.handle FROM evidence e LEFT JOIN actors a ON a.id = e.actor_id
          WHERE e.platform = ? AND e.occurred_at = ?
          """
        var arguments: StatementArguments = [item.platform.rawValue, item.occurredAt.utc]
        if byStoreRef, let id = try? Refs.parse(item.ref, .evidence) {
          sql += " AND e.id = ?"
          arguments += [id]
        }
        let author = item.author.flatMap { handles[$0] }
        let found = try Row.fetchAll(db, sql: sql, arguments: arguments).contains { row in
          let text = row.text("text")
          if let author, !author.contains("[redacted]"), author != (row["handle"] as String?) { return false }
          if item.textRedacted {
            if let original = item.textOriginalSha256, original != Digest.sha256Hex(Data((text ?? "").utf8)) { return false }
          } else if item.text != text {
            return false
          }
          let id: Int64 = row["id"]
          let stored = Set(try String.fetchAll(db, sql: "SELECT blob_sha256 FROM attachments WHERE evidence_id = ?", arguments: [id]))
          // A cleaned copy is anchored by the original it was made from.
          return item.attachments.allSatisfy { stored.contains($0.originalSha256 ?? $0.sha256) }
        }
        if found {
          matched += 1
        } else {
          problems.append(FsckProblem(
            kind: .rowMismatch, table: "evidence", rowID: nil, ref: item.ref,
            message: "the package's item \(item.ref) (\(item.platform.rawValue), \(item.occurredAt.utc)) is not in this store as the package has it: it was changed or removed after the export"))
        }
      }
      return AnchorReport(
        package: package, packageAuditHead: head, auditSeq: seq, items: bundle.items.count, itemsMatched: matched,
        problems: problems)
    }
  }
}
