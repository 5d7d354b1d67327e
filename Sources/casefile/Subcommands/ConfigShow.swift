import ArgumentParser
import CasefileKit

struct ConfigShow: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Print every setting.")

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var output: JSONFlag

  func run() throws {
    let settings = try storeOptions.open().settings()
    if output.json { return try Output.json(settings) }
    for (key, value) in settings.sorted(by: { $0.key < $1.key }) { print("\(key) = \(value)") }
  }
}
