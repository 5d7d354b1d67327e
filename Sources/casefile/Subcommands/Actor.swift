import ArgumentParser

struct Actor: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "The accounts that sent abuse.", subcommands: [ActorList.self, ActorPatient.self])
}
