import ArgumentParser
import CasefileKit

struct StepIndemnifier: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "indemnifier", abstract: Ladder.Step.indemnifier.title + ". The advice is kept confidential.")

  @OptionGroup var options: StepOptions
  @Option(help: "The organisation (default: the profile's indemnifier).") var organisation: String?
  @Option(help: "Their case reference.") var reference: String?
  @Option(name: .customLong("spoke-to"), help: "Who you spoke to.") var spokeTo: String?
  @Option(help: "The advice received.") var advice: String?

  func run() throws {
    try options.record(.indemnifier(organisation: organisation, reference: reference, spokeTo: spokeTo, advice: advice))
  }
}
