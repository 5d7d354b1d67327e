import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What `casefile export` wrote.
public struct ExportResult: Sendable, Codable, Equatable {
  public var file: String
  public var profile: String
  public var caseRef: String
  public var items: Int
  public var attachments: Int
  public var excluded: [String]
  public var keyFingerprint: String
  /// SHA-256 of `bundle.xml` inside the package, and of the package file itself.
  public var bundleSha256: String
  public var packageSha256: String
  public var warnings: [String]
}

/// The files of a package, by path.
public enum BundlePackage {
  public static let bundle = "bundle.xml"
  public static let report = "report.html"
  public static let signerKey = "signer.pem"
  public static let verifyText = "VERIFY.txt"
  public static let schema = "schema/" + BundleSchema.fileName
}

extension CaseStore {
  /// Exports a case as a signed evidence package (a zip) at `url`:
  /// 1. the case is read in one transaction and the profile's rules applied;
  /// 2. the confidentiality lint reads exactly what will go out (platform and police profiles), and
  ///    any finding not allowed stops the export (``lintGate(_:)``);
  /// 3. `bundle.xml` is written once and parsed; `report.html` is rendered from that tree with our
  ///    XSLT, the report's entry is added to the manifest, and the tree is signed with the store's
  ///    key and validated against the XSD; an invalid bundle is a bug and fails the export. A big
  ///    bundle's report is rendered in runs on several threads (``ReportChunks``);
  /// 4. the package is written to a temporary file beside `url` and renamed into place, so a
  ///    failed export leaves nothing behind. Its other files are zipped on a second thread while
  ///    the bundle is signed, and `bundle.xml` is its last entry. An existing file is replaced
  ///    only with `overwrite`.
  public func exportBundle(_ request: ExportRequest, to url: URL, overwrite: Bool = false) throws -> ExportResult {
    if !overwrite, FileManager.default.fileExists(atPath: url.path) {
      throw CasefileError(.notAllowed, "\(url.path) exists; choose another name, or pass --force to replace it", location: .init(file: url.path))
    }
    let key = try SigningKey.load(from: location)
    let content = try bundleContent(caseRef: request.caseRef)
    let selection = try request.profile.select(content, request: request)
    var warnings = try lintGate(selection)
    if request.profile == .police && request.includeConfidential {
      warnings.append("this police bundle carries private notes, patient flags and the indemnifier's advice (--include-confidential)")
    }
    let createdAt = UTCStamp.format(clock.now())

    // Platform and police packages carry each attachment as a copy cleaned of metadata.
    let derivatives = try cleanedAttachments(selection)

    // The files beside bundle.xml, each listed in its manifest with its digest.
    var attachments: [String: PackagedAttachment] = [:]
    for item in selection.items {
      for attachment in item.record.attachments {
        if let copy = derivatives[attachment.sha256] {
          attachments[copy.path] = PackagedAttachment(blobSha256: attachment.sha256, sha256: copy.sha256, size: copy.size, cleaned: true)
        } else {
          attachments[BundleXML.attachmentPath(attachment)] = PackagedAttachment(
            blobSha256: attachment.sha256, sha256: attachment.sha256, size: Int(attachment.size), cleaned: false)
        }
      }
    }
    var manifest = attachments.map { BundleXML.ManifestEntry(path: $0.key, size: $0.value.size, sha256: $0.value.sha256) }
    var files: [(path: String, data: Data)] = []
    @discardableResult
    func add(_ path: String, _ data: Data) -> BundleXML.ManifestEntry {
      let entry = BundleXML.ManifestEntry(path: path, size: data.count, sha256: Digest.sha256Hex(data))
      files.append((path, data))
      manifest.append(entry)
      return entry
    }
    add(BundlePackage.signerKey, Data(key.publicKey.pem.utf8))
    add(BundlePackage.schema, try BundleSchema.data())
    add(
      BundlePackage.verifyText,
      Data(Self.verifyText(profile: request.profile, createdAt: createdAt, fingerprint: key.publicKey.fingerprint).utf8))
    let tree = try XMLTree.parseXML(
      try BundleXML.write(
        selection, createdAt: createdAt, keyFingerprint: key.publicKey.fingerprint,
        allowedFindings: request.allowedFindings.sorted(), manifest: manifest, derivatives: derivatives),
      location: .init(file: BundlePackage.bundle))
    // The report is rendered from the bundle as it stands without the report's own entry; the
    // manifest then gets that entry, with the report's digest, before the bundle is signed.
    let report = add(BundlePackage.report, try BundleReport.render(tree, location: .init(file: BundlePackage.report)))
    try BundleXML.addManifestEntry(report, to: tree)

    // Every file but bundle.xml is final now: another thread zips them (deflating the report is
    // seconds for a big case) while this one signs, validates and serialises the bundle, which
    // then goes in last.
    let folder = url.deletingLastPathComponent()
    let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).partial")
    defer { try? FileManager.default.removeItem(at: temporary) }
    let writer = try ArchiveWriter(zipAt: temporary, modified: clock.now())
    let ahead = ZipAhead(writer: writer, files: files, attachments: attachments, blobs: blobs)
    // The other thread holds the only reference, and frees the report's bytes once written.
    files = []
    ahead.start()
    // Whatever happens here, the other thread is done with the writer before it is used or
    // freed, and before the temporary file is removed.
    defer { ahead.wait() }
    try XMLSignature.sign(tree, privateKeyPEM: key.privateKeyPEM, keyName: key.publicKey.fingerprint)
    try BundleSchema.validate(tree, location: .init(file: BundlePackage.bundle))
    let bundle = try tree.serialized()
    // The signed tree is done with; freeing it (seconds for a big case) overlaps the zip.
    BackgroundRelease.release([consume tree])
    try ahead.finish()
    try writer.add(BundlePackage.bundle, data: bundle)
    try writer.close()
    try DurableFile.sync(temporary, what: "the package")
    // rename(2) replaces an existing package atomically: at every moment the final name holds the
    // old package or the whole new one. (Foundation's replaceItemAt on Linux moved the old package
    // onto the temporary name, so that both were lost.)
    guard rename(temporary.path, url.path) == 0 else {
      throw CasefileError(
        .io, "could not put the package in place: \(String(cString: strerror(errno)))", location: .init(file: url.path))
    }
    DurableFile.syncDirectory(folder)
    let packageSha256 = try ExportSource(url: url).sha256 ?? ""
    return ExportResult(
      file: url.path, profile: request.profile.rawValue, caseRef: selection.caseRecord.ref, items: selection.items.count,
      attachments: attachments.count, excluded: selection.excluded, keyFingerprint: key.publicKey.fingerprint,
      bundleSha256: Digest.sha256Hex(bundle), packageSha256: packageSha256, warnings: warnings)
  }

  /// `VERIFY.txt`: how a recipient without casefile checks the package, with exact commands.
  static func verifyText(profile: ExportProfile, createdAt: String, fingerprint: String) -> String {
    """
      How to check this evidence package
      ==================================

      casefile \(CasefileVersion.current) made this package on \(createdAt) (profile: \(profile.rawValue)).
      bundle.xml holds the evidence; every other file is listed in its <manifest> with its SHA-256,
      and bundle.xml is signed (XML-DSig, ECDSA P-256 with SHA-256) with the key whose fingerprint,
      the SHA-256 of the public key's SubjectPublicKeyInfo, is:

          \(fingerprint)

      Trust that key only if the sender gave you this fingerprint by another channel (a call, a
      letter, their indemnifier): signer.pem is in the package and proves nothing by itself.
      Unzip the package into an empty folder, go there, and run:

      1. signer.pem has that fingerprint:
             openssl pkey -pubin -in signer.pem -outform DER | sha256sum

      2. bundle.xml has no DOCTYPE and no comment (the signature does not cover comments, and
         casefile never writes either); this must print 0:
             grep -c -e '<!DOCTYPE' -e '<!--' bundle.xml

      3. bundle.xml matches its schema:
             xmllint --noout --nonet --schema schema/\(BundleSchema.fileName) bundle.xml

      4. The signature is valid, by that key, over the whole of bundle.xml (key names only, so a
         key inside the document is never trusted; only the one same-document reference):
             xmlsec1 --verify --enabled-key-data key-name --enabled-reference-uris empty \\
               --pubkey-pem:\(fingerprint) signer.pem bundle.xml

      5. Every other file matches the digest the signed manifest gives it; each line must say OK:
             sed -n 's/.*<file path="\\([^"]*\\)" size="[0-9]*" sha256="\\([0-9a-f]*\\)".*/\\2  \\1/p' bundle.xml | sha256sum -c

      With casefile:  casefile verify PACKAGE.zip --fingerprint \(fingerprint)

      """
  }
}

