import ArgumentParser
import CasefileKit

struct DraftReport: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Text for a platform's report form: the policy area, and the items by time, link and author (never their text).")

  @OptionGroup var storeOptions: StoreOptions
  @Option(name: .customLong("case"), help: "The case, e.g. C-2026-0001.") var caseRef: String
  @Option(help: "The platform the report goes to.") var platform: String

  func run() throws {
    print(try storeOptions.open().draftReport(caseRef: caseRef, platform: Platform.parse(platform)))
  }
}
