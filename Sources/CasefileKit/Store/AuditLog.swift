import Crypto
import Foundation
import GRDB

/// What one write transaction remembers between audit rows.
///
/// The head of the chain can be kept because every audit row is written by
/// ``AuditLog/record(_:_:table:id:at:cache:)`` and a write transaction holds the store's write
/// lock: no other row can be appended in between. (A transaction that rolled back part of its
/// work with a savepoint would have to drop it; casefile uses none.)
final class AuditCache {
  var head: (seq: Int64, hash: String)?
  private var layouts: [String: Canonical.Layout] = [:]

  /// The canonical column order of `table`'s rows, worked out once per transaction.
  func layout(for table: String, columns: [String]) -> Canonical.Layout {
    if let layout = layouts[table], layout.columns == columns { return layout }
    let layout = Canonical.Layout(columns: columns)
    layouts[table] = layout
    return layout
  }
}

/// The append-only, hash-chained log of every change to the store.
///
/// Each audit row names one table row and holds the SHA-256 of that row's canonical text after the
/// change (``Canonical``). Rows are chained: `row_hash = SHA-256(prev_hash || canonical audit row)`,
/// where `prev_hash` is the previous row's hash as 32 raw bytes and the first row's is all zeros.
/// The log never holds message bodies or notes, only digests of them.
enum AuditLog {
  enum Action: String {
    case insert, update
  }

  static let genesisHash = String(repeating: "0", count: 64)

  /// Appends the audit row for a row that was just inserted or changed, inside the caller's
  /// write transaction. `cache` belongs to that transaction (``WriteContext``): it keeps the
  /// head of the chain and each table's column order, which an import of thousands of messages
  /// would otherwise look up again for every row.
  static func record(
    _ db: Database, _ action: Action, table: String, id: Int64, at: String, cache: AuditCache? = nil
  ) throws {
    let select = try db.cachedStatement(sql: "SELECT * FROM \(table) WHERE id = ?")
    guard let row = try Row.fetchOne(select, arguments: [id]) else {
      throw CasefileError(.internalError, "\(table) row \(id) vanished before it could be audited")
    }
    let snapshot: String
    if let cache {
      snapshot = Canonical.digest(of: row, layout: cache.layout(for: table, columns: select.columnNames))
    } else {
      snapshot = Canonical.digest(of: row)
    }
    let seq: Int64
    let prev: String
    if let head = cache?.head {
      (seq, prev) = (head.seq + 1, head.hash)
    } else {
      let head = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, row_hash FROM audit ORDER BY seq DESC LIMIT 1"))
      seq = (head?["seq"] ?? 0) + 1
      prev = head?["row_hash"] ?? genesisHash
    }
    let hash = rowHash(
      prev: prev, seq: seq, at: at, action: action.rawValue, entity: table, entityID: id,
      snapshot: snapshot)
    do {
      try db.cachedStatement(
        sql: """
          INSERT INTO audit (seq, at, action, entity, entity_id, snapshot_sha256, prev_hash, row_hash)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          """
      ).execute(arguments: [seq, at, action.rawValue, table, id, snapshot, prev, hash])
    } catch {
      cache?.head = nil
      throw error
    }
    cache?.head = (seq, hash)
  }

  /// The hash of one audit row, chained to the previous one.
  static func rowHash(
    prev: String, seq: Int64, at: String, action: String, entity: String, entityID: Int64,
    snapshot: String
  ) -> String {
    let canonical = Canonical.object([
      ("seq", .int(seq)), ("at", .text(at)), ("action", .text(action)), ("entity", .text(entity)),
      ("entity_id", .int(entityID)), ("snapshot_sha256", .text(snapshot)), ("prev_hash", .text(prev)),
    ])
    var hasher = SHA256()
    hasher.update(data: Digest.bytes(fromHex: prev) ?? Array(prev.utf8))
    hasher.update(data: Array(canonical.utf8))
    return Digest.hex(hasher.finalize())
  }

