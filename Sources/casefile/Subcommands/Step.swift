import ArgumentParser
import CasefileKit

struct Step: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Record a step of the escalation ladder: ignore, block, report, indemnifier, police.",
    discussion: "Steps may repeat. A step entered by mistake is withdrawn with 'step retract'; nothing is deleted.",
    subcommands: [
      StepIgnore.self, StepBlock.self, StepReport.self, StepIndemnifier.self, StepPolice.self, StepRetract.self,
    ])
}

/// The options every ladder step shares.
struct StepOptions: ParsableArguments {
  @OptionGroup var storeOptions: StoreOptions
  @Option(name: .customLong("case"), help: "The case, e.g. C-2026-0001.") var caseRef: String
  @Option(help: "The day it happened, YYYY-MM-DD (default: today).") var on: String?
  @OptionGroup var output: JSONFlag

  /// Records the step and prints what was recorded.
  func record(_ input: StepInput) throws {
    let store = try storeOptions.open()
    let step = try store.recordStep(caseRef: caseRef, input, on: on.map(CalendarDay.parse))
    if output.json { return try Output.json(step) }
    print("Recorded \(step.ref): \(step.kind) on \(step.on)")
    try Self.printNext(store, caseRef)
  }

  /// Prints the case's next recommended step, after a step or an outcome.
  static func printNext(_ store: CaseStore, _ caseRef: String) throws {
    let next = try store.caseDetail(caseRef).recommendation
    print("Next: \(next.title)" + (next.step.map { " (casefile step \($0.rawValue))" } ?? ""))
  }
}
