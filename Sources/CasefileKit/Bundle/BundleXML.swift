import CLibXML2
import Foundation

/// Writes `bundle.xml` (format version 1, `urn:casefile:bundle:1`) from a selection, streaming
/// through libxml2's xmlTextWriter. The signature is added afterwards (``XMLSignature``), and the
/// whole is checked against the XSD (``BundleSchema``) before anything is written out.
public enum BundleXML {
  public static let namespace = "urn:casefile:bundle:1"
  public static let formatVersion = "1"

  /// One file of the package other than `bundle.xml`, as the manifest lists it.
  public struct ManifestEntry: Sendable, Equatable {
    public var path: String
    public var size: Int
    public var sha256: String

    public init(path: String, size: Int, sha256: String) {
      self.path = path
      self.size = size
      self.sha256 = sha256
    }
  }

  /// Where an attachment goes in the package: by its digest, so two files of the same name never
  /// collide and the path says nothing of the original name.
  public static func attachmentPath(_ attachment: AttachmentRecord) -> String {
    let ext = (attachment.fileName as NSString).pathExtension.lowercased()
    let safe = !ext.isEmpty && ext.count <= 8 && ext.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    return "attachments/\(attachment.sha256)" + (safe ? ".\(ext)" : "")
  }

  /// The document without its signature.
  public static func write(
    _ selection: BundleSelection, createdAt: String, keyFingerprint: String, allowedFindings: [String],
    manifest: [ManifestEntry], derivatives: [String: AttachmentDerivative] = [:]
  ) throws -> Data {
    let out = try XMLOutput()
    let refs = selection.numbering
    try out.start("bundle", namespace: namespace)
    try out.attribute("version", formatVersion)
    try out.attribute("profile", selection.request.profile.rawValue)

    try out.start("metadata")
    try out.start("generator")
    try out.attribute("name", "casefile")
    try out.attribute("version", CasefileVersion.current)
    try out.end()
    try out.element("createdAt", createdAt)
    try out.element("caseRef", refs.caseRef(selection.caseRecord.ref))
    try out.element("auditHead", selection.auditHead)
    try out.element("identified", selection.identified ? "true" : "false")
    try out.element("confidentialIncluded", selection.confidentialIncluded ? "true" : "false")
    // A package numbered afresh says nothing of what it leaves out.
    if refs.listsExcluded, !selection.excluded.isEmpty {
      try out.start("excluded")
      for ref in selection.excluded { try out.element("item", ref) }
      try out.end()
    }
    if !allowedFindings.isEmpty {
      try out.start("allowed")
      for finding in allowedFindings { try out.element("finding", finding) }
      try out.end()
    }
    try out.end()

    try out.start("sender")
    if let name = selection.sender.name { try text(out, "name", name) }
    if let registration = selection.sender.registrationNumber { try text(out, "registrationNumber", registration) }
    if let contact = selection.sender.contact { try text(out, "contact", contact) }
    if let indemnifier = selection.sender.indemnifier {
      try out.start("indemnifier")
      try text(out, "organisation", indemnifier.organisation)
      if let membership = indemnifier.membershipNumber { try text(out, "membershipNumber", membership) }
      if let contact = indemnifier.contact { try text(out, "contact", contact) }
      try out.end()
    }
    try out.element("keyFingerprint", keyFingerprint)
    try out.end()

    let record = selection.caseRecord
    try out.start("case")
    try out.attribute("ref", refs.caseRef(record.ref))
    try text(out, "title", record.title)
    try out.element("category", record.category.rawValue)
    try out.element("severity", record.severity.rawValue)
    try out.element("status", record.status.rawValue)
    try out.element("openedAt", record.openedAt)
    if let closed = record.closedAt { try out.element("closedAt", closed) }
    try out.end()

    try out.start("actors")
    for actor in selection.actors {
      try out.start("actor")
      try out.attribute("ref", try ref(actor.ref, refs))
      try out.attribute("platform", actor.platform.rawValue)
      try text(out, "handle", actor.handle)
      if let name = actor.displayName { try text(out, "displayName", name) }
      if let id = actor.platformUserId { try text(out, "platformUserId", id) }
      if let url = actor.profileUrl { try text(out, "profileUrl", url) }
      if selection.patientFlags {
        try out.start("patient")
        try out.attribute("flagged", actor.patientFlag ? "true" : "false")
        try out.end()
      }
      try out.end()
    }
    try out.end()

    try out.start("items")
    for item in selection.items { try write(item, refs: refs, to: out, derivatives: derivatives) }
    try out.end()

    try out.start("steps")
    for step in selection.steps {
      try out.start("step")
      try out.attribute("ref", try ref(step.ref, refs))
      try out.attribute("kind", step.kind)
      try out.attribute("on", step.on.description)
      try out.attribute("recordedAt", step.recordedAt)
      if let refersTo = step.refersTo { try out.attribute("refersTo", try ref(refersTo, refs)) }
      // A retraction that stays behind is not named (it stays behind with its step in practice).
      if let retractedBy = step.retractedBy.flatMap(refs.ref) { try out.attribute("retractedBy", retractedBy) }
      try out.attribute("confidential", step.confidentiality == .confidential ? "true" : "false")
      for name in step.details.keys.sorted() { try detail(out, name, step.details[name] ?? "") }
      try out.end()
    }
    try out.end()

    if let notes = selection.notes {
      try out.start("notes")
      for note in notes {
        try out.start("note")
        try out.attribute("ref", try ref(note.ref, refs))
        try out.attribute("createdAt", note.createdAt)
        try textContent(out, note.text)
        try out.end()
      }
      try out.end()
    }

    try out.start("manifest")
    for file in manifest.sorted(by: { $0.path < $1.path }) {
      try out.start("file")
      try out.attribute("path", file.path)
      try out.attribute("size", String(file.size))
      try out.attribute("sha256", file.sha256)
      try out.end()
    }
    try out.end()
    try out.end()
    return try out.finish()
  }

