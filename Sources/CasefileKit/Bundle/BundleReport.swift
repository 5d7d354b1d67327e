import Foundation

extension CasefileError.Code {
  /// The HTML report of a bundle could not be made: the stylesheet did not compile, or failed on
  /// the bundle.
  public static let reportFailed = CasefileError.Code("report-failed", .internalError)
}

/// The HTML report of an evidence bundle: one self-contained page, readable offline, made by
/// casefile's own stylesheet `casefile-report-1.xsl` (schemas/README.md).
///
/// The page goes beside `bundle.xml` in the package, so that its images (`attachments/…`)
/// resolve. A recipient gets the same bytes with `xsltproc casefile-report-1.xsl bundle.xml`.
public enum BundleReport {
  /// The stylesheet's file name among the resources, and in `schemas/`.
  static let stylesheetName = "casefile-report-1.xsl"

  /// Renders a bundle as HTML (UTF-8). The bundle is parsed with casefile's safe XML parse (no
  /// DTD, no entities) and must have the bundle's root element; the stylesheet can read, write
  /// and fetch nothing. The same bundle always gives the same bytes.
  public static func render(_ bundleXML: Data, location: CasefileError.Location) throws -> Data {
    try render(try XMLTree.parseXML(bundleXML, location: location), location: location)
  }

  /// Renders a bundle already parsed with casefile's safe XML parse. The tree is only read (and
  /// given libxml2's document-order index, which speeds up XPath on a tree that no longer changes
  /// where it has nodes).
  static func render(_ tree: XMLTree, location: CasefileError.Location) throws -> Data {
    guard let root = tree.root, root.name == "bundle", root.namespaceURI == BundleXML.namespace else {
      throw CasefileError(
        .badValue, "not an evidence bundle: the root element is not 'bundle' in \(BundleXML.namespace)", location: location)
    }
    let stylesheet = try stylesheetSource()
    // A big bundle is rendered in runs of items on several threads (``ReportChunks``), with the
    // same bytes.
    if let page = try ReportChunks.render(tree, stylesheet: stylesheet, location: location) { return page }
    return try apply(stylesheet, to: tree, location: location)
  }

  /// Applies a stylesheet to a document as ``render(_:location:)`` does, without the check of the
  /// root element: for tests that check what a hostile stylesheet can do.
  static func transform(_ document: Data, stylesheet: Data, location: CasefileError.Location) throws -> Data {
    try apply(stylesheet, to: XMLTree.parseXML(document, location: location), location: location)
  }

  /// Compiles the stylesheet and runs it over the tree.
  ///
  /// The stylesheet is compiled for each call: that takes under a millisecond, and leaves no
  /// question of sharing libxslt's compiled structure between threads.
  static func apply(_ stylesheet: Data, to tree: XMLTree, location: CasefileError.Location) throws -> Data {
    let messages = XSLTMessages()
    let compiled = try XSLTStylesheet(stylesheet, messages: messages, location: stylesheetLocation)
    let run = try XSLTRun(stylesheet: compiled, document: tree, messages: messages, location: location)
    let (html, result) = try run.output(location: location)
    // The result tree and the transform context (which holds the stylesheet, the messages and
    // the key tables) are big and of no further use: they are freed off this thread. The source
    // tree stays the caller's; the run only drops its reference to it.
    BackgroundRelease.release([consume result, consume run])
    return html
  }

  /// Where a stylesheet error is reported: the resource, by name.
  static let stylesheetLocation = CasefileError.Location(file: stylesheetName)

  /// The stylesheet's bytes, from casefile's resources.
  static func stylesheetSource() throws -> Data {
    try SchemaResources.data(named: stylesheetName)
  }
}
