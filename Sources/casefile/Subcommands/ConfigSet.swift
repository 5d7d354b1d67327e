import ArgumentParser
import CasefileKit

struct ConfigSet: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "set",
    abstract: "Change a setting: \(CaseStore.Setting.allCases.map(\.rawValue).joined(separator: ", ")).")

  @OptionGroup var storeOptions: StoreOptions
  @Argument var key: String
  @Argument var value: String

  func run() throws {
    try storeOptions.open().setSetting(CaseStore.Setting.parse(key), to: value)
    print("\(key) = \(value)")
  }
}
