import ArgumentParser
import CasefileKit

struct Init: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Create a store (or check the one already there).")

  @OptionGroup var storeOptions: StoreOptions

  func run() throws {
    let (store, created) = try CaseStore.initialize(
      at: storeOptions.location, zone: LocalZone.fromEnvironment(), busyTimeout: StoreOptions.busyTimeout())
    print(created ? "Created a store at \(store.location.directory.path)" : "A store already exists at \(store.location.directory.path); its schema is up to date")
  }
}
