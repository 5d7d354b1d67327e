import CLibXML2
import CLibXSLT
import Foundation

/// Process-wide libxslt set-up, done once.
///
/// Besides the per-run security preferences of ``XSLTRun``, two process-wide settings make sure
/// that nothing is read even where a run has no preferences: the default preferences forbid
/// everything (they also govern `xsl:import` and `xsl:include` while a stylesheet compiles), and
/// the document loader refuses every URI. casefile applies only its own stylesheet, which loads
/// nothing.
enum XSLTRuntime {
  static let ready: Void = {
    _ = XMLRuntime.ready
    xsltInit()
    exsltStrRegister()
    cxslt_discard_generic_errors()
    xsltSetLoaderFunc(refuseToLoad)
    // Kept for the life of the process: libxslt holds the pointer.
    if let defaults = xsltNewSecurityPrefs() {
      XSLTRun.forbidEverything(defaults)
      xsltSetDefaultSecurityPrefs(defaults)
    }
  }()
}

/// The document loader for `document()`, `xsl:import` and `xsl:include`: nothing, ever.
let refuseToLoad: xsltDocLoaderFunc = { _, _, _, _, _ in nil }

/// The messages libxslt and libxml2 report during one compilation and run. They reach it from
/// C through ``sink``, whose context is this object, unretained: the owner keeps it alive.
final class XSLTMessages {
  private(set) var lines: [String] = []
  private var partial = ""
  /// libxslt can repeat a message for every node; keep the first few.
  static let limit = 100
  let sink: UnsafeMutablePointer<cxslt_sink>

  init() {
    sink = .allocate(capacity: 1)
    sink.initialize(to: cxslt_sink(receive: receiveXSLTMessage, context: nil))
    sink.pointee.context = Unmanaged.passUnretained(self).toOpaque()
  }

  deinit { sink.deallocate() }

  /// libxslt sends one message in pieces (the place, then the text, each ending in a line feed or
  /// not): pieces are joined and cut into lines.
  func receive(_ piece: String) {
    partial += piece
    while let end = partial.firstIndex(of: "\n") {
      add(String(partial[..<end]))
      partial = String(partial[partial.index(after: end)...])
    }
  }

  /// Every line, the unfinished last one included.
  var all: [String] {
    let last = partial.trimmingCharacters(in: .whitespacesAndNewlines)
    return last.isEmpty || lines.count >= Self.limit ? lines : lines + [last]
  }

  private func add(_ line: String) {
    let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty, lines.count < Self.limit else { return }
    lines.append(trimmed)
  }
}

/// The C callback of ``XSLTMessages/sink``.
let receiveXSLTMessage: cxslt_message_func = { context, message in
  guard let context, let message else { return }
  Unmanaged<XSLTMessages>.fromOpaque(context).takeUnretainedValue().receive(String(cString: message))
}

/// A compiled XSLT stylesheet. It owns libxslt's structure, and the document it was compiled
/// from, and frees both in `deinit`.
///
/// Not Sendable. One is compiled for each run (see ``BundleReport``).
final class XSLTStylesheet {
  let pointer: xsltStylesheetPtr

  /// Parses the stylesheet with casefile's safe XML parse (no DTD, no entities, no network) and
  /// compiles it. libxml2's and libxslt's messages go to `messages`, never to stderr.
  init(_ source: Data, messages: XSLTMessages, location: CasefileError.Location) throws {
    _ = XSLTRuntime.ready
    let tree = try XMLTree.parseXML(source, location: location)
    // xsltParseStylesheetDoc takes the document it compiles, and frees it with the stylesheet;
    // the tree frees its own in deinit, so libxslt gets a copy.
    guard let copy = xmlCopyDoc(tree.doc, 1) else {
      throw CasefileError(.internalError, "libxml2 could not copy the stylesheet", location: location)
    }
    let saved = cxslt_capture_thread_errors(messages.sink)
    let compiled = xsltParseStylesheetDoc(copy)
    cxslt_restore_thread_errors(saved)
    guard let compiled else {
      // On failure libxslt leaves the document to the caller.
      xmlFreeDoc(copy)
      throw CasefileError(.reportFailed, Self.describe("the stylesheet did not compile", messages), location: location)
    }
    guard compiled.pointee.errors == 0 else {
      xsltFreeStylesheet(compiled)
      throw CasefileError(.reportFailed, Self.describe("the stylesheet did not compile", messages), location: location)
    }
    pointer = compiled
  }

  deinit { xsltFreeStylesheet(pointer) }

