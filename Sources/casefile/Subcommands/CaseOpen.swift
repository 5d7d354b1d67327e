import ArgumentParser
import CasefileKit

struct CaseOpen: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "open", abstract: "Open a new case.")

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: "A short title, e.g. \"Abusive DMs after a news story\".") var title: String
  @Option(help: "One of: \(CaseCategory.allCases.map(\.rawValue).joined(separator: ", ")).") var category: String
  @Option(help: "One of: \(Severity.allCases.map(\.rawValue).joined(separator: ", ")).") var severity: String = "medium"
  @OptionGroup var output: JSONFlag

  func run() throws {
    let category = try CaseCategory.parse(category)
    let severity = try Severity.parse(severity)
    let record = try storeOptions.open().openCase(title: title, category: category, severity: severity)
    if output.json { return try Output.json(record) }
    print("Opened \(record.ref)")
  }
}
