import CLibXML2
import Foundation

/// One message libxml2 reported while parsing.
public struct XMLIssue: Sendable, Equatable, CustomStringConvertible {
  public enum Level: Int, Sendable, Comparable {
    case warning = 1, error = 2, fatal = 3
    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
  }

  public var level: Level
  public var code: Int
  public var message: String
  public var line: Int?
  public var column: Int?

  public var description: String {
    "\(message)" + (line.map { " at line \($0)" } ?? "") + (column.map { ", column \($0)" } ?? "")
  }
}

extension CasefileError.Code {
  /// The XML has a DOCTYPE: casefile never reads DTDs.
  public static let xmlDTD = CasefileError.Code("xml-dtd", .badData)
  /// libxml2 reported an error at ERROR level or above.
  public static let xmlMalformed = CasefileError.Code("xml-malformed", .badData)
  /// The streaming reader met an entity reference, which casefile never expands.
  public static let xmlEntity = CasefileError.Code("xml-entity", .badData)
  /// An XPath expression did not compile or run.
  public static let xmlXPath = CasefileError.Code("xml-xpath", .internalError)
}

/// Collects the issues of one parser context. It is reached from libxml2's C callbacks through
/// the context's `_private` pointer, so each parse has its own list and no global state is used.
final class XMLIssueCollector {
  var issues: [XMLIssue] = []
  /// Set when the parser met a DOCTYPE and was stopped.
  var sawDTD = false
  /// The messages libxml2 repeats can be many; keep the first few hundred.
  static let limit = 500

  /// Whether an issue at ERROR level or above, or a DOCTYPE, may have been seen: a cheap test
  /// before ``failure(at:)``, which a streaming reader asks after every node.
  var mayFail: Bool { sawDTD || firstError != nil }
  /// The first issue at ERROR level or above, kept even when the list is full of warnings.
  private var firstError: XMLIssue?

  func add(_ error: UnsafePointer<xmlError>) {
    let raw = error.pointee
    let isError = raw.level == XML_ERR_ERROR || raw.level == XML_ERR_FATAL
    guard issues.count < Self.limit || (isError && firstError == nil) else { return }
    let level: XMLIssue.Level =
      switch raw.level {
      case XML_ERR_FATAL: .fatal
      case XML_ERR_ERROR: .error
      default: .warning
      }
    let message = raw.message.map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown error"
    let issue = XMLIssue(
      level: level, code: Int(raw.code), message: message, line: raw.line > 0 ? Int(raw.line) : nil,
      column: raw.int2 > 0 ? Int(raw.int2) : nil)
    if isError && firstError == nil { firstError = issue }
    if issues.count < Self.limit { issues.append(issue) }
  }

  var worst: XMLIssue.Level? { issues.map(\.level).max() }

  /// The first issue at ERROR level or above, as casefile's error.
  func failure(at location: CasefileError.Location) -> CasefileError? {
    if sawDTD {
      return CasefileError(.xmlDTD, "DTD not allowed: the file has a DOCTYPE, which casefile never reads", location: location)
    }
    guard let first = firstError else { return nil }
    var located = location
    located.line = first.line
    return CasefileError(.xmlMalformed, "the XML is not well-formed: \(first.message)", location: located)
  }
}

/// The C callback for a parser context: libxml2 passes the context as user data, and the context
/// carries the collector in `_private`.
let parserErrorHandler: xmlStructuredErrorFunc = { userData, error in
  guard let userData, let error else { return }
  let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
  guard let box = context.pointee._private else { return }
  Unmanaged<XMLIssueCollector>.fromOpaque(box).takeUnretainedValue().add(error)
}

/// The C callback where libxml2 passes the user data given with the handler itself (schema
/// parsing and validation): that user data is the collector.
let collectorErrorHandler: xmlStructuredErrorFunc = { userData, error in
  guard let userData, let error else { return }
  Unmanaged<XMLIssueCollector>.fromOpaque(userData).takeUnretainedValue().add(error)
}

/// The SAX hook for a DOCTYPE: stop the parser there, before any declaration is read.
let refuseInternalSubset: internalSubsetSAXFunc = { userData, _, _, _ in
  guard let userData else { return }
  let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
  if let box = context.pointee._private {
    Unmanaged<XMLIssueCollector>.fromOpaque(box).takeUnretainedValue().sawDTD = true
  }
  xmlStopParser(context)
}