/// Zips the files of a package other than `bundle.xml` on a thread of its own (see
/// ``CaseStore/exportBundle(_:to:overwrite:)``).
///
/// Unchecked Sendable: the writer and the file data pass to the other thread at ``start()`` and
/// back at ``wait()``; between the two the exporting thread does not touch them. `wait()` runs on
/// every path out of the export, so that the writer is never used or freed while the other thread
/// holds it.
private final class ZipAhead: @unchecked Sendable {
  private let writer: ArchiveWriter
  private var files: [(path: String, data: Data)]
  private let attachments: [String: PackagedAttachment]
  private let blobs: BlobStore
  private let group = DispatchGroup()
  private var started = false
  private var waited = false
  private var failure: (any Error)?

  init(writer: ArchiveWriter, files: [(path: String, data: Data)], attachments: [String: PackagedAttachment], blobs: BlobStore) {
    self.writer = writer
    self.files = files
    self.attachments = attachments
    self.blobs = blobs
  }

  func start() {
    started = true
    DispatchQueue.global(qos: .userInitiated).async(group: group) { self.run() }
  }

  private func run() {
    do {
      for file in files { try writer.add(file.path, data: file.data) }
      files = []
      for path in attachments.keys.sorted() {
        // Every read of a blob checks its hash. Stored, not deflated: media are compressed
        // already, and a recipient's unpacker should see no expansion at all.
        try writer.add(path, data: try attachments[path]!.bytes(from: blobs, path: path), compress: false)
      }
    } catch {
      failure = error
    }
  }

  /// Waits for the other thread; safe to call more than once.
  func wait() {
    guard started, !waited else { return }
    group.wait()
    waited = true
  }

  /// Waits, and throws what the other thread failed with.
  func finish() throws {
    wait()
    if let failure { throw failure }
  }
}
