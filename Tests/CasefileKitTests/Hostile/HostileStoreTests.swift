import CasefileKit
import Foundation
import GRDB
import Testing

/// Hostile stores (README.md here is the index): a store directory whose files were damaged or
/// written by something else. casefile says so clearly, changes nothing, and never crashes. The
/// edits of rows, chains and blobs behind casefile's back are in StoreTests and
/// IntegrityCLITests, also listed in the index.
@Suite struct HostileStoreTests {
  /// The cases, as README.md names them, in the order of the tests below.
  static let ids = [
    "store-not-sqlite", "store-truncated-database", "store-from-a-newer-casefile", "store-blob-replaced-by-symlink",
    "store-audit-emptied",
  ]

  /// A store holding one case with one item and an attachment; its files' bytes.
  func seeded() throws -> (TestStore, String) {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Kept", category: .threat, severity: .high).ref
    _ = try t.store.logItem(ItemDraft(
      caseRef: ref, platform: .x, kind: .dm, author: ActorInput(handle: "@a"), occurredAt: try at("2026-11-20 10:00"), text: "kept",
      attachments: [try t.file("s.png", pngBytes)]))
    return (t, ref)
  }

  func open(_ t: TestStore) throws -> CaseStore {
    try CaseStore.open(at: t.store.location, clock: .fixed(TestStore.defaultNow), zone: t.store.zone)
  }

  @Test func storeNotSQLite() throws {
    let (t, _) = try seeded()
    let database = t.store.location.databaseURL
    for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database.path + suffix) }
    let garbage = Data(repeating: 0x5A, count: 8192)
    try garbage.write(to: database)
    let error = #expect(throws: CasefileError.self) { try open(t) }
    #expect(error?.code == .integrity, "\(String(describing: error))")
    #expect(error?.location?.file == database.path)
    #expect(try Data(contentsOf: database) == garbage)
  }

  @Test func storeTruncatedDatabase() throws {
    let (t, _) = try seeded()
    let database = t.store.location.databaseURL
    try DatabaseQueue(path: database.path).writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    let whole = try Data(contentsOf: database)
    try whole.prefix(whole.count / 2).write(to: database)
    // Opening or checking says what is wrong; either way nothing crashes and no row is invented.
    do {
      let store = try open(t)
      let report = try store.fsck()
      #expect(!report.ok)
    } catch let error as CasefileError {
      #expect([.database, .integrity].contains(error.code), "\(error)")
    }
  }

  @Test func storeFromANewerCasefile() throws {
    let (t, _) = try seeded()
    let database = t.store.location.databaseURL
    try DatabaseQueue(path: database.path).write { db in
      try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
    }
    let before = try Data(contentsOf: database)
    let error = #expect(throws: CasefileError.self) { try open(t) }
    #expect(error?.code == .storeTooNew, "\(String(describing: error))")
    #expect(error?.message.contains("newer casefile") == true)
    #expect(try Data(contentsOf: database) == before)
  }

  @Test func storeBlobReplacedBySymlink() throws {
    let (t, ref) = try seeded()
    let sha = try t.store.caseDetail(ref).evidence[0].attachments[0].sha256
    let path = t.store.blobs.path(for: sha)
    try FileManager.default.removeItem(at: path)
    try FileManager.default.createSymbolicLink(atPath: path.path, withDestinationPath: "/etc/hostname")
    let read = #expect(throws: CasefileError.self) { try t.store.blobs.read(sha) }
    #expect(read?.code == .integrity)
    let report = try t.store.fsck()
    #expect(report.problems.map(\.ref) == ["blob \(sha)"])
  }

  @Test func storeAuditTableEmptiedBehindItsBack() throws {
    let (t, _) = try seeded()
    try DatabaseQueue(path: t.store.location.databaseURL.path).write { db in
      try db.execute(sql: "DROP TRIGGER audit_no_delete; DELETE FROM audit")
    }
    let report = try t.store.fsck()
    #expect(!report.ok)
    #expect(report.problems.contains { $0.kind == .rowUnaudited })
  }
}
