import ArgumentParser
import CasefileKit
import Foundation

/// `--store DIR`, shared by every command that touches a store.
struct StoreOptions: ParsableArguments {
  @Option(name: .long, help: "The store directory (default: $CASEFILE_STORE, then $XDG_DATA_HOME/casefile).")
  var store: String?

  var location: StoreLocation { StoreLocation.resolve(explicit: store) }

  func validate() throws {
    do {
      try StoreLocation.checkNotEmpty(explicit: store)
    } catch let error as CasefileError {
      // A usage error, reported as the parser reports one (exit 64).
      throw ValidationError(error.message)
    }
  }

  /// Opens the existing store, reading times in the zone from `TZ`.
  func open() throws -> CaseStore {
    try CaseStore.open(at: location, zone: LocalZone.fromEnvironment(), busyTimeout: Self.busyTimeout())
  }

  /// Seconds to wait for another casefile process: `$CASEFILE_BUSY_TIMEOUT`, else 30.
  static func busyTimeout() throws -> TimeInterval {
    guard let text = ProcessInfo.processInfo.environment["CASEFILE_BUSY_TIMEOUT"], !text.isEmpty else {
      return CaseStore.defaultBusyTimeout
    }
    guard let seconds = Double(text), seconds >= 0, seconds <= 3600 else {
      throw CasefileError(.badValue, "CASEFILE_BUSY_TIMEOUT must be a number of seconds from 0 to 3600")
    }
    return seconds
  }
}

/// `--json`, shared by every read command.
struct JSONFlag: ParsableArguments {
  @Flag(name: .long, help: "Print JSON with the stable shape documented in README.md.")
  var json = false
}
