import Foundation
import GRDB

extension CaseStore {
  /// Reads one case whole, for an export: the same transaction sees every row, so the audit head
  /// matches what is exported.
  public func bundleContent(caseRef: String) throws -> BundleContent {
    try read { db in
      let (caseID, record) = try Self.findCase(db, ref: caseRef)
      let evidence = try Self.fetchEvidence(db, caseID: caseID, caseRef: record.ref)
      var extra: [String: (thread: String?, direction: String?, recipients: String?, messageID: String?, details: String?)] = [:]
      for row in try Row.fetchAll(
        db, sql: "SELECT id, thread, direction, recipients, platform_message_id, details FROM evidence WHERE case_id = ?",
        arguments: [caseID])
      {
        let id: Int64 = row["id"]
        extra[Refs.make(.evidence, id)] = (row["thread"], row["direction"], row["recipients"], row["platform_message_id"], row["details"])
      }
      var provenance: [String: BundleContent.Provenance] = [:]
      for row in try Row.fetchAll(
        db,
        sql: """
          SELECT evidence_id, format, archive_sha256, entry_path, fragment, fragment_sha256 FROM provenance
          WHERE evidence_id IN (SELECT id FROM evidence WHERE case_id = ?)
          """,
        arguments: [caseID])
      {
        let id: Int64 = row["evidence_id"]
        let fragment: Data = row["fragment"]
        let digest: String = row["fragment_sha256"]
        guard Digest.sha256Hex(fragment) == digest else {
          throw CasefileError(
            .integrity, "the raw fragment of \(Refs.make(.evidence, id)) does not match its SHA-256; run 'casefile fsck'")
        }
        provenance[Refs.make(.evidence, id)] = .init(
          format: row["format"], archiveSha256: row["archive_sha256"], entryPath: row["entry_path"], fragment: fragment,
          fragmentSha256: digest)
      }
      let items = try evidence.map { item -> BundleContent.Item in
        let more = extra[item.ref]
        return BundleContent.Item(
          record: item, thread: more?.thread ?? nil, direction: more?.direction ?? nil,
          recipients: (more?.recipients ?? nil).map { $0.split(separator: "\n").map(String.init) } ?? [],
          platformMessageID: more?.messageID ?? nil, details: try Self.detailPairs(more?.details ?? nil),
          provenance: provenance[item.ref])
      }
      let actorIDs = try Int64.fetchAll(
        db, sql: "SELECT DISTINCT actor_id FROM evidence WHERE case_id = ? AND actor_id IS NOT NULL ORDER BY actor_id",
        arguments: [caseID])
      let notes = try Row.fetchAll(db, sql: "SELECT * FROM notes WHERE case_id = ? ORDER BY id", arguments: [caseID]).map {
        NoteRecord(ref: Refs.make(.note, $0["id"]), text: $0["text"], createdAt: $0["created_at"], confidentiality: .confidential)
      }
      return BundleContent(
        caseRecord: record, profile: try Self.fetchProfile(db), actors: try actorIDs.map { try Self.fetchActor(db, id: $0) },
        items: items, steps: try Self.fetchSteps(db, caseID: caseID), notes: notes, auditHead: try AuditLog.head(db))
    }
  }

  /// An item's details, stored as a canonical JSON object of strings, as name-value pairs in
  /// name order.
  static func detailPairs(_ json: String?) throws -> [(name: String, value: String)] {
    guard let json, !json.isEmpty else { return [] }
    guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
      throw CasefileError(.integrity, "an item's details are not a JSON object")
    }
    return object.keys.sorted().map { ($0, object[$0].map { "\($0)" } ?? "") }
  }
}
