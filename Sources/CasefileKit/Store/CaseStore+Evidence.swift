import Foundation
import GRDB

extension CaseStore {
  /// Records one abusive message by hand, with its attachments, in one transaction.
  ///
  /// The author becomes an actor of the store, created on first sight and reused afterwards.
  /// Attachments are copied into the blob store; if anything fails, nothing is kept.
  public func logItem(_ draft: ItemDraft) throws -> EvidenceItem {
    let text = draft.text.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
    let url = draft.url.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
    guard text != nil || url != nil || !draft.attachments.isEmpty else {
      throw CasefileError(.usage, "nothing to log: give --text (or the text on stdin), --url or --attach")
    }
    // Check every attachment before touching the store.
    for file in draft.attachments {
      try FileHandleReader(url: file, role: "attachment").close()
    }
    let now = clock.now()
    guard draft.occurredAt.utc <= now.addingTimeInterval(300) else {
      throw CasefileError(.badTime, "'\(draft.occurredAt.original)' is in the future")
    }
    // No online message is older than 1970: such a time is a mistyped year.
    guard draft.occurredAt.utc >= Date(timeIntervalSince1970: 0) else {
      throw CasefileError(.badTime, "'\(draft.occurredAt.original)' is before 1970; check the year")
    }
    return try write { db, context in
      let (caseID, record) = try Self.findCase(db, ref: draft.caseRef)
      guard record.status == .open else {
        throw CasefileError(.notAllowed, "\(record.ref) is closed; reopen it to log more evidence")
      }
      let actorID = try draft.author.map { try Self.upsertActor(db, &context, platform: draft.platform, input: $0) }
      let itemID = try context.insert(db, "evidence", [
        ("case_id", caseID), ("platform", draft.platform.rawValue), ("kind", draft.kind.rawValue),
        ("actor_id", actorID), ("occurred_at", UTCStamp.format(draft.occurredAt.utc)),
        ("occurred_at_text", draft.occurredAt.original), ("occurred_zone", draft.occurredAt.zone),
        ("zone_source", draft.occurredAt.zoneSource.rawValue), ("url", url), ("text", text),
        ("captured_at", context.at), ("capture_method", CaptureMethod.manual.rawValue),
      ])
      for file in draft.attachments {
        try attach(db, &context, evidenceID: itemID, file: file)
      }
      return try Self.fetchEvidence(db, caseID: caseID, caseRef: record.ref, onlyID: itemID)[0]
    }
  }

  /// Stores one file as a blob and links it to an evidence item.
  func attach(_ db: Database, _ context: inout WriteContext, evidenceID: Int64, file: URL) throws {
    let stored = try blobs.put(fileAt: file)
    try recordBlob(stored, db: db, context: &context)
    _ = try context.insert(db, "attachments", [
      ("evidence_id", evidenceID), ("blob_sha256", stored.sha256), ("file_name", file.lastPathComponent),
      ("media_type", MediaType.detect(file: file)), ("size", stored.size), ("created_at", context.at),
    ])
  }

  // MARK: - Actors

  /// Every actor in the store.
  public func listActors() throws -> [ActorRecord] {
    try read { db in
      try Int64.fetchAll(db, sql: "SELECT id FROM actors ORDER BY id").map { try Self.fetchActor(db, id: $0) }
    }
  }

  /// Marks an actor as being, or possibly being, a patient, or clears that mark. The mark is
  /// confidential and kept as an append-only history.
  @discardableResult
  public func setPatientFlag(actor reference: String, flagged: Bool) throws -> ActorRecord {
    try write { db, context in
      let id = try Self.resolveActor(db, reference, caseID: nil)
      _ = try context.insert(db, "patient_flags", [
        ("actor_id", id), ("flagged", flagged ? 1 : 0), ("confidential", 1), ("created_at", context.at),
      ])
      return try Self.fetchActor(db, id: id)
    }
  }

