import ArgumentParser
import CasefileKit
import Foundation

/// `--store DIR`, shared by every command that touches a store.
struct StoreOptions: ParsableArguments {
  @Option(name: .long, help: "The store directory (default: $CASEFILE_STORE, then $XDG_DATA_HOME/casefile).")
  var store: String?

  var location: StoreLocation { StoreLocation.resolve(explicit: store) }

  /// Opens the existing store, reading times in the zone from `TZ`.
  func open() throws -> CaseStore {
    try CaseStore.open(at: location, zone: LocalZone.fromEnvironment())
  }
}

/// `--json`, shared by every read command.
struct JSONFlag: ParsableArguments {
  @Flag(name: .long, help: "Print JSON with the stable shape documented in README.md.")
  var json = false
}
