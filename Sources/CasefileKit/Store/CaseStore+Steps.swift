import Foundation
import GRDB

extension CaseStore {
  /// Records one step of the ladder on a case. Steps may repeat.
  public func recordStep(caseRef: String, _ input: StepInput, on day: CalendarDay? = nil) throws -> StepRecord {
    let day = try checkedDay(day)
    return try write { db, context in
      let (caseID, record) = try Self.findCase(db, ref: caseRef)
      try Ladder.checkStep(input.step, status: record.status, caseRef: record.ref)
      return try Self.insertEvent(
        db, context, caseID: caseID, kind: input.step.rawValue, on: day,
        details: Self.details(of: input, db: db, caseID: caseID), refersTo: nil,
        confidentiality: input.step.confidentiality)
    }
  }

  /// Records what a platform answered to a report. Without `report`, the case's only live report
  /// is used.
  public func recordOutcome(
    caseRef: String, report reportRef: String?, outcome: ReportOutcome, on day: CalendarDay? = nil, note: String? = nil
  ) throws -> StepRecord {
    let day = try checkedDay(day)
    return try write { db, context in
      let (caseID, record) = try Self.findCase(db, ref: caseRef)
      let events = try Self.fetchSteps(db, caseID: caseID)
      let report: StepRecord
      if let reportRef {
        let id = try Refs.parse(reportRef, .step)
        guard let found = events.first(where: { $0.ref == Refs.make(.step, id) }) else {
          throw CasefileError(.stepNotFound, "\(record.ref) has no step \(Refs.make(.step, id))")
        }
        report = found
      } else {
        let live = events.filter { $0.kind == Ladder.Step.report.rawValue && $0.retractedBy == nil }
        guard live.count == 1 else {
          throw CasefileError(
            live.isEmpty ? .stepNotFound : .usage,
            live.isEmpty
              ? "\(record.ref) has no report yet; record one with 'casefile step report'"
              : "\(record.ref) has several reports (\(live.map(\.ref).joined(separator: ", "))); name one with --report")
        }
        report = live[0]
      }
      try Ladder.checkOutcome(outcome, report: report, on: day, events: events, status: record.status, caseRef: record.ref)
      var details = ["outcome": outcome.rawValue]
      if let note = note?.trimmingCharacters(in: .whitespacesAndNewlines), !note.isEmpty { details["note"] = note }
      return try Self.insertEvent(
        db, context, caseID: caseID, kind: "outcome", on: day, details: details,
        refersTo: Refs.parse(report.ref, .step), confidentiality: .shareable)
    }
  }

  /// Withdraws a step or outcome entered by mistake. Nothing is deleted: the retraction is a new
  /// event that points at the old one.
  public func retract(caseRef: String, step stepRef: String, reason: String) throws -> StepRecord {
    let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !reason.isEmpty else { throw CasefileError(.usage, "say why the step is retracted (--reason)") }
    let today = CalendarDay.on(clock.now(), in: zone)
    return try write { db, context in
      let (caseID, record) = try Self.findCase(db, ref: caseRef)
      let id = try Refs.parse(stepRef, .step)
      let events = try Self.fetchSteps(db, caseID: caseID)
      guard let target = events.first(where: { $0.ref == Refs.make(.step, id) }) else {
        throw CasefileError(.stepNotFound, "\(record.ref) has no step \(Refs.make(.step, id))")
      }
      try Ladder.checkRetraction(target, caseRef: record.ref)
      return try Self.insertEvent(
        db, context, caseID: caseID, kind: "retraction", on: today, details: ["reason": reason], refersTo: id,
        confidentiality: target.confidentiality)
    }
  }

  /// Appends one ladder event (a step, an outcome or a retraction) and returns it as read back.
  static func insertEvent(
    _ db: Database, _ context: WriteContext, caseID: Int64, kind: String, on day: CalendarDay,
    details: [String: String], refersTo: Int64?, confidentiality: Confidentiality
  ) throws -> StepRecord {
    let id = try context.insert(db, "steps", [
      ("case_id", caseID), ("kind", kind), ("on_date", day.description),
      ("details", Canonical.object(details.map { ($0.key, .text($0.value)) })), ("refers_to", refersTo),
      ("confidential", confidentiality == .confidential ? 1 : 0), ("recorded_at", context.at),
    ])
    let ref = Refs.make(.step, id)
    guard let event = try fetchSteps(db, caseID: caseID).first(where: { $0.ref == ref }) else {
      throw CasefileError(.internalError, "\(ref) vanished after it was written")
    }
    return event
  }

