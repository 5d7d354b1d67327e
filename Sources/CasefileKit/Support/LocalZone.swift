import Foundation

/// The zone used for times typed without one: `TZ` when it names a zone, else the system's.
public enum LocalZone {
  public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TimeZone {
    guard var name = environment["TZ"], !name.isEmpty else { return .current }
    if name.hasPrefix(":") { name.removeFirst() }
    if let zone = TimeZone(identifier: name) { return zone }
    throw CasefileError(.badTime, "TZ='\(name)' is not a time zone this system knows (try Europe/Dublin or UTC)")
  }
}
