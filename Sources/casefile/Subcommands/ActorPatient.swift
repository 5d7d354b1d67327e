import ArgumentParser
import CasefileKit

struct ActorPatient: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "patient",
    abstract: "Mark an actor as someone who is or may be a patient (confidential), or clear the mark.",
    discussion: "The mark never leaves the machine for a platform. Every change is kept in the history.")

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: "The actor: A-3, or platform:handle.") var actor: String
  @Flag(help: "Clear the mark.") var clear = false

  func run() throws {
    let record = try storeOptions.open().setPatientFlag(actor: actor, flagged: !clear)
    print(clear ? "Cleared the patient mark on \(record.ref)." : "Marked \(record.ref) as is or may be a patient (confidential).")
  }
}