  /// Finds an actor by `A-3`, `platform:handle`, or, within a case, a handle that is unique there.
  static func resolveActor(_ db: Database, _ reference: String, caseID: Int64?) throws -> Int64 {
    let text = reference.trimmingCharacters(in: .whitespaces)
    // `A-` and something number-like but malformed (`A--3`, `A-03`, `A-+3`) is a mistyped
    // reference, not a handle: refuse it rather than look for an account of that name.
    if text.uppercased().hasPrefix("A-"), text.dropFirst(2).allSatisfy({ "+-0123456789 ".contains($0) }) {
      _ = try Refs.parse(text, .actor)
    }
    if text.uppercased().hasPrefix("A-"), let id = try? Refs.parse(text, .actor) {
      guard try Bool.fetchOne(db, sql: "SELECT 1 FROM actors WHERE id = ?", arguments: [id]) == true else {
        throw CasefileError(.actorNotFound, "no actor \(Refs.make(.actor, id))")
      }
      return id
    }
    if let colon = text.firstIndex(of: ":"), let platform = Platform(rawValue: String(text[..<colon]).lowercased()) {
      let handle = String(text[text.index(after: colon)...])
      guard let id = try Int64.fetchOne(
        db, sql: "SELECT id FROM actors WHERE platform = ? AND handle_key = ?",
        arguments: [platform.rawValue, StoredText.bindable(handleKey(handle, platform: platform))])
      else { throw CasefileError(.actorNotFound, "no actor \(handle) on \(platform.rawValue)") }
      return id
    }
    var sql = "SELECT id, platform, handle_key FROM actors"
    var arguments: StatementArguments = []
    if let caseID {
      sql += " WHERE id IN (SELECT actor_id FROM evidence WHERE case_id = ?)"
      arguments = [caseID]
    }
    let matches = try Row.fetchAll(db, sql: sql, arguments: arguments).filter { row in
      row.text("handle_key") == handleKey(text, platform: Platform(rawValue: row["platform"]) ?? .other)
    }
    guard matches.count == 1 else {
      throw CasefileError(
        matches.isEmpty ? .actorNotFound : .badValue,
        matches.isEmpty
          ? "no actor '\(text)'\(caseID == nil ? "" : " in this case")"
          : "'\(text)' names actors on several platforms; write it as platform:handle or A-<n>")
    }
    return matches[0]["id"]
  }

  /// Creates the actor for a handle, or reuses it and fills in details it did not have yet.
  static func upsertActor(_ db: Database, _ context: inout WriteContext, platform: Platform, input: ActorInput) throws -> Int64 {
    let handle = input.handle.trimmingCharacters(in: .whitespaces)
    guard !handle.isEmpty else { throw CasefileError(.badValue, "the author's handle is empty") }
    let key = handleKey(handle, platform: platform)
    // Cached: an import asks this once for every message it stores.
    let find = try db.cachedStatement(sql: "SELECT * FROM actors WHERE platform = ? AND handle_key = ?")
    if let row = try Row.fetchOne(find, arguments: [platform.rawValue, StoredText.bindable(key)]) {
      let id: Int64 = row["id"]
      var fill: [(String, (any DatabaseValueConvertible)?)] = []
      for (column, value) in [
        ("display_name", input.displayName), ("profile_url", input.profileURL), ("platform_user_id", input.platformUserID),
      ] {
        if let value, !value.isEmpty, (row[column] as String?) == nil { fill.append((column, value)) }
      }
      if !fill.isEmpty { try context.update(db, "actors", id: id, fill) }
      return id
    }
    return try context.insert(db, "actors", [
      ("platform", platform.rawValue), ("handle", handle), ("handle_key", key),
      ("display_name", input.displayName), ("profile_url", input.profileURL),
      ("platform_user_id", input.platformUserID), ("created_at", context.at),
    ])
  }

  /// The form of a handle used to recognise the same account: no leading `@`, lower case, and
  /// phone numbers without spaces or punctuation.
  public static func handleKey(_ handle: String, platform: Platform) -> String {
    if let fast = asciiHandleKey(handle, platform: platform) { return fast }
    var key = handle.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    if key.hasPrefix("@") { key.removeFirst() }
    let phoneCharacters = Set("+0123456789 ()-.")
    if [.sms, .whatsapp, .telegram].contains(platform), key.allSatisfy(phoneCharacters.contains),
      key.contains(where: \.isNumber)
    {
      key = key.filter { $0 == "+" || $0.isNumber }
    }
    return key
  }

  /// ``handleKey(_:platform:)`` for pure ASCII handles, on bytes: imports call it for every
  /// message. Returns nil for anything else, which takes the general path.
  private static func asciiHandleKey(_ handle: String, platform: Platform) -> String? {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(handle.utf8.count)
    for byte in handle.utf8 {
      // Tabs and newlines are trimmed by the general path too; leave them to it.
      guard byte < 0x80, byte != 9, byte != 10, byte != 13 else { return nil }
      bytes.append((65...90).contains(byte) ? byte + 32 : byte)
    }
    var start = 0
    var end = bytes.count
    while start < end && bytes[start] == 32 { start += 1 }
    while end > start && bytes[end - 1] == 32 { end -= 1 }
    if start < end && bytes[start] == UInt8(ascii: "@") { start += 1 }
    let key = bytes[start..<end]
    let phoneBytes = Array("+0123456789 ()-.".utf8)
    if [.sms, .whatsapp, .telegram].contains(platform), key.allSatisfy(phoneBytes.contains),
      key.contains(where: { (48...57).contains($0) })
    {
      return String(decoding: key.filter { $0 == UInt8(ascii: "+") || (48...57).contains($0) }, as: UTF8.self)
    }
    return String(decoding: key, as: UTF8.self)
  }

