import ArgumentParser
import CasefileKit

struct Init: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Create a store (or check the one already there).")

  @OptionGroup var storeOptions: StoreOptions

  func run() throws {
    // Said before the store is opened, so the doctor learns that the folder was open to others.
    let tightened = try StorePermissions.tighten(storeOptions.location)
    for path in tightened.prefix(5) {
      Output.notice("made private (others could read or write it): \(path)")
    }
    if tightened.count > 5 { Output.notice("... and \(tightened.count - 5) more files and folders of the store made private") }
    let (store, created) = try CaseStore.initialize(
      at: storeOptions.location, zone: LocalZone.fromEnvironment(), busyTimeout: StoreOptions.busyTimeout())
    print(created ? "Created a store at \(store.location.directory.path)" : "A store already exists at \(store.location.directory.path); its schema is up to date")
  }
}
