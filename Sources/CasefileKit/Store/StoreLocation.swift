import Foundation

/// Where a store lives: one directory holding `casefile.sqlite` and `blobs/`.
public struct StoreLocation: Sendable, Equatable {
  public let directory: URL

  public init(directory: URL) {
    self.directory = directory.standardizedFileURL
  }

  public var databaseURL: URL { directory.appendingPathComponent("casefile.sqlite") }
  public var blobsURL: URL { directory.appendingPathComponent("blobs", isDirectory: true) }

  /// Finds the store the same way for every command: `--store DIR`, then `$CASEFILE_STORE`, then
  /// `$XDG_DATA_HOME/casefile`, then `~/.local/share/casefile`.
  public static func resolve(
    explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> StoreLocation {
    if let explicit, !explicit.isEmpty {
      return StoreLocation(directory: URL(fileURLWithPath: expandTilde(explicit, environment), isDirectory: true))
    }
    if let fromEnv = environment["CASEFILE_STORE"], !fromEnv.isEmpty {
      return StoreLocation(directory: URL(fileURLWithPath: expandTilde(fromEnv, environment), isDirectory: true))
    }
    // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
      return StoreLocation(directory: URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("casefile", isDirectory: true))
    }
    let home = environment["HOME"] ?? NSHomeDirectory()
    return StoreLocation(
      directory: URL(fileURLWithPath: home, isDirectory: true)
        .appendingPathComponent(".local/share/casefile", isDirectory: true))
  }

  /// Refuses an empty `--store` (or one of spaces) and a `CASEFILE_STORE` set to nothing, which
  /// ``resolve(explicit:environment:)`` would pass over for the default store: a script whose
  /// variable came out empty would otherwise read and write the doctor's real store.
  public static func checkNotEmpty(
    explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws {
    if let explicit, explicit.trimmingCharacters(in: .whitespaces).isEmpty {
      throw CasefileError(.usage, "--store is empty; give the store's directory, or leave the option out for the default store")
    }
    if explicit == nil, let fromEnv = environment["CASEFILE_STORE"], fromEnv.trimmingCharacters(in: .whitespaces).isEmpty {
      throw CasefileError(.usage, "CASEFILE_STORE is set but empty; set it to the store's directory, or unset it for the default store")
    }
  }

  private static func expandTilde(_ path: String, _ environment: [String: String]) -> String {
    guard path == "~" || path.hasPrefix("~/"), let home = environment["HOME"] else { return path }
    return home + path.dropFirst()
  }
}
