import ArgumentParser
import CasefileKit

struct StepIgnore: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "ignore", abstract: Ladder.Step.ignore.title + ": record the decision.")

  @OptionGroup var options: StepOptions
  @Option(help: "The decision, in your words.") var decision: String = "Not replying"

  func run() throws {
    try options.record(.ignore(decision: decision))
  }
}
