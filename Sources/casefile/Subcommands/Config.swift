import ArgumentParser

struct Config: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show or change settings.", subcommands: [ConfigShow.self, ConfigSet.self])
}
