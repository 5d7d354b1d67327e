import CLibXML2
import Foundation

/// A forward-only XML reader for files too big to hold as a tree (SMS backups run to gigabytes).
///
/// It pulls bytes from a closure in chunks, repairs surrogate-pair references on the way, parses
/// with the same safe options as ``XMLTree/parseXML(_:location:)``, refuses any DOCTYPE or entity
/// reference node, and fails on the first libxml2 error at ERROR level or above. Memory stays at a
/// few chunks whatever the file's size.
///
/// Not Sendable: it wraps a libxml2 reader, which belongs to one thread.
public final class XMLStreamReader {
  /// The kinds of node the reader stops on.
  public enum NodeType: Sendable, Equatable {
    case element, endElement, text, comment, processingInstruction, whitespace, other(Int32)
  }

  private let reader: xmlTextReaderPtr
  private let input: Input
  private let collector = XMLIssueCollector()
  private let inputBox: Unmanaged<Input>
  private let collectorBox: Unmanaged<XMLIssueCollector>
  public let location: CasefileError.Location
  private var finished = false

  /// Where the reader's bytes come from, and the repair applied to them on the way in.
  final class Input {
    let source: (Int) throws -> Data?
    /// Nil when the source's bytes were repaired already.
    var repair: SurrogateRepair?
    var pending = Data()
    var pendingOffset = 0
    var ended = false
    var error: Error?

    init(source: @escaping (Int) throws -> Data?, repairs: Bool) {
      self.source = source
      repair = repairs ? SurrogateRepair() : nil
    }

    /// Fills `buffer` with up to `capacity` repaired bytes; 0 at the end, -1 on failure.
    func fill(_ buffer: UnsafeMutablePointer<CChar>, _ capacity: Int) -> Int32 {
      do {
        while pendingOffset >= pending.count {
          if ended { return 0 }
          pending = Data()
          pendingOffset = 0
          if let chunk = try source(1 << 16) {
            pending = repair?.push(chunk) ?? chunk
          } else {
            pending = repair?.finish() ?? Data()
            ended = true
          }
        }
        let count = min(capacity, pending.count - pendingOffset)
        pending.withUnsafeBytes { bytes in
          let start = bytes.baseAddress!.advanced(by: pendingOffset)
          UnsafeMutableRawPointer(buffer).copyMemory(from: start, byteCount: count)
        }
        pendingOffset += count
        return Int32(count)
      } catch {
        self.error = error
        return -1
      }
    }
  }

  /// Reads from `source`, which returns the next chunk of at most the given size, or nil at the
  /// end. `location` names the file and entry in errors. `encoding` overrides the document's own
  /// declaration (for re-reading a fragment cut from a document in another encoding).
  /// `surrogatesRepaired` says the source has been through ``SurrogateRepair`` already (a caller
  /// that does it on another thread); otherwise the reader repairs the bytes itself.
  public init(
    location: CasefileError.Location, encoding: String? = nil, surrogatesRepaired: Bool = false,
    source: @escaping (Int) throws -> Data?
  ) throws {
    _ = XMLRuntime.ready
    self.location = location
    input = Input(source: source, repairs: !surrogatesRepaired)
    inputBox = Unmanaged.passRetained(input)
    collectorBox = Unmanaged.passRetained(collector)
    let read: xmlInputReadCallback = { context, buffer, length in
      guard let context, let buffer, length > 0 else { return -1 }
      return Unmanaged<Input>.fromOpaque(context).takeUnretainedValue().fill(buffer, Int(length))
    }
    let close: xmlInputCloseCallback = { _ in 0 }
    guard
      let reader = xmlReaderForIO(
        read, close, inputBox.toOpaque(), location.entry ?? location.file, encoding, XMLTree.xmlOptions)
    else {
      inputBox.release()
      collectorBox.release()
      throw CasefileError(.internalError, "libxml2 could not make a reader", location: location)
    }
    self.reader = reader
    xmlTextReaderSetStructuredErrorHandler(reader, collectorErrorHandler, collectorBox.toOpaque())
  }

  deinit {
    xmlFreeTextReader(reader)
    inputBox.release()
    collectorBox.release()
  }

  /// The warnings seen so far.
  public var issues: [XMLIssue] { collector.issues }

  /// Moves to the next node; false at the end of the document.
  public func next() throws -> Bool {
    guard !finished else { return false }
    let result = xmlTextReaderRead(reader)
    try check(result)
    if result == 0 {
      finished = true
      return false
    }
    switch xmlTextReaderNodeType(reader) {
    case 10:
      throw CasefileError(.xmlDTD, "DTD not allowed: the file has a DOCTYPE, which casefile never reads", location: here)
    case 5:
      throw CasefileError(.xmlEntity, "entity reference '\(localName)' refused: casefile never expands entities", location: here)
    default:
      return true
    }
  }

  /// Skips the current element's subtree and moves to its next sibling; false at the end.
  public func skipSubtree() throws -> Bool {
    let result = xmlTextReaderNext(reader)
    try check(result)
    if result == 0 { finished = true }
    return result == 1
  }

  private func check(_ result: Int32) throws {
    if let error = input.error {
      throw error
    }
    // The location (with its line) is only worked out once something has gone wrong.
    if collector.mayFail, let failure = collector.failure(at: here) {
      throw failure
    }
    if result < 0 {
      throw CasefileError(.xmlMalformed, "the XML could not be read", location: here)
    }
  }

