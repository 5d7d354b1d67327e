import ArgumentParser
import CasefileKit

struct CaseReopen: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Reopen a closed case.")

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: "The case, e.g. C-2026-0001.") var caseRef: String

  func run() throws {
    let record = try storeOptions.open().reopenCase(caseRef)
    print("Reopened \(record.ref)")
  }
}
