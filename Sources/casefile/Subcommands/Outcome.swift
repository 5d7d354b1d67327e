import ArgumentParser
import CasefileKit

struct Outcome: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Record what the platform answered to a report.",
    discussion: "Results: \(ReportOutcome.allCases.map(\.rawValue).joined(separator: ", ")).")

  @OptionGroup var storeOptions: StoreOptions
  @Option(name: .customLong("case"), help: "The case, e.g. C-2026-0001.") var caseRef: String
  @Option(help: "The report step, e.g. S-3 (default: the case's only report).") var report: String?
  @Argument(help: "The result.") var result: String
  @Option(help: "The day the answer came, YYYY-MM-DD (default: today).") var on: String?
  @Option(help: "A short note, e.g. the platform's wording.") var note: String?
  @OptionGroup var output: JSONFlag

  func run() throws {
    let store = try storeOptions.open()
    let event = try store.recordOutcome(
      caseRef: caseRef, report: report, outcome: ReportOutcome.parse(result), on: on.map(CalendarDay.parse), note: note)
    if output.json { return try Output.json(event) }
    print("Recorded \(event.ref): \(result) for \(event.refersTo ?? "the report") on \(event.on)")
    try StepOptions.printNext(store, caseRef)
  }
}
