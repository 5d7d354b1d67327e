import Foundation
import GRDB
import Testing

@testable import CasefileKit

/// A package's signed audit head anchors the store it came from: a chain rewritten consistently
/// after the export passes plain fsck, but not `fsck --against` that package.
@Suite struct AnchorTests {
  /// The attack: a text changed directly in SQLite, with the triggers dropped, then the row's
  /// audit snapshot and every later audit row's hash recomputed, so that the chain is consistent.
  static func rewriteChain(_ store: CaseStore, evidenceID: Int64, text: String) throws {
    try store.dbQueue.writeWithoutTransaction { db in
      try db.execute(sql: "DROP TRIGGER evidence_no_update; DROP TRIGGER audit_no_update")
      try db.execute(sql: "UPDATE evidence SET text = ? WHERE id = ?", arguments: [text, evidenceID])
      let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM evidence WHERE id = ?", arguments: [evidenceID]))
      try db.execute(
        sql: "UPDATE audit SET snapshot_sha256 = ? WHERE entity = 'evidence' AND entity_id = ?",
        arguments: [Canonical.digest(of: row), evidenceID])
      var prev = AuditLog.genesisHash
      for audit in try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY seq") {
        let hash = AuditLog.rowHash(
          prev: prev, seq: audit["seq"], at: audit["at"], action: audit["action"], entity: audit["entity"],
          entityID: audit["entity_id"], snapshot: audit["snapshot_sha256"])
        try db.execute(sql: "UPDATE audit SET prev_hash = ?, row_hash = ? WHERE seq = ?", arguments: [prev, hash, audit["seq"] as Int64])
        prev = hash
      }
    }
  }

  static func export(_ c: BundleCase, _ profile: ExportProfile, in folder: TempFolder) throws -> URL {
    let url = folder.url("\(profile.rawValue).zip")
    _ = try c.t.store.exportBundle(c.request(profile), to: url)
    return url
  }

  @Test(arguments: [ExportProfile.indemnifier, .platform, .police])
  func aPackageAnchorsTheStoreThatMadeIt(_ profile: ExportProfile) throws {
    let c = try BundleCase()
    let folder = try TempFolder()
    let url = try Self.export(c, profile, in: folder)
    let fresh = try c.t.store.checkAnchor(url)
    #expect(fresh.problems.isEmpty, "\(fresh.problems)")
    #expect(fresh.auditSeq != nil && fresh.itemsMatched == fresh.items && fresh.items > 0)
    // More work after the export leaves the anchor standing.
    _ = try c.t.store.addNote(caseRef: c.ref, text: "later")
    #expect(try c.t.store.checkAnchor(url).problems.isEmpty)
  }

  @Test(arguments: [ExportProfile.indemnifier, .platform, .police])
  func aRewrittenChainPassesFsckButNotFsckAgainstAnEarlierPackage(_ profile: ExportProfile) throws {
    let c = try BundleCase()
    let folder = try TempFolder()
    let url = try Self.export(c, profile, in: folder)
    // E-1, the X message with the screenshot, is in every profile.
    try Self.rewriteChain(c.t.store, evidenceID: 1, text: "Have a nice day.")
    let plain = try c.t.store.fsck()
    #expect(plain.ok, "\(plain.problems)")
    let anchored = try c.t.store.checkAnchor(url)
    #expect(anchored.auditSeq == nil)
    #expect(anchored.problems.contains { $0.kind == .auditChain })
    #expect(anchored.problems.contains { $0.kind == .rowMismatch && $0.table == "evidence" })
    #expect(anchored.itemsMatched == anchored.items - 1)
    // Receiving its own package, the rewritten store refuses it, and stores nothing.
    let before = try c.t.fingerprint()
    let refused = #expect(throws: CasefileError.self) { try c.t.store.receive(url, pin: .none) }
    #expect(refused?.code == .integrity && refused?.message.contains("this store signed the package") == true)
    #expect(try c.t.fingerprint() == before)
  }

  @Test func anotherStoresPackageIsNoAnchor() throws {
    let c = try BundleCase()
    let other = try BundleCase()
    let folder = try TempFolder()
    let url = try Self.export(other, .indemnifier, in: folder)
    let refused = #expect(throws: CasefileError.self) { try c.t.store.checkAnchor(url) }
    #expect(refused?.code == .signatureInvalid)
  }
}

/// Trusted keys: kept in the store, audited, never deleted.
@Suite struct TrustedKeyTests {
  @Test func aTrustedKeyVouchesForTheSignerUntilUntrusted() throws {
    let c = try BundleCase()
    let desk = try TestStore()
    let folder = try TempFolder()
    let url = try AnchorTests.export(c, .indemnifier, in: folder)
    let fingerprint = c.key.publicKey.fingerprint
    #expect(try desk.store.standing(ofSigner: fingerprint) == .unverified)
    #expect(try c.t.store.standing(ofSigner: fingerprint) == .ownKey)
    let rows = try desk.store.fsck().auditRows
    try desk.store.trustKey(fingerprint: fingerprint.uppercased(), name: "Dr A Example")
    #expect(try desk.store.standing(ofSigner: fingerprint) == .trusted(name: "Dr A Example"))
    #expect(try desk.store.trustedKeys().map(\.fingerprint) == [fingerprint])
    let received = try desk.store.receive(url, pin: .none)
    #expect(received.signerProven && received.signer == "trusted" && received.signerName == "Dr A Example")
    try desk.store.untrustKey(fingerprint: fingerprint)
    #expect(try desk.store.standing(ofSigner: fingerprint) == .unverified)
    #expect(try desk.store.trustedKeys().isEmpty)
    let report = try desk.store.fsck()
    #expect(report.ok && report.auditRows > rows)
    // The row stays: untrusting is a change, never a deletion.
    let kept = try desk.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trusted_keys") }
    #expect(kept == 1)
  }
}