  /// The location with the current node's line. The parser's own line number runs ahead of the
  /// node being looked at (it has read further), so the node's line is preferred.
  public var here: CasefileError.Location {
    var located = location
    if let node = xmlTextReaderCurrentNode(reader), xmlGetLineNo(node) > 0 {
      located.line = Int(xmlGetLineNo(node))
    } else {
      let line = xmlTextReaderGetParserLineNumber(reader)
      if line > 0 { located.line = Int(line) }
    }
    return located
  }

  public var nodeType: NodeType {
    switch xmlTextReaderNodeType(reader) {
    case 1: .element
    case 15: .endElement
    case 3, 4: .text
    case 8: .comment
    case 7: .processingInstruction
    case 13, 14: .whitespace
    case let other: .other(other)
    }
  }

  /// The current node's local name.
  public var localName: String {
    xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? ""
  }

  /// Whether the current node's local name is `name`, without making a string.
  public func localNameIs(_ name: StaticString) -> Bool {
    guard let current = xmlTextReaderConstLocalName(reader) else { return false }
    return strcmp(UnsafeRawPointer(current).assumingMemoryBound(to: CChar.self),
      UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
  }

  /// The document's encoding as declared or detected (e.g. `UTF-8`), once the reader has begun.
  public var encoding: String? {
    xmlTextReaderConstEncoding(reader).map { String(cString: $0) }
  }

  /// The depth of the current node (the root element is 0).
  public var depth: Int { Int(xmlTextReaderDepth(reader)) }

  /// Whether the current element is written `<x/>`, with no end tag to come.
  public var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }

  /// The value of a text node.
  public var value: String {
    xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? ""
  }

  /// An attribute of the current element, or nil.
  public func attribute(_ name: String) -> String? {
    guard let value = xmlTextReaderGetAttribute(reader, name) else { return nil }
    defer { cxml_free(value) }
    return String(cString: value)
  }

  /// The values of the named attributes of the current element, in the order of `names`, nil
  /// where absent. One pass over the element's attributes; strings are made only for the names
  /// asked for, which matters when a file has millions of elements with twenty attributes each.
  public func attributes(_ names: AttributeNames) -> [String?] {
    var values = [String?](repeating: nil, count: names.names.count)
    guard xmlTextReaderMoveToFirstAttribute(reader) == 1 else { return values }
    repeat {
      guard let name = xmlTextReaderConstName(reader) else { continue }
      for index in names.cNames.indices where values[index] == nil {
        let matches = names.cNames[index].withUnsafeBufferPointer { wanted in
          strcmp(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self), wanted.baseAddress!) == 0
        }
        if matches {
          values[index] = xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? ""
          break
        }
      }
    } while xmlTextReaderMoveToNextAttribute(reader) == 1
    _ = xmlTextReaderMoveToElement(reader)
    return values
  }

  /// Hands `body` the index in `names` and the value, as libxml2 holds it (NUL-terminated UTF-8,
  /// valid only during the call), of each named attribute the current element has. Nothing is
  /// copied: a reader decides what to turn into a string, and a multi-megabyte base64 value it
  /// does not ask for costs nothing here.
  public func forEachAttribute(_ names: AttributeNames, _ body: (Int, UnsafePointer<UInt8>) throws -> Void) rethrows {
    guard xmlTextReaderMoveToFirstAttribute(reader) == 1 else { return }
    defer { _ = xmlTextReaderMoveToElement(reader) }
    repeat {
      guard let name = xmlTextReaderConstName(reader) else { continue }
      let first = name.pointee
      for index in names.cNames.indices where names.firstBytes[index] == first {
        let matches = names.cNames[index].withUnsafeBufferPointer { wanted in
          strcmp(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self), wanted.baseAddress!) == 0
        }
        if matches {
          if let value = xmlTextReaderConstValue(reader) {
            try body(index, UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self))
          }
          break
        }
      }
    } while xmlTextReaderMoveToNextAttribute(reader) == 1
  }

  /// Every attribute of the current element, in document order.
  public var attributes: [(name: String, value: String)] {
    var out: [(String, String)] = []
    guard xmlTextReaderMoveToFirstAttribute(reader) == 1 else { return out }
    repeat {
      let name = xmlTextReaderConstName(reader).map { String(cString: $0) } ?? ""
      let value = xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? ""
      out.append((name, value))
    } while xmlTextReaderMoveToNextAttribute(reader) == 1
    _ = xmlTextReaderMoveToElement(reader)
    return out
  }

  /// The current element and everything in it, serialised by libxml2.
  public func outerXML() -> String {
    guard let text = xmlTextReaderReadOuterXml(reader) else { return "" }
    defer { cxml_free(text) }
    return String(cString: text)
  }
}

/// Attribute names prepared once for ``XMLStreamReader/attributes(_:)``.
public struct AttributeNames: Sendable {
  public let names: [String]
  let cNames: [[CChar]]
  /// The first byte of each name, to pass over most attributes without a `strcmp`.
  let firstBytes: [UInt8]

  public init(_ names: [String]) {
    self.names = names
    cNames = names.map { Array($0.utf8CString) }
    firstBytes = names.map { $0.utf8.first ?? 0 }
  }
}
