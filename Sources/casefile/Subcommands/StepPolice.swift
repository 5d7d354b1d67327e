import ArgumentParser
import CasefileKit

struct StepPolice: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "police", abstract: Ladder.Step.police.title + ".")

  @OptionGroup var options: StepOptions
  @Option(help: "The police force or station.") var force: String
  @Option(help: "The incident or crime number.") var incident: String?

  func run() throws {
    try options.record(.police(force: force, incident: incident))
  }
}
