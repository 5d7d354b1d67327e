import ArgumentParser
import CasefileKit

struct StepRetract: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "retract", abstract: "Withdraw a step or outcome entered by mistake (a new event; nothing is deleted).")

  @OptionGroup var storeOptions: StoreOptions
  @Option(name: .customLong("case"), help: "The case, e.g. C-2026-0001.") var caseRef: String
  @Argument(help: "The step to withdraw, e.g. S-4.") var step: String
  @Option(help: "Why it is withdrawn.") var reason: String
  @OptionGroup var output: JSONFlag

  func run() throws {
    let retraction = try storeOptions.open().retract(caseRef: caseRef, step: step, reason: reason)
    if output.json { return try Output.json(retraction) }
    print("Recorded \(retraction.ref): \(retraction.refersTo ?? step) is retracted.")
  }
}
