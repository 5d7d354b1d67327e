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
  /// Which store item, step, note or actor each reference of a platform or police package stands
  /// for (those packages number afresh); empty for an indemnifier package, which keeps the
  /// store's. For the doctor only: the package itself holds nothing of it.
  public var packageRefs: [PackageRef] = []
}

/// One reference of a package numbered afresh, and the store's reference it stands for.
public struct PackageRef: Sendable, Codable, Equatable {
  public var package: String
  public var store: String

  public init(package: String, store: String) {
    self.package = package
    self.store = store
  }
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
    let gate = try lintGate(selection)
    var warnings = gate.warnings
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
        allowedFindings: gate.allowedIDs, manifest: manifest, derivatives: derivatives),
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
      bundleSha256: Digest.sha256Hex(bundle), packageSha256: packageSha256, warnings: warnings,
      packageRefs: selection.numbering.mapping.map { PackageRef(package: $0.package, store: $0.store) })
  }

  /// The lines around the commands in `VERIFY.txt`: what a recipient copies, and what the tests
  /// take out of a real package to run.
  public static let verifyBlockStart = "------8<------ copy from the next line ------"
  public static let verifyBlockEnd = "------8<------ to the line above ------"

  /// `VERIFY.txt`: how a recipient without casefile checks the package, as one block of commands
  /// to paste into a terminal. It reads the signed manifest with xmllint (never a pattern over the
  /// text, which a harmless re-spelling of the XML would defeat), and fails on anything casefile
  /// does not write: a file the manifest does not list, more inside the signature, a zip comment.
  static func verifyText(profile: ExportProfile, createdAt: String, fingerprint: String) -> String {
    #"""
      How to check this evidence package
      ==================================

      casefile \#(CasefileVersion.current) made this package on \#(createdAt) (profile: \#(profile.rawValue)).
      bundle.xml holds the evidence; every other file is listed in its <manifest> with its SHA-256,
      and bundle.xml is signed (XML-DSig, ECDSA P-256 with SHA-256) with the key whose fingerprint,
      the SHA-256 of the public key's SubjectPublicKeyInfo, is:

          \#(fingerprint)

      Trust that key only if the sender gave you this fingerprint by another channel (a call, a
      letter, their indemnifier): signer.pem is in the package and proves nothing by itself, and
      whoever could change the package could change this file too. Compare the fingerprint that
      the last line prints with the one the sender gave you.

      You need bash, openssl, xmllint, xmlsec1 and unzip (and sha256sum, or shasum on a Mac):
        Debian or Ubuntu:  sudo apt-get install openssl libxml2-utils xmlsec1 unzip
        macOS (Homebrew):  brew install libxmlsec1

      1. Open a terminal in the folder that holds the package.
      2. Type PKG= and the package's file name, and press Enter; for example:  PKG=evidence.zip
      3. Copy every line between the two scissor lines below, paste them into the terminal, and
         press Enter.

      The commands unzip the package into a new temporary folder (nothing else is touched), check
      it step by step, and end with one line: "RESULT: ALL CHECKS PASSED" with the fingerprint,
      or "RESULT: CHECK FAILED" after a line that says what is wrong. Anything but ALL CHECKS
      PASSED means: do not rely on this package. They check that:
      - the zip holds its files and nothing else (no comment, nothing between or around them);
      - signer.pem is the key with the fingerprint above;
      - bundle.xml has no DOCTYPE and no comment (the signature does not cover comments);
      - the signature is valid, by that key only (a key inside the document is never trusted),
        over the whole of bundle.xml, and holds nothing but what casefile writes;
      - every other file has the SHA-256 the signed manifest gives it (read with xmllint), and
        the package holds no file that the manifest does not list;
      - bundle.xml matches its schema.

      \#(verifyBlockStart)
      PKG="$PKG" bash <<'CHECK'
      set -u
      ok=no
      trap '[ "$ok" = yes ] || echo "RESULT: CHECK FAILED. Do not rely on this package."' EXIT
      fail() { echo "CHECK FAILED: $*"; exit 1; }
      FP=\#(fingerprint)
      B='urn:casefile:bundle:1'
      DS='http://www.w3.org/2000/09/xmldsig#'
      [ -n "${PKG:-}" ] && [ -f "$PKG" ] || fail "first set PKG to the package file, e.g. PKG=evidence.zip"
      for tool in openssl xmllint xmlsec1 unzip find od diff; do
        command -v "$tool" >/dev/null || fail "$tool is not installed"
      done
      if command -v sha256sum >/dev/null; then sha() { sha256sum | cut -c1-64; }; else sha() { shasum -a 256 | cut -c1-64; }; fi
      x() { xmllint --nonet --xpath "$1" "$2" 2>/dev/null; }
      case "$PKG" in /*) ;; *) PKG="$PWD/$PKG" ;; esac
      W=$(mktemp -d) || fail "cannot make a temporary folder"
      echo "Checking $PKG"

      # 1. The zip holds its entries and nothing else: no comment, no bytes outside them, no name twice.
      END=$(tail -c 22 "$PKG" | od -An -tx1 | tr -d ' \n')
      [ "${#END}" = 44 ] || fail "the zip is too short"
      case "$END" in 504b0506*0000) ;; *) fail "the zip has a comment or bytes after its end" ;; esac
      [ "$(unzip -z "$PKG" </dev/null | wc -l | tr -d ' ')" = 1 ] || fail "the zip has a comment"
      unzip -Z1 "$PKG" </dev/null >"$W/entries" || fail "unzip cannot read the package"
      [ -z "$(LC_ALL=C sort "$W/entries" | uniq -d)" ] || fail "the zip holds a name twice"
      unzip -qq "$PKG" -d "$W/package" </dev/null || fail "unzip found a problem: bytes outside the entries, a damaged entry or an unsafe name"
      cd "$W/package" || fail "cannot open $W/package"
      [ -z "$(find . ! -type f ! -type d)" ] || fail "the package holds a link or a special file"
      find . -type f | sed 's|^\./||' | LC_ALL=C sort >"$W/files"
      grep -v '/$' "$W/entries" | LC_ALL=C sort | diff - "$W/files" >/dev/null || fail "the files unzipped are not the entries the zip lists"
      echo "OK  the zip holds only its entries"

      # 2. signer.pem is the key with the fingerprint above.
      [ -f signer.pem ] && [ "$(openssl pkey -pubin -in signer.pem -outform DER 2>/dev/null | sha)" = "$FP" ] ||
        fail "signer.pem is not the key with the fingerprint $FP"
      echo "OK  signer.pem has the fingerprint $FP"

      # 3. bundle.xml is written as casefile writes it: UTF-8, no DOCTYPE, comment, CDATA or other <? ?>.
      [ -f bundle.xml ] && [ "$(head -n 1 bundle.xml)" = '<?xml version="1.0" encoding="UTF-8"?>' ] ||
        fail "bundle.xml does not start as casefile writes it"
      ! LC_ALL=C grep -q '<!' bundle.xml || fail "bundle.xml holds a DOCTYPE, a comment or a CDATA section"
      [ "$(LC_ALL=C grep -c '<?' bundle.xml)" = 1 ] || fail "bundle.xml holds a processing instruction"
      echo "OK  bundle.xml has no DOCTYPE, comment or processing instruction"

      # 4. The signature is valid, by that key only, over the whole of bundle.xml.
      xmlsec1 --verify --enabled-key-data key-name --enabled-reference-uris empty --pubkey-pem:"$FP" signer.pem bundle.xml \
        </dev/null >"$W/signature.log" 2>&1 || fail "the signature is not valid (xmlsec1 says why in $W/signature.log)"
      echo "OK  the signature is valid"

      # 5. The signature holds exactly what casefile writes, and nothing beside it.
      S="/*[local-name()='bundle' and namespace-uri()='$B']/*[last()][local-name()='Signature' and namespace-uri()='$DS']"
      SI="$S/*[1]"; R="$SI/*[3]"; T="$R/*[1]"
      SHAPE="count(//*[namespace-uri()='$DS'])=13 and count($S//*[namespace-uri()!='$DS'])=0 and count($S//*)=12
        and count($S/*)=3 and local-name($S/*[1])='SignedInfo' and local-name($S/*[2])='SignatureValue' and local-name($S/*[3])='KeyInfo'
        and count($SI/*)=3 and local-name($SI/*[1])='CanonicalizationMethod' and local-name($SI/*[2])='SignatureMethod' and local-name($R)='Reference'
        and $SI/*[1]/@Algorithm='http://www.w3.org/2001/10/xml-exc-c14n#WithComments'
        and $SI/*[2]/@Algorithm='http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256'
        and count($R/@*)=1 and $R/@URI='' and count($R/*)=3 and local-name($T)='Transforms' and local-name($R/*[2])='DigestMethod' and local-name($R/*[3])='DigestValue'
        and count($T/*)=2 and $T/*[1]/@Algorithm='http://www.w3.org/2000/09/xmldsig#enveloped-signature'
        and $T/*[2]/@Algorithm='http://www.w3.org/2001/10/xml-exc-c14n#WithComments'
        and $R/*[2]/@Algorithm='http://www.w3.org/2001/04/xmlenc#sha256'
        and count($S/*[3]/*)=1 and local-name($S/*[3]/*)='KeyName' and normalize-space($S/*[3]/*)='$FP'
        and count($S//@*)=6 and count($S/@*)=0 and count($S//text()[normalize-space()!=''])=3
        and string(/*/*[local-name()='sender' and namespace-uri()='$B']/*[local-name()='keyFingerprint' and namespace-uri()='$B'])='$FP'"
      [ "$(x "boolean($SHAPE)" bundle.xml)" = true ] || fail "the signature holds more than casefile writes (another Reference, an Object, a key) or is not where casefile puts it"
      echo "OK  the signature holds exactly what casefile writes"

      # 6. Every file matches the signed manifest, read with xmllint, and the package holds no other file.
      M="/*[local-name()='bundle' and namespace-uri()='$B']/*[local-name()='manifest' and namespace-uri()='$B']"
      [ "$(x "count($M)=1 and count($M/*)=count($M/*[local-name()='file' and namespace-uri()='$B'])" bundle.xml)" = true ] ||
        fail "bundle.xml has no manifest casefile would write"
      x "$M" bundle.xml >"$W/manifest.xml" || fail "xmllint cannot read the manifest"
      N=$(x "count(/*/*)" "$W/manifest.xml")
      : >"$W/listed"
      i=1
      while [ "$i" -le "$N" ]; do
        L=$(x "concat(/*/*[$i]/@sha256, ' ', /*/*[$i]/@size, ' ', /*/*[$i]/@path)" "$W/manifest.xml")
        h=${L%% *}; L=${L#* }; n=${L%% *}; p=${L#* }
        case "$h" in *[!0-9a-f]* | '') fail "file $i of the manifest has no SHA-256" ;; esac
        case "$n" in *[!0-9]* | '') fail "file $i of the manifest has no size" ;; esac
        case "/$p/" in *//* | */./* | */../*) fail "the manifest names an unsafe path" ;; esac
        [ "${#h}" = 64 ] || fail "file $i of the manifest has no SHA-256"
        [ -f "$p" ] && [ ! -L "$p" ] || fail "the manifest lists $p, which the package does not hold"
        [ "$(sha <"$p")" = "$h" ] && [ "$(wc -c <"$p" | tr -d ' ')" = "$n" ] ||
          fail "$p does not match the SHA-256 the signed manifest gives it: it was changed"
        printf '%s\n' "$p" >>"$W/listed"
        echo "OK  $p"
        i=$((i + 1))
      done
      { cat "$W/listed"; echo bundle.xml; } | LC_ALL=C sort | diff - "$W/files" >"$W/unlisted" ||
        fail "the package holds files the signed manifest does not list: $(grep '^>' "$W/unlisted" | cut -c3- | tr '\n' ' ')"
      echo "OK  the package holds no file the manifest does not list"

      # 7. bundle.xml matches its schema (the schema is one of the files checked above).
      xmllint --noout --nonet --schema schema/casefile-bundle-1.xsd bundle.xml >"$W/schema.log" 2>&1 ||
        fail "bundle.xml does not match its schema (xmllint says why in $W/schema.log)"
      echo "OK  bundle.xml matches its schema"
      ok=yes
      echo "RESULT: ALL CHECKS PASSED. Signed by the key $FP; every file is as signed. The checked files are in $W/package"
      CHECK
      \#(verifyBlockEnd)

      With casefile:  casefile verify PACKAGE.zip --fingerprint \#(fingerprint)

      """#
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