  /// A failure's message with libxslt's first message, when it gave one. libxslt says where
  /// first ("runtime error: file F line N element E") and what next: the what is shown.
  static func describe(_ what: String, _ messages: XSLTMessages) -> String {
    let lines = messages.all
    let places = ["runtime error:", "compilation error:"]
    guard let first = lines.first(where: { line in !places.contains { line.hasPrefix($0) } }) ?? lines.first else {
      return what
    }
    return "\(what): \(first.prefix(300))"
  }
}

/// One run of a stylesheet over a document. Its security preferences forbid all five things
/// libxslt can be asked to do outside the document: read a file, write a file, create a
/// directory, read from the network, write to the network. So `document()` loads nothing (not
/// even the stylesheet itself, `document('')`), and `xsl:document` or `exsl:document` write
/// nothing. Owns the transform context and the preferences and frees both in `deinit`.
///
/// Not Sendable: it belongs to the thread that runs it.
final class XSLTRun {
  let stylesheet: XSLTStylesheet
  let document: XMLTree
  let messages: XSLTMessages
  let context: xsltTransformContextPtr
  let security: xsltSecurityPrefsPtr

  init(stylesheet: XSLTStylesheet, document: XMLTree, messages: XSLTMessages, location: CasefileError.Location) throws {
    guard let security = xsltNewSecurityPrefs() else {
      throw CasefileError(.internalError, "libxslt could not make security preferences", location: location)
    }
    guard Self.forbidEverything(security) else {
      xsltFreeSecurityPrefs(security)
      throw CasefileError(.internalError, "libxslt refused the security preferences", location: location)
    }
    guard let context = xsltNewTransformContext(stylesheet.pointer, document.doc) else {
      xsltFreeSecurityPrefs(security)
      throw CasefileError(.internalError, "libxslt could not make a transform context", location: location)
    }
    guard xsltSetCtxtSecurityPrefs(security, context) == 0 else {
      xsltFreeTransformContext(context)
      xsltFreeSecurityPrefs(security)
      throw CasefileError(.internalError, "libxslt refused the security preferences", location: location)
    }
    cxslt_set_transform_sink(context, messages.sink)
    self.stylesheet = stylesheet
    self.document = document
    self.messages = messages
    self.context = context
    self.security = security
  }

  deinit {
    xsltFreeTransformContext(context)
    xsltFreeSecurityPrefs(security)
  }

  /// Sets all five options of a preferences object to `xsltSecurityForbid`.
  @discardableResult
  static func forbidEverything(_ prefs: xsltSecurityPrefsPtr) -> Bool {
    let options = [
      XSLT_SECPREF_READ_FILE, XSLT_SECPREF_WRITE_FILE, XSLT_SECPREF_CREATE_DIRECTORY,
      XSLT_SECPREF_READ_NETWORK, XSLT_SECPREF_WRITE_NETWORK,
    ]
    return options.allSatisfy { xsltSetSecurityPrefs(prefs, $0, xsltSecurityForbid) == 0 }
  }

  /// Applies the stylesheet and serialises the result as its `xsl:output` says. Fails when
  /// libxslt gives no result, stops in error, or reports anything at all: a report is complete or
  /// it is not made.
  /// Returns the bytes and the result tree, which the caller frees (see ``BundleReport``).
  func output(location: CasefileError.Location) throws -> (Data, XMLTree) {
    let saved = cxslt_capture_thread_errors(messages.sink)
    defer { cxslt_restore_thread_errors(saved) }
    // The document-order index libxml2 keeps in each element (xsltproc sets it too): without it,
    // putting a node set in document order walks sibling lists, which is slow on 100k items.
    _ = xmlXPathOrderDocElems(document.doc)
    let result = xsltApplyStylesheetUser(stylesheet.pointer, document.doc, nil, nil, nil, context)
    // The result is a document like any other; the tree frees it.
    let tree = result.map { XMLTree(doc: $0, issues: [], lossy: false, lossyReasons: []) }
    guard let tree, cxslt_run_succeeded(context) != 0, messages.all.isEmpty else {
      throw CasefileError(.reportFailed, XSLTStylesheet.describe("the stylesheet failed", messages), location: location)
    }
    var buffer: UnsafeMutablePointer<xmlChar>?
    var length: Int32 = 0
    guard xsltSaveResultToString(&buffer, &length, tree.doc, stylesheet.pointer) == 0, messages.all.isEmpty else {
      if let buffer { cxml_free(buffer) }
      throw CasefileError(.reportFailed, XSLTStylesheet.describe("the result could not be written", messages), location: location)
    }
    guard let buffer else { return (Data(), tree) }
    defer { cxml_free(buffer) }
    return (Data(bytes: buffer, count: Int(length)), tree)
  }
}
