import Foundation

/// An error that ends a casefile operation, with a stable code, a message for a human and where it
/// happened.
///
/// Messages never contain message bodies or private notes: they name items, files and fields only.
public struct CasefileError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A stable, machine-readable error code, grouped into a ``Category`` that decides the exit code.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public let category: Category

    public init(_ rawValue: String, _ category: Category) {
      self.rawValue = rawValue
      self.category = category
    }

    public var description: String { rawValue }

    public static let usage = Code("usage", .usage)
    public static let badTime = Code("bad-time", .badData)
    public static let badValue = Code("bad-value", .badData)
    public static let notAllowed = Code("not-allowed", .badData)
    public static let caseNotFound = Code("case-not-found", .notFound)
    public static let actorNotFound = Code("actor-not-found", .notFound)
    public static let stepNotFound = Code("step-not-found", .notFound)
    public static let fileNotFound = Code("file-not-found", .notFound)
    public static let storeNotFound = Code("store-not-found", .notFound)
    public static let blobNotFound = Code("blob-not-found", .integrity)
    public static let io = Code("io", .io)
    public static let storeNotWritable = Code("store-not-writable", .io)
    public static let storeBusy = Code("store-busy", .busy)
    /// The store was made or upgraded by a newer casefile: this one would write to tables it does
    /// not know, so it opens nothing.
    public static let storeTooNew = Code("store-too-new", .io)
    public static let database = Code("database", .io)
    public static let integrity = Code("integrity", .integrity)
    public static let internalError = Code("internal", .internalError)
  }

  /// The family of an error; each maps to one documented exit code.
  public enum Category: String, Sendable {
    case usage, badData, notFound, io, busy, integrity, internalError

    /// The process exit code documented in README.md.
    public var exitCode: Int32 {
      switch self {
      case .usage: 64
      case .badData: 65
      case .notFound: 66
      case .io: 74
      case .busy: 75
      case .integrity: 80
      case .internalError: 70
      }
    }
  }

  /// Where an error happened: a file, an entry inside an archive, a line, or a store row.
  public struct Location: Sendable, Equatable, CustomStringConvertible {
    public var file: String?
    public var entry: String?
    public var line: Int?

    public init(file: String? = nil, entry: String? = nil, line: Int? = nil) {
      self.file = file
      self.entry = entry
      self.line = line
    }

    public var description: String {
      var parts: [String] = []
      if let file { parts.append(file) }
      if let entry { parts.append("entry \(entry)") }
      if let line { parts.append("line \(line)") }
      return parts.joined(separator: ", ")
    }
  }

  public var code: Code
  public var message: String
  public var location: Location?

  public init(_ code: Code, _ message: String, location: Location? = nil) {
    self.code = code
    self.message = message
    self.location = location
  }

  public var exitCode: Int32 { code.category.exitCode }

  public var description: String {
    if let location, !location.description.isEmpty {
      return "\(message) (\(location)) [\(code)]"
    }
    return "\(message) [\(code)]"
  }
}