  /// The hash of the newest audit row: the head of the chain.
  static func head(_ db: Database) throws -> String {
    try String.fetchOne(db, sql: "SELECT row_hash FROM audit ORDER BY seq DESC LIMIT 1") ?? genesisHash
  }

  /// Walks the chain from the first row, and reports the first row that breaks it.
  static func verifyChain(_ db: Database) throws -> (count: Int, head: String, problem: FsckProblem?) {
    var expectedSeq: Int64 = 1
    var prev = genesisHash
    let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit ORDER BY seq")
    while let row = try rows.next() {
      let seq: Int64 = row["seq"]
      let hash: String = row["row_hash"]
      if seq != expectedSeq {
        return (
          Int(expectedSeq - 1), prev,
          FsckProblem(
            kind: .auditChain, table: "audit", rowID: expectedSeq, ref: "audit \(expectedSeq)",
            message: "audit row \(expectedSeq) is missing (the next row is \(seq))")
        )
      }
      let storedPrev: String = row["prev_hash"]
      let recomputed = rowHash(
        prev: storedPrev, seq: seq, at: row["at"], action: row["action"], entity: row["entity"],
        entityID: row["entity_id"], snapshot: row["snapshot_sha256"])
      if storedPrev != prev || recomputed != hash {
        return (
          Int(seq - 1), prev,
          FsckProblem(
            kind: .auditChain, table: "audit", rowID: seq, ref: "audit \(seq)",
            message: storedPrev != prev
              ? "audit row \(seq) does not follow the row before it (broken chain)"
              : "audit row \(seq) does not match its hash (edited)")
        )
      }
      prev = hash
      expectedSeq += 1
    }
    return (Int(expectedSeq - 1), prev, nil)
  }

  /// Compares every row of `table` with its newest audit record, streaming, and reports the first
  /// row that differs, was never audited, or has disappeared.
  static func verifyTable(_ db: Database, _ table: String, appendOnly: Bool) throws -> (
    count: Int, problem: FsckProblem?
  ) {
    var count = 0
    let rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT t.*,
          (SELECT a.snapshot_sha256 FROM audit a WHERE a.entity = ? AND a.entity_id = t.id
            ORDER BY a.seq DESC LIMIT 1) AS __audit_snapshot,
          (SELECT COUNT(*) FROM audit a WHERE a.entity = ? AND a.entity_id = t.id
            AND a.action = 'update') AS __audit_updates
        FROM \(table) t ORDER BY t.id
        """,
      arguments: [table, table])
    while let full = try rows.next() {
      count += 1
      let id: Int64 = full["id"]
      let audited: String? = full["__audit_snapshot"]
      let updates: Int = full["__audit_updates"]
      // Names the row (only once something is wrong: naming a case or a blob costs a query).
      func problem(_ kind: FsckProblem.Kind, _ what: String) throws -> (count: Int, problem: FsckProblem?) {
        let ref = try Refs.name(of: table, id: id, in: db)
        return (count, FsckProblem(kind: kind, table: table, rowID: id, ref: ref, message: "\(ref) (\(table) row \(id)) \(what)"))
      }
      guard let audited else {
        return try problem(.rowUnaudited, "has no audit record: it was added outside casefile")
      }
      if appendOnly && updates > 0 {
        return try problem(.rowMismatch, "is append-only but the audit log records a change to it")
      }
      if Canonical.digest(of: full, skippingPrefix: "__audit_") != audited {
        return try problem(.rowMismatch, "does not match its audit record: it was changed outside casefile")
      }
    }
    if let missing = try Int64.fetchOne(
      db,
      sql: """
        SELECT entity_id FROM audit WHERE entity = ?
          AND entity_id NOT IN (SELECT id FROM \(table)) ORDER BY seq LIMIT 1
        """,
      arguments: [table])
    {
      return (count, FsckProblem(
        kind: .rowMissing, table: table, rowID: missing, ref: "\(table) row \(missing)",
        message: "\(table) row \(missing) is in the audit log but no longer in the store: it was deleted"))
    }
    return (count, nil)
  }
}
