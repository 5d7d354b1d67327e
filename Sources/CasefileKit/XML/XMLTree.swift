import CLibXML2
import Foundation

/// A parsed XML or HTML document. It owns libxml2's tree and frees it in `deinit`.
///
/// Not Sendable: a libxml2 tree belongs to the thread that uses it.
public final class XMLTree {
  let doc: xmlDocPtr
  /// What libxml2 reported while parsing (warnings only, for XML; anything, for HTML).
  public let issues: [XMLIssue]
  /// For HTML: libxml2 reported something, or the tree reached one of the limits at which
  /// libxml2 silently drops content. The import must say so, and keep the raw file.
  public let lossy: Bool
  /// Why the parse is lossy, in words, when it is.
  public let lossyReasons: [String]

  init(doc: xmlDocPtr, issues: [XMLIssue], lossy: Bool, lossyReasons: [String]) {
    self.doc = doc
    self.issues = issues
    self.lossy = lossy
    self.lossyReasons = lossyReasons
  }

  deinit { xmlFreeDoc(doc) }

  /// The options every XML parse uses: no network, and none of NOENT, DTDLOAD, DTDATTR,
  /// DTDVALID, XINCLUDE, HUGE or RECOVER.
  static let xmlOptions = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)
  /// HTML is recovered, but every message is collected to flag the import as lossy.
  static let htmlOptions = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOIMPLIED.rawValue)
  /// libxml2 2.9 cuts HTML nesting at this depth and text nodes at this size, without a word.
  static let htmlDepthLimit = 255
  static let textLengthLimit = 10_000_000

  /// Parses an XML document safely. Any DOCTYPE is refused before its declarations are read; any
  /// error at ERROR level or above fails the parse. Surrogate-pair references are repaired first.
  public static func parseXML(_ data: Data, location: CasefileError.Location) throws -> XMLTree {
    _ = XMLRuntime.ready
    let repaired = SurrogateRepair.repair(data).data
    let collector = XMLIssueCollector()
    guard let context = xmlNewParserCtxt() else {
      throw CasefileError(.internalError, "libxml2 could not make a parser context", location: location)
    }
    defer { xmlFreeParserCtxt(context) }
    let box = Unmanaged.passRetained(collector)
    defer { box.release() }
    context.pointee._private = box.toOpaque()
    context.pointee.sax.pointee.serror = parserErrorHandler
    context.pointee.sax.pointee.internalSubset = refuseInternalSubset
    let doc = repaired.withUnsafeBytes { buffer -> xmlDocPtr? in
      guard let base = buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count <= Int(Int32.max) else { return nil }
      return xmlCtxtReadMemory(context, base, Int32(buffer.count), location.entry ?? location.file, nil, xmlOptions)
    }
    if let failure = collector.failure(at: location) {
      if let doc { xmlFreeDoc(doc) }
      throw failure
    }
    guard let doc else {
      throw CasefileError(.xmlMalformed, "the XML could not be parsed", location: location)
    }
    if doc.pointee.intSubset != nil || doc.pointee.extSubset != nil {
      xmlFreeDoc(doc)
      throw CasefileError(.xmlDTD, "DTD not allowed: the file has a DOCTYPE, which casefile never reads", location: location)
    }
    return XMLTree(doc: doc, issues: collector.issues, lossy: false, lossyReasons: [])
  }

  /// Parses HTML, recovering from errors, and flags the result as lossy when libxml2 reported
  /// anything or when the tree reaches a limit at which libxml2 silently drops content.
  public static func parseHTML(_ data: Data, location: CasefileError.Location) throws -> XMLTree {
    _ = XMLRuntime.ready
    let repaired = SurrogateRepair.repair(data).data
    let collector = XMLIssueCollector()
    guard let context = htmlNewParserCtxt() else {
      throw CasefileError(.internalError, "libxml2 could not make an HTML parser context", location: location)
    }
    defer { htmlFreeParserCtxt(context) }
    let box = Unmanaged.passRetained(collector)
    defer { box.release() }
    context.pointee._private = box.toOpaque()
    context.pointee.sax.pointee.serror = parserErrorHandler
    // libxml2 2.9 hands errors to `serror` only when the handler is marked as a SAX2 one, and the
    // HTML parser's is not; without this its errors go to stderr (with a line of the page, which
    // may be message text) and never reach the collector.
    context.pointee.sax.pointee.initialized = UInt32(XML_SAX2_MAGIC)
    let doc = repaired.withUnsafeBytes { buffer -> htmlDocPtr? in
      guard let base = buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count <= Int(Int32.max) else { return nil }
      return htmlCtxtReadMemory(context, base, Int32(buffer.count), location.entry ?? location.file, "UTF-8", htmlOptions)
    }
    guard let doc else {
      throw CasefileError(.xmlMalformed, "the HTML could not be parsed at all", location: location)
    }
    var reasons: [String] = []
    let losses = collector.issues.filter { !isKnownHTML5Tag($0) }
    if let first = losses.first {
      reasons.append("libxml2 reported \(losses.count) problem(s), the first: \(first)")
    }
    let shape = measure(doc)
    if shape.depth >= htmlDepthLimit {
      reasons.append("the nesting reaches libxml2's HTML depth limit (\(htmlDepthLimit)); deeper content may be lost")
    }
    if shape.longestText >= textLengthLimit {
      reasons.append("a text node reaches libxml2's size limit (\(textLengthLimit) bytes); it may be cut")
    }
    return XMLTree(doc: doc, issues: collector.issues, lossy: !reasons.isEmpty, lossyReasons: reasons)
  }

  /// The elements HTML5 added, which libxml2 2.9's HTML 4 parser calls "invalid" while keeping
  /// them in the tree like any other element: every page of a recent Facebook or Instagram
  /// download has them, so they do not make a parse lossy (they stay in ``issues``).
  static let html5Elements: Set<String> = [
    "article", "aside", "audio", "bdi", "canvas", "data", "datalist", "details", "dialog", "figcaption", "figure",
    "footer", "header", "hgroup", "main", "mark", "meter", "nav", "output", "picture", "progress", "rp", "rt",
    "ruby", "search", "section", "slot", "source", "summary", "template", "time", "track", "video", "wbr",
  ]

  /// Whether an issue is libxml2's "Tag X invalid" for an HTML5 element.
  static func isKnownHTML5Tag(_ issue: XMLIssue) -> Bool {
    guard issue.code == Int(XML_HTML_UNKNOWN_TAG.rawValue), issue.message.hasPrefix("Tag "), issue.message.hasSuffix(" invalid")
    else { return false }
    return html5Elements.contains(String(issue.message.dropFirst(4).dropLast(8)).lowercased())
  }

  /// The deepest nesting (top-level nodes are at depth 1) and the longest text node, walked
  /// without recursion so that a hostile depth cannot exhaust the stack.
  static func measure(_ doc: xmlDocPtr) -> (depth: Int, longestText: Int) {
    let top = UnsafeMutableRawPointer(doc)
    var maxDepth = 0
    var longest = 0
    var depth = 1
    var current = doc.pointee.children
    while let node = current {
      maxDepth = max(maxDepth, depth)
      let type = node.pointee.type
      if type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE, let content = node.pointee.content {
        longest = max(longest, strlen(content))
      }
      if let child = node.pointee.children, type == XML_ELEMENT_NODE {
        current = child
        depth += 1
        continue
      }
      // Next sibling, or climb until an ancestor has one.
      var climb: xmlNodePtr? = node
      current = nil
      while let up = climb {
        if let next = up.pointee.next {
          current = next
          break
        }
        guard let parent = up.pointee.parent, UnsafeMutableRawPointer(parent) != top else { break }
        climb = parent
        depth -= 1
      }
    }
    return (maxDepth, longest)
  }

  /// The document as UTF-8 XML, with its declaration, exactly as libxml2 serialises the tree (no
  /// reformatting).
  public func serialized() throws -> Data {
    var memory: UnsafeMutablePointer<xmlChar>?
    var size: Int32 = 0
    xmlDocDumpMemoryEnc(doc, &memory, &size, "UTF-8")
    guard let memory, size >= 0 else { throw CasefileError(.internalError, "libxml2 could not serialise a document") }
    defer { cxml_free(memory) }
    return Data(bytes: memory, count: Int(size))
  }

  /// The root element.
  public var root: XMLNode? {
    xmlDocGetRootElement(doc).map { XMLNode(tree: self, node: $0) }
  }

  /// Evaluates an XPath expression and returns the nodes it selects, in document order.
  /// `namespaces` maps prefixes used in the expression to namespace URIs.
  public func nodes(_ expression: String, from start: XMLNode? = nil, namespaces: [String: String] = [:]) throws -> [XMLNode] {
    guard let context = xmlXPathNewContext(doc) else {
      throw CasefileError(.xmlXPath, "libxml2 could not make an XPath context")
    }
    defer { xmlXPathFreeContext(context) }
    for (prefix, uri) in namespaces {
      _ = xmlXPathRegisterNs(context, prefix, uri)
    }
    if let start { context.pointee.node = start.node }
    guard let result = xmlXPathEvalExpression(expression, context) else {
      throw CasefileError(.xmlXPath, "the XPath expression '\(expression)' did not run")
    }
    defer { xmlXPathFreeObject(result) }
    guard result.pointee.type == XPATH_NODESET, let set = result.pointee.nodesetval else { return [] }
    let count = Int(set.pointee.nodeNr)
    return (0..<count).compactMap { index in set.pointee.nodeTab[index].map { XMLNode(tree: self, node: $0) } }
  }

  /// The first node an XPath expression selects.
  public func node(_ expression: String, from start: XMLNode? = nil, namespaces: [String: String] = [:]) throws -> XMLNode? {
    try nodes(expression, from: start, namespaces: namespaces).first
  }
}