  /// The reference the package writes for one in the store: a missing one is a bug of the
  /// selection, which must never write a store reference into a package numbered afresh.
  private static func ref(_ storeRef: String, _ refs: PackageNumbering) throws -> String {
    guard let ref = refs.ref(storeRef) else {
      throw CasefileError(.internalError, "the bundle refers to \(storeRef), which it does not hold", location: .init(file: BundlePackage.bundle))
    }
    return ref
  }

  private static func write(
    _ item: BundleSelection.Item, refs: PackageNumbering, to out: XMLOutput, derivatives: [String: AttachmentDerivative]
  ) throws {
    let record = item.record
    try out.start("item")
    try out.attribute("ref", try ref(record.ref, refs))
    try out.attribute("kind", record.kind.rawValue)
    try out.attribute("platform", record.platform.rawValue)
    if let author = record.authorRef { try out.attribute("author", try ref(author, refs)) }
    if let direction = item.direction { try out.attribute("direction", direction) }
    try out.start("occurredAt")
    try out.attribute("utc", record.occurredAt)
    try out.attribute("zone", record.occurredZone)
    try out.attribute("zoneSource", record.zoneSource.rawValue)
    try out.text(record.occurredAtText)
    try out.end()
    try out.element("capturedAt", record.capturedAt)
    if let thread = item.thread { try text(out, "thread", thread) }
    if !item.recipients.isEmpty {
      try out.start("recipients")
      for recipient in item.recipients { try text(out, "recipient", recipient) }
      try out.end()
    }
    if let body = item.text {
      try out.start("text")
      if body.redacted { try out.attribute("redacted", "true") }
      if let original = body.originalSha256 { try out.attribute("originalSha256", original) }
      try textContent(out, body.value)
      try out.end()
    }
    if let url = record.url { try text(out, "url", url) }
    if let id = item.platformMessageID { try text(out, "platformMessageId", id) }
    if !item.details.isEmpty {
      try out.start("details")
      for (name, value) in item.details { try detail(out, name, value) }
      try out.end()
    }
    try out.start("provenance")
    try out.attribute("method", record.captureMethod.rawValue)
    if let source = item.provenance {
      try out.start("import")
      try out.attribute("format", source.format)
      if let archive = source.archiveSha256 { try out.attribute("archiveSha256", archive) }
      if let entry = source.entryPath { try out.attribute("entry", entry) }
      try out.attribute("fragmentSha256", source.fragmentSha256)
      if let fragment = source.fragment { try out.element("fragment", fragment.base64EncodedString()) }
      try out.end()
    }
    try out.end()
    if !record.attachments.isEmpty {
      try out.start("attachments")
      for attachment in record.attachments {
        try out.start("attachment")
        if let copy = derivatives[attachment.sha256] {
          // The cleaned copy, linked to the original by its digest and the transformation.
          try out.attribute("path", copy.path)
          try out.attribute("mediaType", copy.mediaType)
          try out.attribute("size", String(copy.size))
          try out.attribute("sha256", copy.sha256)
          try out.attribute("originalSha256", copy.originalSha256)
          try out.attribute("transform", copy.transform)
        } else {
          try out.attribute("path", attachmentPath(attachment))
          try out.attribute("mediaType", attachment.mediaType)
          try out.attribute("size", String(attachment.size))
          try out.attribute("sha256", attachment.sha256)
        }
        try out.text(XMLOutput.isExactXMLText(attachment.fileName) ? attachment.fileName : "file")
        try out.end()
      }
      try out.end()
    }
    try out.end()
  }

