import ArgumentParser
import CasefileKit

struct StepReport: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "report", abstract: Ladder.Step.report.title + ".")

  @OptionGroup var options: StepOptions
  @Option(help: "The platform reported to (default: the case's only platform).") var platform: String?
  @Option(help: "The report reference or ticket number.") var reference: String?
  @Option(help: "The policy cited, e.g. \"harassment and bullying\".") var policy: String?
  @Option(help: "in-app, web-form or email.") var channel: String

  func run() throws {
    try options.record(.report(
      platform: platform.map(Platform.parse), reference: reference, policy: policy, channel: ReportChannel.parse(channel)))
  }
}
