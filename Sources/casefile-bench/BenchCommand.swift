import ArgumentParser

/// Benchmarks that print figures. They never fail CI on time: speed targets are measured here,
/// not asserted in unit tests.
@main
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "casefile-bench",
    abstract: "Generate synthetic exports and measure casefile against the reference tools.",
    discussion: "Run with no subcommand for the whole suite (the same as `casefile-bench suite`).",
    subcommands: [
      Suite.self, GenerateSMS.self, GenerateFacebook.self, GenerateX.self, GenerateChatAndMail.self, SMSBench.self, SMSStages.self, GenerateTelegram.self, JSONBench.self, BundleBench.self],
    defaultSubcommand: Suite.self)
}