  /// An element of type `Text`.
  private static func text(_ out: XMLOutput, _ name: String, _ value: String) throws {
    try out.start(name)
    try textContent(out, value)
    try out.end()
  }

  private static func detail(_ out: XMLOutput, _ name: String, _ value: String) throws {
    try out.start("detail")
    try out.attribute("name", name)
    try textContent(out, value)
    try out.end()
  }

  /// The content of a `Text`: as it is when XML carries it exactly, otherwise base64 of its UTF-8
  /// with `encoding="base64"`.
  private static func textContent(_ out: XMLOutput, _ value: String) throws {
    if XMLOutput.isExactXMLText(value) {
      try out.text(value)
    } else {
      try out.attribute("encoding", "base64")
      try out.text(Data(value.utf8).base64EncodedString())
    }
  }
}

extension BundleXML {
  /// Adds one file to the manifest of a parsed, unsigned bundle, where ``write(_:createdAt:keyFingerprint:allowedFindings:manifest:)``
  /// would have put it: in path order, on a line of its own with the writer's indentation, so the
  /// document is the same as if it had been written with the entry. The export renders the report
  /// from the bundle without the report's entry, then adds that entry here instead of writing and
  /// parsing the bundle twice.
  static func addManifestEntry(_ entry: ManifestEntry, to tree: XMLTree) throws {
    let problem = CasefileError(.internalError, "the bundle has no manifest to add \(entry.path) to", location: .init(file: BundlePackage.bundle))
    guard let root = xmlDocGetRootElement(tree.doc), let manifest = elementChild(of: root, named: "manifest") else { throw problem }
    // The new nodes, made before any is linked in, so a failure leaves the tree as it was.
    guard let element = xmlNewDocNode(tree.doc, manifest.pointee.ns, "file", nil) else { throw problem }
    let line = xmlNewDocText(tree.doc, "\n    ")
    let close = xmlNewDocText(tree.doc, "\n  ")
    let attributes = [("path", entry.path), ("size", String(entry.size)), ("sha256", entry.sha256)]
    guard let line, let close, attributes.allSatisfy({ xmlNewProp(element, $0.0, $0.1) != nil }) else {
      for node in [element, line, close] { xmlFreeNode(node) }
      throw problem
    }
    // The first file that sorts after the new one, or else the text before </manifest>.
    var next = manifest.pointee.children
    while let node = next {
      if node.pointee.type == XML_ELEMENT_NODE, let path = xmlGetProp(node, "path") {
        let existing = String(cString: path)
        cxml_free(path)
        if existing > entry.path { break }
      }
      next = node.pointee.next
    }
    if let before = next, before.pointee.type == XML_ELEMENT_NODE {
      // "\n    " <new/> "\n    " <before/>
      xmlAddPrevSibling(before, element)
      xmlAddPrevSibling(before, line)
      xmlFreeNode(close)
    } else if let last = manifest.pointee.last, last.pointee.type == XML_TEXT_NODE {
      // <last/> "\n    " <new/> "\n  " </manifest>. The element goes in first: a text node added
      // beside another text node would be merged into it (and freed).
      xmlAddPrevSibling(last, element)
      xmlAddPrevSibling(element, line)
      xmlFreeNode(close)
    } else {
      xmlAddChild(manifest, line)
      xmlAddChild(manifest, element)
      xmlAddChild(manifest, close)
    }
  }

  /// The first child element of `parent` with a local name, in the bundle's namespace.
  private static func elementChild(of parent: xmlNodePtr, named name: String) -> xmlNodePtr? {
    var next = parent.pointee.children
    while let node = next {
      if node.pointee.type == XML_ELEMENT_NODE, String(cString: node.pointee.name) == name,
        let ns = node.pointee.ns, let href = ns.pointee.href, String(cString: href) == namespace
      {
        return node
      }
      next = node.pointee.next
    }
    return nil
  }
}
