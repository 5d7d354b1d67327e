import ArgumentParser
import CasefileKit

struct StepBlock: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "block", abstract: Ladder.Step.block.title + ".")

  @OptionGroup var options: StepOptions
  @Option(name: .customLong("actor"), help: "An account: A-3, platform:handle or a handle in the case (repeatable; default: every author in the case).")
  var actors: [String] = []
  @Option(help: "The platform (default: the accounts' own).") var platform: String?
  @Option(help: "block, mute or unfollow.") var action: String = "block"

  func run() throws {
    try options.record(.block(actors: actors, platform: platform.map(Platform.parse), action: BlockAction.parse(action)))
  }
}
