import ArgumentParser

struct Draft: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print text to paste: a platform report, or a request for advice to your indemnifier.",
    subcommands: [DraftReport.self, DraftIndemnifier.self])
}
