import ArgumentParser
import CasefileKit

struct Due: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List reports still unanswered after N days, and open cases whose next step is not taken.")

  @OptionGroup var storeOptions: StoreOptions
  @Option(help: "Days a report may wait (default: the report-due-days setting, 7).") var days: Int?
  @OptionGroup var output: JSONFlag

  func run() throws {
    let due = try storeOptions.open().due(reportDueDays: days)
    if output.json { return try Output.json(due) }
    print("Reports with no final answer after \(due.reportDueDays) days (\(due.reports.count))")
    for report in due.reports {
      print("  \(report.caseRef) \(report.report)  \(report.platform ?? "?")  reported \(report.reportedOn)"
        + (report.reference.map { "  ref \($0)" } ?? "") + (report.lastOutcome.map { "  last: \($0.rawValue)" } ?? "")
        + "  waiting \(report.daysWaiting) days")
    }
    print("Open cases with a step to take (\(due.cases.count))")
    for item in due.cases {
      print("  \(item.caseRef)  next: \(item.nextStep.rawValue)\(item.urgent ? " (now)" : "")  \(item.title)")
    }
  }
}
