import ArgumentParser
import CasefileKit

struct ActorList: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List every actor in the store.")

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var output: JSONFlag

  func run() throws {
    let actors = try storeOptions.open().listActors()
    if output.json { return try Output.json(actors) }
    if actors.isEmpty { return print("No actors.") }
    for actor in actors {
      print("\(actor.ref)  \(actor.platform.rawValue) \(actor.handle)" + (actor.displayName.map { " (\($0))" } ?? "")
        + (actor.patientFlag ? "  [CONFIDENTIAL: is or may be a patient]" : ""))
    }
  }
}
