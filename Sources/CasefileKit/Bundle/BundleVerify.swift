import Foundation

/// What `casefile verify` checked, once every check has passed.
public struct VerifyReport: Sendable, Codable, Equatable {
  public var file: String
  public var profile: String
  public var caseRef: String
  public var createdAt: String
  /// The fingerprint of the key that verified the signature.
  public var keyFingerprint: String
  /// False when no key was pinned: the package's own key verified it, which proves the bundle is
  /// whole but not who made it.
  public var signerProven: Bool
  /// Who vouches for the key: `pinned`, `own-key`, `trusted` (with ``signerName``) or
  /// `unverified`.
  public var signer: String
  /// The name the key was trusted under (`casefile keys trust`).
  public var signerName: String?
  public var items: Int
  /// Files beside bundle.xml, each matched against the signed manifest.
  public var files: Int
  public var checks: [String]
}

/// Verifies a package: the schema, the signature with a pinned key under every restriction of
/// threats.md, and every file against the signed manifest. Any failure throws; the data is read
/// only from the very tree that was verified.
public enum BundleVerifier {
  /// The exit code of `verify` and `receive` when the package is whole but nothing vouches for
  /// its signer: no pin, and a key neither trusted nor the store's own.
  public static let unverifiedSignerExitCode: Int32 = 81

  /// The largest `bundle.xml` read.
  static let maximumBundleBytes = 2 << 30

  /// How the signer's key is pinned.
  public enum Pin: Sendable {
    case fingerprint(String)
    case key(PublicSigningKey)
    /// Nothing pinned: the key in the package is used, and the report says the signer is unproven.
    case none
  }

  /// The XML declaration casefile writes, the whole first line of every bundle.
  static let declaration = Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".utf8)

  /// Checks that bundle.xml is in the form casefile writes, as VERIFY.txt checks it: UTF-8 under
  /// casefile's declaration, no other processing instruction, and no `<!` at all (a DOCTYPE, a
  /// comment or a CDATA section, none of which casefile writes; in UTF-8 text and attribute
  /// values `<` is always escaped). Canonical XML hides each of these from the signature: a
  /// DOCTYPE's entities or a CDATA section can spell the signed text another way, and a comment
  /// is not covered at all.
  static func checkWrittenForm(_ bundle: Data, location: CasefileError.Location) throws {
    guard bundle.starts(with: declaration) else {
      throw CasefileError(.signatureInvalid, "bundle.xml does not start with the XML declaration casefile writes (UTF-8)", location: location)
    }
    let markup = Data("<!".utf8)
    let instruction = Data("<?".utf8)
    guard bundle.range(of: markup) == nil, bundle.range(of: instruction, in: declaration.count..<bundle.count) == nil else {
      throw CasefileError(
        .signatureInvalid,
        "bundle.xml holds a DOCTYPE, a comment, a CDATA section or a processing instruction, which casefile never writes",
        location: location)
    }
  }

