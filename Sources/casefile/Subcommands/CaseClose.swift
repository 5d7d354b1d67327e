import ArgumentParser
import CasefileKit

struct CaseClose: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a case; its evidence is kept.")

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: "The case, e.g. C-2026-0001.") var caseRef: String

  func run() throws {
    let record = try storeOptions.open().closeCase(caseRef)
    print("Closed \(record.ref)")
  }
}