  /// The day of a step: today when none is given; never a day in the future.
  private func checkedDay(_ day: CalendarDay?) throws -> CalendarDay {
    let today = CalendarDay.on(clock.now(), in: zone)
    guard let day else { return today }
    guard day <= today else { throw CasefileError(.badTime, "\(day) is in the future") }
    return day
  }

  /// The stored fields of a step, after resolving defaults from the case and the profile.
  private static func details(of input: StepInput, db: Database, caseID: Int64) throws -> [String: String] {
    func clean(_ text: String?) -> String? {
      guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
      return text
    }
    var details: [String: String] = [:]
    switch input {
    case .ignore(let decision):
      details["decision"] = clean(decision) ?? "Not replying"
    case .block(let actors, let platform, let action):
      var ids: [Int64]
      if actors.isEmpty {
        ids = try Int64.fetchAll(
          db, sql: "SELECT DISTINCT actor_id FROM evidence WHERE case_id = ? AND actor_id IS NOT NULL ORDER BY actor_id",
          arguments: [caseID])
        guard !ids.isEmpty else {
          throw CasefileError(.usage, "this case has no known author yet; name the account with --actor")
        }
      } else {
        ids = try actors.map { try resolveActor(db, $0, caseID: caseID) }
      }
      let records = try ids.map { try fetchActor(db, id: $0) }
      let platforms = Set(records.map(\.platform))
      if let platform, !platforms.isSubset(of: [platform]) {
        throw CasefileError(.badValue, "the accounts named are not all on \(platform.rawValue)")
      }
      details["actors"] = records.map(\.ref).joined(separator: ",")
      details["handles"] = records.map(\.handle).joined(separator: ",")
      details["platform"] = (platform ?? records[0].platform).rawValue
      if platform == nil && platforms.count > 1 {
        details["platform"] = platforms.map(\.rawValue).sorted().joined(separator: ",")
      }
      details["action"] = action.rawValue
    case .report(let platform, let reference, let policy, let channel):
      let resolved = try platform ?? {
        let used = try String.fetchAll(db, sql: "SELECT DISTINCT platform FROM evidence WHERE case_id = ?", arguments: [caseID])
        guard used.count == 1, let only = Platform(rawValue: used[0]) else {
          throw CasefileError(.usage, "say which platform the report went to (--platform)")
        }
        return only
      }()
      details["platform"] = resolved.rawValue
      details["reference"] = clean(reference)
      details["policy"] = clean(policy)
      details["channel"] = channel.rawValue
    case .indemnifier(let organisation, let reference, let spokeTo, let advice):
      guard let organisation = try clean(organisation) ?? fetchProfile(db).indemnifier else {
        throw CasefileError(.usage, "name the indemnifier with --organisation, or set it once with 'casefile profile set --indemnifier'")
      }
      details["organisation"] = organisation
      details["reference"] = clean(reference)
      details["spoke_to"] = clean(spokeTo)
      details["advice"] = clean(advice)
    case .police(let force, let incident):
      guard let force = clean(force) else { throw CasefileError(.usage, "name the police force or station (--force)") }
      details["force"] = force
      details["incident"] = clean(incident)
    }
    return details
  }

  /// Every ladder event of a case, by the day it happened then the order recorded, with
  /// retractions resolved.
  static func fetchSteps(_ db: Database, caseID: Int64) throws -> [StepRecord] {
    let rows = try Row.fetchAll(db, sql: "SELECT * FROM steps WHERE case_id = ? ORDER BY on_date, id", arguments: [caseID])
    var retractedBy: [Int64: String] = [:]
    for row in rows where (row["kind"] as String) == "retraction" {
      if let target: Int64 = row["refers_to"] { retractedBy[target] = Refs.make(.step, row["id"]) }
    }
    return try rows.map { row in
      let id: Int64 = row["id"]
      let detailsText: String = row["details"]
      let details = (try? JSONDecoder().decode([String: String].self, from: Data(detailsText.utf8))) ?? [:]
      let refersTo: Int64? = row["refers_to"]
      let confidential: Int = row["confidential"]
      return StepRecord(
        ref: Refs.make(.step, id), kind: row["kind"], on: try CalendarDay.parse(row["on_date"]), details: details,
        refersTo: refersTo.map { Refs.make(.step, $0) },
        confidentiality: confidential == 1 ? .confidential : .shareable, recordedAt: row["recorded_at"],
        retractedBy: retractedBy[id])
    }
  }
}
