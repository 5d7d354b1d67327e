import ArgumentParser
import CasefileKit

struct CaseList: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List the cases, newest first.")

  @OptionGroup var storeOptions: StoreOptions
  @Option(help: "Only cases that are open or closed.") var status: String?
  @OptionGroup var output: JSONFlag

  func run() throws {
    let cases = try storeOptions.open().listCases(status: status.map(CaseStatus.parse))
    if output.json { return try Output.json(cases) }
    if cases.isEmpty { return print("No cases.") }
    for summary in cases {
      let record = summary.case
      print(
        "\(record.ref)  \(record.status.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) "
          + "\(record.category.rawValue)/\(record.severity.rawValue)  items: \(summary.evidenceCount)  "
          + "next: \(summary.nextStep ?? "-")  \(record.title)")
    }
  }
}