  static func fetchActor(_ db: Database, id: Int64) throws -> ActorRecord {
    // Cached statements: a case's actors are read one by one, thousands of them in a big case.
    guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM actors WHERE id = ?"), arguments: [id]) else {
      throw CasefileError(.actorNotFound, "no actor \(Refs.make(.actor, id))")
    }
    let flagged = try Int.fetchOne(
      db.cachedStatement(sql: "SELECT flagged FROM patient_flags WHERE actor_id = ? ORDER BY id DESC LIMIT 1"), arguments: [id])
    return ActorRecord(
      ref: Refs.make(.actor, id), platform: try Platform.parse(row["platform"]), handle: row["handle"],
      displayName: row["display_name"], profileUrl: row["profile_url"], platformUserId: row["platform_user_id"],
      patientFlag: flagged == 1, createdAt: row["created_at"])
  }

  // MARK: - Notes

  /// Adds a private, confidential note to a case.
  @discardableResult
  public func addNote(caseRef: String, text: String) throws -> NoteRecord {
    guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw CasefileError(.usage, "the note is empty")
    }
    return try write { db, context in
      let (caseID, _) = try Self.findCase(db, ref: caseRef)
      let id = try context.insert(db, "notes", [
        ("case_id", caseID), ("text", text), ("confidential", 1), ("created_at", context.at),
      ])
      return NoteRecord(ref: Refs.make(.note, id), text: text, createdAt: context.at, confidentiality: .confidential)
    }
  }

  // MARK: - Evidence readers

  static func fetchEvidence(_ db: Database, caseID: Int64, caseRef: String, onlyID: Int64? = nil) throws -> [EvidenceItem] {
    var sql = """
      SELECT e.*, a.handle AS author_handle FROM evidence e
      LEFT JOIN actors a ON a.id = e.actor_id WHERE e.case_id = ?
      """
    var arguments: StatementArguments = [caseID]
    if let onlyID {
      sql += " AND e.id = ?"
      arguments += [onlyID]
    }
    sql += " ORDER BY e.occurred_at, e.id"
    var attachments: [Int64: [AttachmentRecord]] = [:]
    let attachmentRows =
      try onlyID.map {
        try Row.fetchAll(db, sql: "SELECT * FROM attachments WHERE evidence_id = ? ORDER BY id", arguments: [$0])
      }
      ?? Row.fetchAll(
        db,
        sql: """
          SELECT * FROM attachments WHERE evidence_id IN (SELECT id FROM evidence WHERE case_id = ?)
          ORDER BY id
          """,
        arguments: [caseID])
    for row in attachmentRows {
      attachments[row["evidence_id"], default: []].append(
        AttachmentRecord(fileName: row["file_name"], mediaType: row["media_type"], size: row["size"], sha256: row["blob_sha256"]))
    }
    // Columns are looked up by name once, not for every row: a case can hold 100,000 items.
    let statement = try db.makeStatement(sql: sql)
    func column(_ name: String) throws -> Int {
      guard let index = statement.index(ofColumn: name) else {
        throw CasefileError(.internalError, "the evidence query has no column \(name)")
      }
      return index
    }
    let (idColumn, actorColumn, platformColumn, kindColumn, handleColumn) = (
      try column("id"), try column("actor_id"), try column("platform"), try column("kind"), try column("author_handle")
    )
    let (occurredColumn, occurredTextColumn, zoneColumn, zoneSourceColumn) = (
      try column("occurred_at"), try column("occurred_at_text"), try column("occurred_zone"), try column("zone_source")
    )
    let (urlColumn, textColumn, capturedColumn, methodColumn) = (
      try column("url"), try column("text"), try column("captured_at"), try column("capture_method")
    )
    var items: [EvidenceItem] = []
    let rows = try Row.fetchCursor(statement, arguments: arguments)
    while let row = try rows.next() {
      let id: Int64 = row[idColumn]
      let actorID: Int64? = row[actorColumn]
      items.append(EvidenceItem(
        ref: Refs.make(.evidence, id), caseRef: caseRef, platform: try Platform.parse(row[platformColumn]),
        kind: try ItemKind.parse(row[kindColumn]), authorRef: actorID.map { Refs.make(.actor, $0) },
        authorHandle: row.text(handleColumn), occurredAt: row[occurredColumn], occurredAtText: row[occurredTextColumn],
        occurredZone: row[zoneColumn],
        zoneSource: OccurredAt.ZoneSource(rawValue: row[zoneSourceColumn]) ?? .assumed,
        url: row.text(urlColumn), text: row.text(textColumn), capturedAt: row[capturedColumn],
        captureMethod: try CaptureMethod.parse(row[methodColumn]), attachments: attachments[id] ?? []))
    }
    return items
  }
}