/// A node of an ``XMLTree``. It keeps its tree alive.
public struct XMLNode {
  let tree: XMLTree
  let node: xmlNodePtr

  /// The element's local name (`p`, `comment`), or `#text` for text.
  public var name: String {
    node.pointee.type == XML_TEXT_NODE ? "#text" : node.pointee.name.map { String(cString: $0) } ?? ""
  }

  /// The namespace URI of an element, if it has one.
  public var namespaceURI: String? {
    node.pointee.ns?.pointee.href.map { String(cString: $0) }
  }

  public var isElement: Bool { node.pointee.type == XML_ELEMENT_NODE }

  /// All the text inside the node, entities and CDATA included, as libxml2 gives it.
  public var text: String {
    guard let content = xmlNodeGetContent(node) else { return "" }
    defer { cxml_free(content) }
    return String(cString: content)
  }

  /// An attribute's value (no namespace), or nil.
  public func attribute(_ name: String) -> String? {
    guard let value = xmlGetProp(node, name) else { return nil }
    defer { cxml_free(value) }
    return String(cString: value)
  }

  /// The element children, in order.
  public var elements: [XMLNode] {
    Self.elementChildren(of: node).map { XMLNode(tree: tree, node: $0) }
  }

  /// The element children of a libxml2 node, in order.
  static func elementChildren(of node: xmlNodePtr) -> [xmlNodePtr] {
    var out: [xmlNodePtr] = []
    var child = node.pointee.children
    while let current = child {
      if current.pointee.type == XML_ELEMENT_NODE { out.append(current) }
      child = current.pointee.next
    }
    return out
  }

  /// The line of the file where the node starts.
  public var line: Int { Int(xmlGetLineNo(node)) }

  /// The node serialised back to markup (libxml2's form, not necessarily the file's bytes).
  public var markup: String {
    guard let buffer = xmlBufferCreate() else { return "" }
    defer { xmlBufferFree(buffer) }
    _ = xmlNodeDump(buffer, tree.doc, node, 0, 0)
    return xmlBufferContent(buffer).map { String(cString: $0) } ?? ""
  }

  /// Evaluates an XPath expression relative to this node.
  public func nodes(_ expression: String, namespaces: [String: String] = [:]) throws -> [XMLNode] {
    try tree.nodes(expression, from: self, namespaces: namespaces)
  }

  /// The first node of an XPath expression relative to this node.
  public func node(_ expression: String, namespaces: [String: String] = [:]) throws -> XMLNode? {
    try tree.nodes(expression, from: self, namespaces: namespaces).first
  }
}
