import CLibXML2
import Foundation

/// A forward-only XML parser that reports element starts (with their attributes) and ends, for
/// files too big to hold as a tree, at a fraction of ``XMLStreamReader``'s cost: libxml2's push
/// parser with SAX2 callbacks builds no nodes at all. Text content is not reported.
///
/// The same safety as ``XMLStreamReader``: the options of ``XMLTree/parseXML(_:location:)``
/// (never NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE, HUGE or RECOVER), a DOCTYPE refused
/// before any of its declarations is read, an entity reference refused, and the first error at
/// ERROR level or above fails the parse. The bytes must have been through ``SurrogateRepair``.
///
/// Not Sendable: it wraps a libxml2 parser context, which belongs to one thread.
public final class XMLPushParser {
  /// The attributes of one start tag, valid only during the ``onStart`` call.
  public struct Attributes {
    /// libxml2's array: local name, prefix, URI, value start and value end for each attribute.
    fileprivate let raw: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    fileprivate let count: Int

    /// Hands `body` the index in `names` and the raw value of each named attribute present (no
    /// prefix). The value is as libxml2 gives it to SAX2: every reference decoded except `&`,
    /// which stays `&#38;`; ``string(_:)`` and ``isEqual(_:_:)`` undo that.
    public func forEach(_ names: AttributeNames, _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
      guard let raw else { return }
      for attribute in 0..<count {
        let base = attribute * 5
        guard let name = raw[base], raw[base + 1] == nil else { continue }
        let first = name.pointee
        for index in names.cNames.indices where names.firstBytes[index] == first {
          let matches = names.cNames[index].withUnsafeBufferPointer { wanted in
            strcmp(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self), wanted.baseAddress!) == 0
          }
          if matches {
            if let start = raw[base + 3], let end = raw[base + 4] {
              try body(index, UnsafeBufferPointer(start: start, count: start.distance(to: end)))
            }
            break
          }
        }
      }
    }

    /// A raw value as a string, with `&#38;` turned back into `&`.
    public static func string(_ value: UnsafeBufferPointer<UInt8>) -> String {
      guard let base = value.baseAddress, memchr(base, Int32(UInt8(ascii: "&")), value.count) != nil else {
        return String(decoding: value, as: UTF8.self)
      }
      var bytes: [UInt8] = []
      bytes.reserveCapacity(value.count)
      var index = 0
      while index < value.count {
        if value[index] == UInt8(ascii: "&"), index + 4 < value.count, value[index + 1] == UInt8(ascii: "#"),
          value[index + 2] == UInt8(ascii: "3"), value[index + 3] == UInt8(ascii: "8"), value[index + 4] == UInt8(ascii: ";")
        {
          bytes.append(UInt8(ascii: "&"))
          index += 5
        } else {
          bytes.append(value[index])
          index += 1
        }
      }
      return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether a raw value is exactly `text` (which holds no `&`).
    public static func isEqual(_ value: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
      value.count == text.utf8CodeUnitCount && memcmp(value.baseAddress!, text.utf8Start, value.count) == 0
    }
  }

  /// Called at each element's start with its depth (the root is 0), local name (NUL-terminated)
  /// and attributes.
  public var onStart: (_ depth: Int, _ localName: UnsafePointer<UInt8>, _ attributes: Attributes) throws -> Void = { _, _, _ in }
  /// Called at each element's end with its depth.
  public var onEnd: (_ depth: Int) throws -> Void = { _ in }

  public let location: CasefileError.Location
  private var context: xmlParserCtxtPtr?
  private var box: Unmanaged<XMLPushParser>?
  private let collector = XMLIssueCollector()
  fileprivate var depth = 0
  /// Why the parse was stopped from a callback: a refusal, or an error a handler threw.
  fileprivate var stopped: Error?
  private var ended = false

  public init(location: CasefileError.Location) throws {
    _ = XMLRuntime.ready
    self.location = location
    var sax = xmlSAXHandler()
    sax.initialized = XML_SAX2_MAGIC
    sax.startElementNs = pushStartElement
    sax.endElementNs = pushEndElement
    sax.internalSubset = pushRefuseDTD
    sax.reference = pushRefuseEntity
    sax.serror = pushError
    let box = Unmanaged.passUnretained(self)
    guard let context = xmlCreatePushParserCtxt(&sax, box.toOpaque(), nil, 0, location.entry ?? location.file) else {
      throw CasefileError(.internalError, "libxml2 could not make a parser", location: location)
    }
    xmlCtxtUseOptions(context, XMLTree.xmlOptions)
    self.context = context
    self.box = box
  }

