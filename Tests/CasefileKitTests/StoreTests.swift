import CasefileKit
import Foundation
import GRDB
import Testing

@Suite struct StoreTests {
  @Test func writerRunsWithSynchronousFull() throws {
    let t = try TestStore()
    #expect(try t.store.writerSynchronousMode() == 2)
    // And again after reopening, where GRDB's WAL set-up would have left NORMAL.
    #expect(try t.reopened(now: TestStore.defaultNow).writerSynchronousMode() == 2)
  }

  @Test func storeIsPrivate() throws {
    let t = try TestStore()
    let attributes = try FileManager.default.attributesOfItem(atPath: t.store.location.directory.path)
    #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0)
    let db = try FileManager.default.attributesOfItem(atPath: t.store.location.databaseURL.path)
    #expect((db[.posixPermissions] as? Int).map { $0 & 0o077 } == 0)
  }

  @Test func openingAMissingStoreSaysSo() throws {
    let missing = StoreLocation(directory: FileManager.default.temporaryDirectory.appendingPathComponent("nope-\(UUID())"))
    let error = #expect(throws: CasefileError.self) { try CaseStore.open(at: missing) }
    #expect(error?.code == .storeNotFound)
    #expect(error?.exitCode == 66)
  }

  @Test func locationFollowsFlagThenEnvironmentThenXDG() {
    let env = ["CASEFILE_STORE": "/srv/a", "XDG_DATA_HOME": "/home/d/.data", "HOME": "/home/d"]
    #expect(StoreLocation.resolve(explicit: "/x", environment: env).directory.path == "/x")
    #expect(StoreLocation.resolve(explicit: nil, environment: env).directory.path == "/srv/a")
    #expect(StoreLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/home/d/.data"]).directory.path == "/home/d/.data/casefile")
    #expect(StoreLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "relative", "HOME": "/home/d"]).directory.path
      == "/home/d/.local/share/casefile")
    #expect(StoreLocation.resolve(explicit: "~/cases", environment: ["HOME": "/home/d"]).directory.path == "/home/d/cases")
  }

  @Test func evidenceAndAuditRefuseUpdateAndDelete() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "x", category: .harassment, severity: .low).ref
    _ = try t.store.logItem(ItemDraft(caseRef: ref, platform: .sms, kind: .sms, author: nil, occurredAt: try at("2026-11-20 10:00"), text: "a"))
    _ = try t.store.recordStep(caseRef: ref, .ignore(decision: "no"))
    try t.store.addNote(caseRef: ref, text: "n")
    let queue = try DatabaseQueue(path: t.store.location.databaseURL.path)
    for sql in [
      "UPDATE evidence SET text = 'changed'", "DELETE FROM evidence", "UPDATE audit SET at = 'x'", "DELETE FROM audit",
      "UPDATE steps SET details = '{}'", "DELETE FROM notes", "DELETE FROM cases",
    ] {
      #expect(throws: DatabaseError.self, "\(sql) must be refused") { try queue.write { try $0.execute(sql: sql) } }
    }
    #expect(try t.store.fsck().ok)
  }

  @Test func fsckNamesAnEditedEvidenceRow() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "x", category: .harassment, severity: .low).ref
    for text in ["one", "two", "three"] {
      _ = try t.store.logItem(ItemDraft(caseRef: ref, platform: .x, kind: .dm, author: ActorInput(handle: "@a"), occurredAt: try at("2026-11-20 10:00"), text: text))
    }
    #expect(try t.store.fsck().ok)
    let queue = try DatabaseQueue(path: t.store.location.databaseURL.path)
    try queue.write { db in
      try db.execute(sql: "DROP TRIGGER evidence_no_update; UPDATE evidence SET text = 'softened' WHERE id = 2")
    }
    let report = try t.store.fsck()
    #expect(!report.ok)
    #expect(report.problems.first?.ref == "E-2")
    #expect(report.problems.first?.kind == .rowMismatch)
    // The message names the row, never its content.
    #expect(report.problems.first?.message.contains("softened") == false)
    #expect(report.problems.first?.message.contains("two") == false)
  }

  @Test func aNewNullableColumnKeepsOldRowsVerified() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "x", category: .harassment, severity: .low).ref
    _ = try t.store.logItem(ItemDraft(caseRef: ref, platform: .x, kind: .dm, author: nil, occurredAt: try at("2026-11-20 10:00"), text: "t"))
    let queue = try DatabaseQueue(path: t.store.location.databaseURL.path)
    // What a later migration does: add a nullable column to an audited table.
    try queue.write { try $0.execute(sql: "ALTER TABLE evidence ADD COLUMN later_column TEXT") }
    #expect(try t.store.fsck().ok)
    // Setting it outside casefile is still caught.
    try queue.write { try $0.execute(sql: "DROP TRIGGER evidence_no_update; UPDATE evidence SET later_column = 'x'") }
    #expect(try t.store.fsck().problems.first?.ref == "E-1")
  }

  @Test func fsckFindsDeletedSmuggledAndChainBreaks() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "x", category: .harassment, severity: .low).ref
    _ = try t.store.recordStep(caseRef: ref, .ignore(decision: "no"))
    _ = try t.store.recordStep(caseRef: ref, .ignore(decision: "still no"))
    let queue = try DatabaseQueue(path: t.store.location.databaseURL.path)
    try queue.write { db in
      try db.execute(sql: "DROP TRIGGER steps_no_delete; DELETE FROM steps WHERE id = 1")
    }
    #expect(try t.store.fsck().problems.map(\.kind) == [.rowMissing])
    try queue.write { db in
      try db.execute(sql: "INSERT INTO notes (case_id, text, confidential, created_at) VALUES (1, 'planted', 1, 'x')")
    }
    #expect(try t.store.fsck().problems.contains { $0.kind == .rowUnaudited && $0.ref == "N-1" })
    try queue.write { db in
      try db.execute(sql: "DROP TRIGGER audit_no_update; UPDATE audit SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 2")
    }
    let chain = try t.store.fsck().problems.first { $0.kind == .auditChain }
    #expect(chain?.ref == "audit 2")
  }

  @Test func fsckAndReadsCatchAFlippedBlobByte() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "x", category: .harassment, severity: .low).ref
    let item = try t.store.logItem(ItemDraft(
      caseRef: ref, platform: .x, kind: .dm, author: nil, occurredAt: try at("2026-11-20 10:00"),
      attachments: [try t.file("s.png", pngBytes)]))
    let sha = item.attachments[0].sha256
    let path = t.store.blobs.path(for: sha)
    var bytes = try Data(contentsOf: path)
    bytes[3] ^= 0x01
    try bytes.write(to: path)
    let report = try t.store.fsck()
    #expect(report.problems.map(\.ref) == ["blob \(sha)"])
    #expect(report.problems.first?.kind == .blobMismatch)
    let readError = #expect(throws: CasefileError.self) { try t.store.blobs.read(sha) }
    #expect(readError?.code == .integrity)
    try FileManager.default.removeItem(at: path)
    #expect(try t.store.fsck().problems.first?.kind == .blobMissing)
  }

  @Test func failedLogChangesNothing() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "x", category: .harassment, severity: .low).ref
    _ = try t.store.logItem(ItemDraft(caseRef: ref, platform: .x, kind: .dm, author: ActorInput(handle: "@a"), occurredAt: try at("2026-11-20 10:00"), text: "kept"))
    let before = try t.fingerprint()

    let unknownCase = #expect(throws: CasefileError.self) {
      try t.store.logItem(ItemDraft(caseRef: "C-2026-0099", platform: .x, kind: .dm, author: ActorInput(handle: "@new"),
        occurredAt: try at("2026-11-20 10:00"), text: "body", attachments: [try t.file("a.png", pngBytes)]))
    }
    #expect(unknownCase?.code == .caseNotFound)
    #expect(try t.fingerprint() == before)

    let missingFile = #expect(throws: CasefileError.self) {
      try t.store.logItem(ItemDraft(caseRef: ref, platform: .x, kind: .dm, author: ActorInput(handle: "@new"),
        occurredAt: try at("2026-11-20 10:00"), text: "body",
        attachments: [try t.file("b.png", pngBytes + [1]), t.root.appendingPathComponent("absent.png")]))
    }
    #expect(missingFile?.code == .fileNotFound)
    #expect(missingFile?.location?.file?.hasSuffix("absent.png") == true)
    #expect(try t.fingerprint() == before)

    let future = #expect(throws: CasefileError.self) {
      try t.store.logItem(ItemDraft(caseRef: ref, platform: .x, kind: .dm, author: nil, occurredAt: try at("2027-01-01 10:00"), text: "x"))
    }
    #expect(future?.code == .badTime)
    try t.store.closeCase(ref)
    let closedBefore = try t.fingerprint()
    #expect(throws: CasefileError.self) {
      try t.store.logItem(ItemDraft(caseRef: ref, platform: .x, kind: .dm, author: nil, occurredAt: try at("2026-11-20 10:00"), text: "x"))
    }
    #expect(try t.fingerprint() == closedBefore)
  }

  @Test func identicalAttachmentsShareOneBlob() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "x", category: .harassment, severity: .low).ref
    let file = try t.file("same.pdf", Array("%PDF-1.4 synthetic".utf8))
    for _ in 0..<2 {
      let item = try t.store.logItem(ItemDraft(caseRef: ref, platform: .email, kind: .email, author: nil, occurredAt: try at("2026-11-20 10:00"), attachments: [file]))
      #expect(item.attachments.first?.mediaType == "application/pdf")
    }
    let report = try t.store.fsck()
    #expect(report.blobsChecked == 1)
    #expect(report.ok)
  }

  @Test func actorsAreReusedAndFilledIn() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "x", category: .harassment, severity: .low).ref
    let a = try t.store.logItem(ItemDraft(caseRef: ref, platform: .sms, kind: .sms, author: ActorInput(handle: "+353 87 123 4567"), occurredAt: try at("2026-11-20 10:00"), text: "1"))
    let b = try t.store.logItem(ItemDraft(caseRef: ref, platform: .sms, kind: .sms, author: ActorInput(handle: "+353871234567", displayName: "Unknown"), occurredAt: try at("2026-11-20 11:00"), text: "2"))
    #expect(a.authorRef == b.authorRef)
    let other = try t.store.logItem(ItemDraft(caseRef: ref, platform: .x, kind: .dm, author: ActorInput(handle: "+353871234567"), occurredAt: try at("2026-11-20 12:00"), text: "3"))
    #expect(other.authorRef != a.authorRef)
    let actors = try t.store.listActors()
    #expect(actors.count == 2)
    #expect(actors[0].displayName == "Unknown")
    #expect(actors[0].handle == "+353 87 123 4567")
    #expect(try t.store.fsck().ok)
    // A bare handle that exists on two platforms is ambiguous.
    let ambiguous = #expect(throws: CasefileError.self) {
      try t.store.recordStep(caseRef: ref, .block(actors: ["+353871234567"], platform: nil, action: .block))
    }
    #expect(ambiguous?.message.contains("several platforms") == true)
    let block = try t.store.recordStep(caseRef: ref, .block(actors: ["sms:+353 87 123 4567"], platform: .sms, action: .mute))
    #expect(block.details["actors"] == a.authorRef)
  }

  @Test func patientFlagHistoryIsKept() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "x", category: .harassment, severity: .low).ref
    _ = try t.store.logItem(ItemDraft(caseRef: ref, platform: .x, kind: .dm, author: ActorInput(handle: "@p"), occurredAt: try at("2026-11-20 10:00"), text: "t"))
    #expect(try t.store.setPatientFlag(actor: "x:@p", flagged: true).patientFlag)
    #expect(try t.store.setPatientFlag(actor: "A-1", flagged: false).patientFlag == false)
    let error = #expect(throws: CasefileError.self) { try t.store.setPatientFlag(actor: "A-9", flagged: true) }
    #expect(error?.code == .actorNotFound)
    #expect(try t.store.fsck().rowsChecked == 5)  // the case, the actor, the item and both flags
  }

  @Test func backupMakesAVerifiedCopy() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "x", category: .harassment, severity: .low).ref
    _ = try t.store.logItem(ItemDraft(caseRef: ref, platform: .x, kind: .dm, author: nil, occurredAt: try at("2026-11-20 10:00"), attachments: [try t.file("s.png", pngBytes)]))
    let destination = t.root.appendingPathComponent("backup")
    let result = try t.store.backup(to: destination)
    #expect(result.blobsCopied == 1)
    #expect(result.fsck.ok)
    #expect(result.fsck.headHash == (try t.store.auditHead()))
    let copy = try CaseStore.open(at: StoreLocation(directory: destination))
    #expect(try copy.caseDetail(ref).evidence.count == 1)
    #expect(throws: CasefileError.self) { try t.store.backup(to: destination) }
  }
}

@Suite struct HandleKeyTests {
  /// Both paths of handle matching (the ASCII fast path and the general one) agree.
  @Test(arguments: [
    ("@Night_Owl", Platform.x, "night_owl"), ("  @Night_Owl ", .x, "night_owl"), ("+353 87 123 4567", .sms, "+353871234567"),
    ("(087) 123-4567", .whatsapp, "0871234567"), ("@123", .sms, "123"), ("ACME-BANK", .sms, "acme-bank"),
    ("+353 87 123 4567", .x, "+353 87 123 4567"), ("Siobhán Ó Briain", .facebook, "siobhán ó briain"),
    ("\t@Tab\n", .x, "tab"), ("ÉCOLE", .instagram, "école"),
  ])
  func handleKeys(input: String, platform: Platform, expected: String) {
    #expect(CaseStore.handleKey(input, platform: platform) == expected)
  }
}
