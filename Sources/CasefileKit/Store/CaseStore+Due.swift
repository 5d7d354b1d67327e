import GRDB

/// A report that has waited too long for the platform's answer.
public struct DueReport: Sendable, Equatable, Codable {
  public var caseRef: String
  public var report: String
  public var platform: String?
  public var reference: String?
  public var reportedOn: CalendarDay
  /// The newest outcome recorded, when it is not a final one (`pending`, `appealed`).
  public var lastOutcome: ReportOutcome?
  /// Days since the report, or since its last non-final outcome.
  public var daysWaiting: Int
}

/// An open case whose recommended next step has not been taken, including a case where the
/// platform refused to act and the indemnifier has not yet been told.
public struct DueCase: Sendable, Equatable, Codable {
  public var caseRef: String
  public var title: String
  public var nextStep: Ladder.Step
  public var urgent: Bool
}

/// What `casefile due` lists.
public struct DueList: Sendable, Equatable, Codable {
  public var today: CalendarDay
  public var reportDueDays: Int
  public var reports: [DueReport]
  public var cases: [DueCase]
}

extension CaseStore {
  /// Reports with no final outcome after `reportDueDays` days (the `report-due-days` setting when
  /// nil), and open cases whose recommended next step has not been taken.
  public func due(reportDueDays: Int? = nil) throws -> DueList {
    if let reportDueDays, reportDueDays < 0 {
      throw CasefileError(.badValue, "the number of days cannot be negative")
    }
    let today = CalendarDay.on(clock.now(), in: zone)
    return try read { db in
      let limit = try reportDueDays ?? Int(Self.setting(.reportDueDays, db)) ?? 7
      var reports: [DueReport] = []
      var cases: [DueCase] = []
      for row in try Row.fetchAll(db, sql: "SELECT * FROM cases WHERE status = 'open' ORDER BY year, seq") {
        let record = try Self.caseRecord(row)
        let events = try Self.fetchSteps(db, caseID: row["id"])
        let live = events.filter { $0.retractedBy == nil }
        for report in live where report.kind == Ladder.Step.report.rawValue {
          let outcomes = live.filter { $0.kind == "outcome" && $0.refersTo == report.ref }
          let last = outcomes.last.flatMap { $0.details["outcome"].flatMap(ReportOutcome.init(rawValue:)) }
          if let last, last.isFinal { continue }
          let since = outcomes.last?.on ?? report.on
          let waiting = since.days(until: today)
          guard waiting >= limit else { continue }
          reports.append(DueReport(
            caseRef: record.ref, report: report.ref, platform: report.details["platform"],
            reference: report.details["reference"], reportedOn: report.on, lastOutcome: last, daysWaiting: waiting))
        }
        let recommendation = Ladder.recommend(category: record.category, status: record.status, events: events)
        if recommendation.kind == .step || recommendation.kind == .escalate, let step = recommendation.step {
          cases.append(DueCase(caseRef: record.ref, title: record.title, nextStep: step, urgent: recommendation.urgent))
        }
      }
      return DueList(today: today, reportDueDays: limit, reports: reports, cases: cases)
    }
  }
}
