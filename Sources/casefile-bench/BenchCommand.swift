import ArgumentParser

/// Benchmarks that print figures. They never fail CI on time: speed targets are measured here,
/// not asserted in unit tests.
@main
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "casefile-bench",
    abstract: "Generate synthetic exports and measure casefile against the reference tools.",
    subcommands: [
      GenerateSMS.self, GenerateFacebook.self, GenerateX.self, GenerateChatAndMail.self, SMSBench.self, SMSStages.self, GenerateTelegram.self, JSONBench.self, BundleBench.self])
}
