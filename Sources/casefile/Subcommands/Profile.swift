import ArgumentParser

struct Profile: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "The doctor's details, used in the indemnifier's case file.",
    subcommands: [ProfileSet.self, ProfileShow.self])
}