  /// Verifies the package at `url`; returns the report and the verified tree.
  public static func verify(_ url: URL, pin: Pin) throws -> (report: VerifyReport, tree: XMLTree) {
    let source = try ExportSource(url: url)
    guard source.kind == .zip else {
      throw CasefileError(.integrity, "an evidence package is a zip; this is a \(source.kind.rawValue)", location: .init(file: url.path))
    }
    // A comment or extra bytes in the zip are outside every signature, and unzip shows them.
    try ZipDirectory.checkPackageLayout(url: url, limits: source.limits)
    var bundle: Data?
    var signer: Data?
    var files: [String: (size: Int, sha256: String)] = [:]
    try source.walk { entry, stream in
      var stream = stream
      let here = CasefileError.Location(file: url.path, entry: entry.path)
      if entry.path == BundlePackage.bundle {
        guard bundle == nil else { throw CasefileError(.integrity, "the package holds bundle.xml twice", location: here) }
        var data = Data()
        while let chunk = try stream.read(max: 1 << 20) {
          data.append(chunk)
          guard data.count <= maximumBundleBytes else {
            throw CasefileError(.integrity, "bundle.xml is larger than casefile reads", location: here)
          }
        }
        bundle = data
        return .next
      }
      guard files[entry.path] == nil else { throw CasefileError(.integrity, "the package holds \(entry.path) twice", location: here) }
      let hash = SHA256Stream()
      var size = 0
      var kept = entry.path == BundlePackage.signerKey ? Data() : nil
      while let chunk = try stream.read(max: 1 << 20) {
        hash.update(chunk)
        size += chunk.count
        if kept != nil {
          kept!.append(chunk)
          guard kept!.count <= 64 << 10 else { throw CasefileError(.integrity, "signer.pem is too large to be a key", location: here) }
        }
      }
      if let kept { signer = kept }
      files[entry.path] = (size, hash.finalize())
      return .next
    }
    let at = CasefileError.Location(file: url.path, entry: BundlePackage.bundle)
    guard let bundle else { throw CasefileError(.integrity, "the package has no bundle.xml", location: .init(file: url.path)) }
    var checks: [String] = []

    // The bundle is parsed with casefile's own safe options (no DTD, no entities), never xmlsec's.
    let tree = try XMLTree.parseXML(bundle, location: at)
    try checkWrittenForm(bundle, location: at)
    try BundleSchema.validate(tree, location: at)
    checks.append("bundle.xml matches \(BundleSchema.fileName)")

    let packaged = try signer.map { try PublicSigningKey(pem: String(decoding: $0, as: UTF8.self), location: .init(file: url.path, entry: BundlePackage.signerKey)) }
    let key: PublicSigningKey
    let proven: Bool
    switch pin {
    case .key(let pinned):
      key = pinned
      proven = true
    case .fingerprint(let text):
      let wanted = try PublicSigningKey.normalizedFingerprint(text)
      guard let packaged else {
        throw CasefileError(.signatureInvalid, "the package has no signer.pem to check against the fingerprint; pass the key with --key", location: .init(file: url.path))
      }
      guard packaged.fingerprint == wanted else {
        throw CasefileError(
          .signatureInvalid, "the package's key has fingerprint \(packaged.fingerprint), not the \(wanted) you pinned: another key signed it",
          location: .init(file: url.path, entry: BundlePackage.signerKey))
      }
      key = packaged
      proven = true
    case .none:
      guard let packaged else { throw CasefileError(.signatureInvalid, "the package has no signer.pem", location: .init(file: url.path)) }
      key = packaged
      proven = false
    }
    let verified = try XMLSignature.verify(tree, publicKeyPEM: key.pem, location: at)
    guard verified.keyName == nil || verified.keyName == key.fingerprint else {
      throw CasefileError(.signatureInvalid, "the signature names the key \(verified.keyName ?? ""), not the one that verified it", location: at)
    }
    checks.append("the signature is valid, by the key \(key.fingerprint)" + (proven ? "" : " (the package's own: the signer is unproven)"))

    let ns = ["b": BundleXML.namespace]
    let named = try tree.node("/b:bundle/b:sender/b:keyFingerprint", namespaces: ns)?.text
    guard named == key.fingerprint else {
      throw CasefileError(.signatureInvalid, "the bundle names the signing key \(named ?? "(none)"), not the one that verified it", location: at)
    }
    var listed: [String: (size: Int, sha256: String)] = [:]
    for file in try tree.nodes("/b:bundle/b:manifest/b:file", namespaces: ns) {
      let path = file.attribute("path") ?? ""
      listed[path] = (Int(file.attribute("size") ?? "") ?? -1, file.attribute("sha256") ?? "")
    }
    for (path, expected) in listed.sorted(by: { $0.key < $1.key }) {
      guard let actual = files[path] else {
        throw CasefileError(.integrity, "the manifest lists \(path), which the package does not hold", location: .init(file: url.path, entry: path))
      }
      guard actual.sha256 == expected.sha256, actual.size == expected.size else {
        throw CasefileError(.integrity, "\(path) does not match the digest the signed manifest gives it: it was changed", location: .init(file: url.path, entry: path))
      }
    }
    if let extra = files.keys.sorted().first(where: { listed[$0] == nil }) {
      throw CasefileError(.integrity, "the package holds \(extra), which the signed manifest does not list", location: .init(file: url.path, entry: extra))
    }
    for attachment in try tree.nodes("/b:bundle/b:items/b:item/b:attachments/b:attachment", namespaces: ns) {
      let path = attachment.attribute("path") ?? ""
      guard let file = listed[path], file.sha256 == attachment.attribute("sha256") else {
        throw CasefileError(.integrity, "the attachment \(path) is not in the manifest with the digest its item gives", location: at)
      }
    }
    checks.append("\(files.count) files match the signed manifest")

    func value(_ path: String) throws -> String { try tree.node(path, namespaces: ns)?.text ?? "" }
    let report = VerifyReport(
      file: url.path, profile: try tree.node("/b:bundle", namespaces: ns)?.attribute("profile") ?? "",
      caseRef: try value("/b:bundle/b:metadata/b:caseRef"), createdAt: try value("/b:bundle/b:metadata/b:createdAt"),
      keyFingerprint: key.fingerprint, signerProven: proven, signer: proven ? "pinned" : "unverified", signerName: nil,
      items: try tree.nodes("/b:bundle/b:items/b:item", namespaces: ns).count, files: files.count, checks: checks)
    return (report, tree)
  }
}
