import Foundation
import GRDB

extension CaseStore {
  /// Opens a new case with the next reference of the current year: `C-2026-0001`, `C-2026-0002`...
  public func openCase(title: String, category: CaseCategory, severity: Severity) throws -> CaseRecord {
    let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { throw CasefileError(.badValue, "a case needs a title") }
    let year = CalendarDay.on(clock.now(), in: zone).year
    return try write { db, context in
      let seq = (try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM cases WHERE year = ?", arguments: [year]) ?? 0) + 1
      let ref = String(format: "C-%04d-%04d", year, seq)
      _ = try context.insert(db, "cases", [
        ("ref", ref), ("year", year), ("seq", seq), ("title", trimmed),
        ("category", category.rawValue), ("severity", severity.rawValue),
        ("status", CaseStatus.open.rawValue), ("opened_at", context.at), ("closed_at", nil),
      ])
      return try Self.fetchCase(db, ref: ref)
    }
  }

  /// Closes a case. Its evidence stays; a closed case takes no new steps until reopened.
  @discardableResult
  public func closeCase(_ ref: String) throws -> CaseRecord {
    try setStatus(ref, .closed)
  }

  /// Reopens a closed case.
  @discardableResult
  public func reopenCase(_ ref: String) throws -> CaseRecord {
    try setStatus(ref, .open)
  }

  private func setStatus(_ ref: String, _ status: CaseStatus) throws -> CaseRecord {
    try write { db, context in
      let (id, record) = try Self.findCase(db, ref: ref)
      guard record.status != status else {
        throw CasefileError(.notAllowed, "\(record.ref) is already \(status.rawValue)")
      }
      try context.update(db, "cases", id: id, [
        ("status", status.rawValue), ("closed_at", status == .closed ? context.at : nil),
      ])
      return try Self.fetchCase(db, ref: record.ref)
    }
  }

  /// Every case, newest first, optionally only those with one status.
  public func listCases(status: CaseStatus? = nil) throws -> [CaseSummary] {
    try read { db in
      var sql = "SELECT * FROM cases"
      var arguments: StatementArguments = []
      if let status {
        sql += " WHERE status = ?"
        arguments = [status.rawValue]
      }
      sql += " ORDER BY year DESC, seq DESC"
      return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
        let id: Int64 = row["id"]
        let record = try Self.caseRecord(row)
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM evidence WHERE case_id = ?", arguments: [id]) ?? 0
        let events = try Self.fetchSteps(db, caseID: id)
        let last = try String.fetchOne(
          db,
          sql: """
            SELECT MAX(at) FROM (
              SELECT captured_at AS at FROM evidence WHERE case_id = ?
              UNION ALL SELECT recorded_at FROM steps WHERE case_id = ?
              UNION ALL SELECT opened_at FROM cases WHERE id = ?
              UNION ALL SELECT closed_at FROM cases WHERE id = ?)
            """,
          arguments: [id, id, id, id]) ?? record.openedAt
        let recommendation = Ladder.recommend(category: record.category, status: record.status, events: events)
        return CaseSummary(
          case: record, evidenceCount: count, lastActivity: last,
          nextStep: recommendation.step?.rawValue ?? recommendation.kind.rawValue)
      }
    }
  }

  /// Everything about one case: actors, evidence, timeline, notes and the next step.
  public func caseDetail(_ ref: String) throws -> CaseDetail {
    try read { db in
      let (id, record) = try Self.findCase(db, ref: ref)
      let evidence = try Self.fetchEvidence(db, caseID: id, caseRef: record.ref)
      let actorIDs = try Int64.fetchAll(
        db,
        sql: "SELECT DISTINCT actor_id FROM evidence WHERE case_id = ? AND actor_id IS NOT NULL ORDER BY actor_id",
        arguments: [id])
      let actors = try actorIDs.map { try Self.fetchActor(db, id: $0) }
      let events = try Self.fetchSteps(db, caseID: id)
      let notes = try Row.fetchAll(db, sql: "SELECT * FROM notes WHERE case_id = ? ORDER BY id", arguments: [id]).map {
        NoteRecord(
          ref: Refs.make(.note, $0["id"]), text: $0["text"], createdAt: $0["created_at"],
          confidentiality: .confidential)
      }
      return CaseDetail(
        case: record, actors: actors, evidence: evidence, timeline: events, notes: notes,
        recommendation: Ladder.recommend(category: record.category, status: record.status, events: events))
    }
  }

  // MARK: - Row readers

  static func findCase(_ db: Database, ref: String) throws -> (Int64, CaseRecord) {
    let normalized = try Refs.parseCase(ref)
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM cases WHERE ref = ?", arguments: [normalized]) else {
      throw CasefileError(.caseNotFound, "no case '\(ref)'; 'casefile case list' shows the cases")
    }
    return (row["id"], try caseRecord(row))
  }

  static func fetchCase(_ db: Database, ref: String) throws -> CaseRecord {
    try findCase(db, ref: ref).1
  }

  static func caseRecord(_ row: Row) throws -> CaseRecord {
    CaseRecord(
      ref: row["ref"], title: row["title"], category: try CaseCategory.parse(row["category"]),
      severity: try Severity.parse(row["severity"]), status: try CaseStatus.parse(row["status"]),
      openedAt: row["opened_at"], closedAt: row["closed_at"])
  }
}