  deinit {
    if let context {
      if let document = context.pointee.myDoc { xmlFreeDoc(document) }
      xmlFreeParserCtxt(context)
    }
  }

  /// The warnings and errors seen so far.
  public var issues: [XMLIssue] { collector.issues }

  /// The line the parser is at, for records and errors.
  public var line: Int? {
    guard let context, let input = context.pointee.input else { return nil }
    let line = Int(input.pointee.line)
    return line > 0 ? line : nil
  }

  /// The document's declared encoding, once the parser is past the XML declaration.
  public var encoding: String? {
    guard let context, let encoding = context.pointee.encoding else { return nil }
    return String(cString: encoding)
  }

  /// Parses the next chunk, calling the handlers for every element it completes.
  public func push(_ chunk: Data) throws {
    guard !chunk.isEmpty else { return }
    try chunk.withUnsafeBytes { bytes in
      try parse(bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count), terminate: false)
    }
  }

  /// Ends the input: fails if the document is incomplete.
  public func finish() throws {
    guard !ended else { return }
    ended = true
    try parse(nil, 0, terminate: true)
  }

  private func parse(_ bytes: UnsafePointer<CChar>?, _ count: Int32, terminate: Bool) throws {
    guard let context else { return }
    let result = xmlParseChunk(context, bytes, count, terminate ? 1 : 0)
    if let stopped { throw stopped }
    var here = location
    here.line = line
    if collector.mayFail, let failure = collector.failure(at: here) { throw failure }
    if result != 0 {
      throw CasefileError(.xmlMalformed, "the XML could not be read", location: here)
    }
    if terminate && context.pointee.wellFormed == 0 {
      throw CasefileError(.xmlMalformed, "the XML is not well-formed", location: here)
    }
  }

  /// Stops the parser from a callback, keeping the first reason.
  fileprivate func stop(_ error: Error) {
    if stopped == nil { stopped = error }
    if let context { xmlStopParser(context) }
  }

  fileprivate func add(_ error: UnsafePointer<xmlError>) {
    collector.add(error)
    // An error at ERROR level fails the parse: stop at once, so that nothing after it is
    // reported; ``parse(_:_:terminate:)`` then throws it.
    if collector.mayFail, let context { xmlStopParser(context) }
  }

  fileprivate var here: CasefileError.Location {
    var here = location
    here.line = line
    return here
  }
}

private func parser(_ context: UnsafeMutableRawPointer?) -> XMLPushParser? {
  context.map { Unmanaged<XMLPushParser>.fromOpaque($0).takeUnretainedValue() }
}

private let pushStartElement: startElementNsSAX2Func = { context, localName, _, _, _, _, attributeCount, _, attributes in
  guard let parser = parser(context), parser.stopped == nil, let localName else { return }
  let depth = parser.depth
  parser.depth += 1
  do {
    try parser.onStart(depth, localName, XMLPushParser.Attributes(raw: attributes, count: Int(attributeCount)))
  } catch {
    parser.stop(error)
  }
}

private let pushEndElement: endElementNsSAX2Func = { context, _, _, _ in
  guard let parser = parser(context), parser.stopped == nil else { return }
  parser.depth -= 1
  do {
    try parser.onEnd(parser.depth)
  } catch {
    parser.stop(error)
  }
}

/// A DOCTYPE: stop there, before any declaration is read.
private let pushRefuseDTD: internalSubsetSAXFunc = { context, _, _, _ in
  guard let parser = parser(context) else { return }
  parser.stop(CasefileError(.xmlDTD, "DTD not allowed: the file has a DOCTYPE, which casefile never reads", location: parser.here))
}

/// An entity reference in content: never expanded.
private let pushRefuseEntity: referenceSAXFunc = { context, name in
  guard let parser = parser(context) else { return }
  let named = name.map { String(cString: $0) } ?? ""
  parser.stop(CasefileError(.xmlEntity, "entity reference '\(named)' refused: casefile never expands entities", location: parser.here))
}

private let pushError: xmlStructuredErrorFunc = { context, error in
  guard let parser = parser(context), let error else { return }
  parser.add(error)
}
