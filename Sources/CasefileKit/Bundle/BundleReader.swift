import Foundation

/// A verified bundle read back into values, for `casefile receive`. It reads only from the tree
/// that ``BundleVerifier`` verified, and the schema has already been checked, so a missing
/// required part is a bug of the verifier, reported as an integrity error.
public struct ReceivedBundle: Sendable {
  public struct Actor: Sendable {
    public var ref: String
    public var platform: Platform
    public var input: ActorInput
    public var patientFlag: Bool?
  }

  public struct Item: Sendable {
    public var ref: String
    public var platform: Platform
    public var kind: ItemKind
    public var author: String?
    public var direction: String?
    public var occurredAt: (utc: String, original: String, zone: String, zoneSource: String)
    public var capturedAt: String
    public var thread: String?
    public var recipients: [String]
    public var text: String?
    public var textRedacted: Bool
    /// The SHA-256 of the text before it was redacted, when the package gives it.
    public var textOriginalSha256: String? = nil
    public var url: String?
    public var platformMessageID: String?
    public var details: [(name: String, value: String)]
    public var method: CaptureMethod
    public var provenance: (format: String, archiveSha256: String?, entry: String?, fragmentSha256: String, fragment: Data?)?
    /// `originalSha256` is set on a copy cleaned of metadata: the digest of the original it was
    /// made from, which the sender's store holds.
    public var attachments: [(path: String, name: String, mediaType: String, size: Int, sha256: String, originalSha256: String?)]
  }

  public struct Step: Sendable {
    public var ref: String
    public var kind: String
    public var on: String
    public var recordedAt: String
    public var refersTo: String?
    public var confidential: Bool
    public var details: [(name: String, value: String)]
  }

  public var profile: String
  /// The case as the sender's store had it (its reference is the sender's).
  public var caseRecord: CaseRecord
  public var actors: [Actor]
  public var items: [Item]
  public var steps: [Step]
  public var notes: [(text: String, createdAt: String)]

  /// Reads the values of a verified tree.
  public init(verified tree: XMLTree) throws {
    let ns = ["b": BundleXML.namespace]
    func one(_ path: String, from node: XMLNode? = nil) throws -> XMLNode {
      guard let found = try tree.node(path, from: node, namespaces: ns) else {
        throw CasefileError(.integrity, "the verified bundle has no \(path)")
      }
      return found
    }
    func optional(_ path: String, from node: XMLNode) throws -> XMLNode? { try tree.node(path, from: node, namespaces: ns) }
    /// The value of a `Text` element, decoding base64.
    func text(_ node: XMLNode) throws -> String {
      guard node.attribute("encoding") == "base64" else { return node.text }
      guard let data = Data(base64Encoded: node.text.filter { !$0.isWhitespace }), let value = String(data: data, encoding: .utf8) else {
        throw CasefileError(.integrity, "a base64 text of the bundle does not decode to UTF-8")
      }
      return value
    }
    func details(_ nodes: [XMLNode]) throws -> [(name: String, value: String)] {
      try nodes.map { ($0.attribute("name") ?? "", try text($0)) }
    }

    let root = try one("/b:bundle")
    profile = root.attribute("profile") ?? ""
    let caseNode = try one("b:case", from: root)
    caseRecord = CaseRecord(
      ref: try one("b:metadata/b:caseRef", from: root).text, title: try text(try one("b:title", from: caseNode)),
      category: try CaseCategory.parse(try one("b:category", from: caseNode).text),
      severity: try Severity.parse(try one("b:severity", from: caseNode).text),
      status: try CaseStatus.parse(try one("b:status", from: caseNode).text),
      openedAt: try one("b:openedAt", from: caseNode).text, closedAt: try optional("b:closedAt", from: caseNode)?.text)

    actors = try tree.nodes("b:actors/b:actor", from: root, namespaces: ns).map { node in
      Actor(
        ref: node.attribute("ref") ?? "", platform: try Platform.parse(node.attribute("platform") ?? ""),
        input: ActorInput(
          handle: try text(try one("b:handle", from: node)), displayName: try optional("b:displayName", from: node).map(text),
          profileURL: try optional("b:profileUrl", from: node).map(text),
          platformUserID: try optional("b:platformUserId", from: node).map(text)),
        patientFlag: try optional("b:patient", from: node).map { $0.attribute("flagged") == "true" })
    }

    items = try tree.nodes("b:items/b:item", from: root, namespaces: ns).map { node in
      let time = try one("b:occurredAt", from: node)
      let body = try optional("b:text", from: node)
      let provenance = try one("b:provenance", from: node)
      let source = try optional("b:import", from: provenance)
      return Item(
        ref: node.attribute("ref") ?? "", platform: try Platform.parse(node.attribute("platform") ?? ""),
        kind: try ItemKind.parse(node.attribute("kind") ?? ""), author: node.attribute("author"), direction: node.attribute("direction"),
        occurredAt: (time.attribute("utc") ?? "", time.text, time.attribute("zone") ?? "", time.attribute("zoneSource") ?? ""),
        capturedAt: try one("b:capturedAt", from: node).text,
        thread: try optional("b:thread", from: node).map(text),
        recipients: try tree.nodes("b:recipients/b:recipient", from: node, namespaces: ns).map(text),
        text: try body.map(text), textRedacted: body?.attribute("redacted") == "true",
        textOriginalSha256: body?.attribute("originalSha256"),
        url: try optional("b:url", from: node).map(text), platformMessageID: try optional("b:platformMessageId", from: node).map(text),
        details: try details(try tree.nodes("b:details/b:detail", from: node, namespaces: ns)),
        method: try CaptureMethod.parse(provenance.attribute("method") ?? ""),
        provenance: try source.map { source in
          let fragment = try optional("b:fragment", from: source).map { node -> Data in
            guard let data = Data(base64Encoded: node.text.filter { !$0.isWhitespace }) else {
              throw CasefileError(.integrity, "a raw fragment of the bundle is not base64")
            }
            return data
          }
          return (
            source.attribute("format") ?? "", source.attribute("archiveSha256"), source.attribute("entry"),
            source.attribute("fragmentSha256") ?? "", fragment
          )
        },
        attachments: try tree.nodes("b:attachments/b:attachment", from: node, namespaces: ns).map {
          (
            $0.attribute("path") ?? "", $0.text, $0.attribute("mediaType") ?? "", Int($0.attribute("size") ?? "") ?? 0,
            $0.attribute("sha256") ?? "", $0.attribute("originalSha256")
          )
        })
    }

    steps = try tree.nodes("b:steps/b:step", from: root, namespaces: ns).map { node in
      Step(
        ref: node.attribute("ref") ?? "", kind: node.attribute("kind") ?? "", on: node.attribute("on") ?? "",
        recordedAt: node.attribute("recordedAt") ?? "", refersTo: node.attribute("refersTo"),
        confidential: node.attribute("confidential") == "true",
        details: try details(try tree.nodes("b:detail", from: node, namespaces: ns)))
    }
    notes = try tree.nodes("b:notes/b:note", from: root, namespaces: ns).map { (try text($0), $0.attribute("createdAt") ?? "") }
  }
}
