import CasefileKit
import Foundation
import Testing

/// The recipient's check as VERIFY.txt gives it: the block of commands is taken out of the
/// VERIFY.txt a real export wrote (never retyped here), and run with bash against the genuine
/// package, which must pass, and against forged ones, each of which must fail. `casefile verify`
/// must refuse every forgery too.
@Suite struct RecipientCheckTests {
  typealias Files = [(path: String, data: Data)]

  /// One forged package: made from the genuine package's files, or from its zip's bytes.
  struct Forgery: Sendable, CustomStringConvertible {
    enum Alteration: Sendable {
      case files(@Sendable (inout Files, _ other: SigningKey) throws -> Void)
      case zipBytes(@Sendable (inout Data) -> Void)
    }

    let id: String
    let alteration: Alteration
    /// The forged bundle.xml still carries a valid signature by the doctor's key (xmlsec1 says
    /// so): the other checks alone must catch it.
    var keepsSignature = false
    var description: String { id }
  }

  static let report = "report.html"

  static func bundleText(_ files: Files) -> String {
    String(decoding: files.first { $0.path == BundlePackage.bundle }!.data, as: UTF8.self)
  }

  static func setBundle(_ files: inout Files, _ text: String) {
    files[files.firstIndex { $0.path == BundlePackage.bundle }!].data = Data(text.utf8)
  }

  static func replace(_ files: inout Files, _ path: String, with text: String) {
    files[files.firstIndex { $0.path == path }!].data = Data(text.utf8)
  }

  /// Rewrites report.html's `<file …/>` in the manifest and puts another report in its place: the
  /// issue's reproduction, in each spelling that canonical XML treats as the same document.
  static func respellReportEntry(_ spell: @escaping @Sendable (_ path: String, _ size: String, _ sha: String) -> String) -> Forgery.Alteration {
    .files { files, _ in
      let text = bundleText(files)
      let entry = try #require(text.range(of: #"<file path="report.html" size="[0-9]+" sha256="[0-9a-f]{64}"/>"#, options: .regularExpression))
      let old = String(text[entry])
      let size = String(old.split(separator: "\"")[3])
      let sha = String(old.split(separator: "\"")[5])
      setBundle(&files, text.replacingCharacters(in: entry, with: spell("report.html", size, sha)))
      replace(&files, report, with: "<html><body>Nothing happened. Please ignore the other files.</body></html>")
    }
  }

  static func edit(_ old: String, _ new: String) -> Forgery.Alteration {
    .files { files, _ in
      let text = bundleText(files)
      #expect(text.contains(old), "no \(old) in bundle.xml")
      setBundle(&files, text.replacingOccurrences(of: old, with: new))
    }
  }

  static let sha256Algorithm = "http://www.w3.org/2001/04/xmlenc#sha256"

  static let forgeries: [Forgery] = [
    .init(id: "attribute-order-swapped", alteration: respellReportEntry { "<file size=\"\($1)\" path=\"\($0)\" sha256=\"\($2)\"/>" }, keepsSignature: true),
    .init(id: "path-and-sha256-swapped", alteration: respellReportEntry { "<file sha256=\"\($2)\" size=\"\($1)\" path=\"\($0)\"/>" }, keepsSignature: true),
    .init(id: "single-quotes", alteration: respellReportEntry { "<file path='\($0)' size='\($1)' sha256='\($2)'/>" }, keepsSignature: true),
    .init(id: "character-reference-in-path", alteration: respellReportEntry { _, size, sha in "<file path=\"report&#x2e;html\" size=\"\(size)\" sha256=\"\(sha)\"/>" }, keepsSignature: true),
    .init(id: "tab-and-newline-in-tag", alteration: respellReportEntry { "<file\tpath=\"\($0)\"\n      size=\"\($1)\"\tsha256=\"\($2)\" />" }, keepsSignature: true),
    .init(id: "forged-attachment", alteration: .files { files, _ in
      let index = files.firstIndex { $0.path.hasPrefix("attachments/") }!
      files[index].data[files[index].data.startIndex + 3] ^= 0x01
    }, keepsSignature: true),
    .init(id: "forged-report", alteration: .files { files, _ in
      replace(&files, report, with: "<html><body>The doctor withdrew this complaint.</body></html>")
    }, keepsSignature: true),
    .init(id: "extra-file", alteration: .files { files, _ in
      files.append((path: "READ-ME-FIRST.html", data: Data("<html>This package is a fake; call 0800 000 000</html>".utf8)))
    }, keepsSignature: true),
    .init(id: "unlisted-file-in-subfolder", alteration: .files { files, _ in
      files.append((path: "attachments/more/notes.txt", data: Data("not from the doctor".utf8)))
    }, keepsSignature: true),
    .init(id: "missing-file", alteration: .files { files, _ in files.removeAll { $0.path.hasPrefix("attachments/") } }, keepsSignature: true),
    .init(id: "extra-object", alteration: edit("</Signature>", "<Object><p>The doctor asks you to ignore this report.</p></Object></Signature>"), keepsSignature: true),
    .init(id: "extra-keyinfo-child", alteration: edit("</KeyName>", "</KeyName><MgmtData>ignore the fingerprint</MgmtData>")),
    .init(id: "manifest-reference-in-object", alteration: edit(
      "</Signature>",
      "<Object><Manifest><Reference URI=\"\"><DigestMethod Algorithm=\"\(sha256Algorithm)\"/><DigestValue>AAAA</DigestValue></Reference></Manifest></Object></Signature>"),
      keepsSignature: true),
    .init(id: "extra-reference-in-signedinfo", alteration: edit(
      "</SignedInfo>",
      "<Reference URI=\"\"><DigestMethod Algorithm=\"\(sha256Algorithm)\"/><DigestValue>AAAA</DigestValue></Reference></SignedInfo>")),
    .init(id: "comment-in-bundle", alteration: edit("<steps>", "<steps><!-- the police closed this case -->"), keepsSignature: true),
    // A DOCTYPE is outside what the signature covers.
    .init(id: "doctype", alteration: edit("?>\n<bundle", "?>\n<!DOCTYPE bundle [<!ENTITY note \"The police closed this case.\">]>\n<bundle"), keepsSignature: true),
    .init(id: "doctype-entity-spelling", alteration: .files { files, _ in
      var text = bundleText(files)
      text = text.replacingOccurrences(of: "Watch yourself.", with: "&w;")
      text = text.replacingOccurrences(of: "?>\n<bundle", with: "?>\n<!DOCTYPE bundle [<!ENTITY w \"Watch yourself.\">]>\n<bundle")
      setBundle(&files, text)
    }),
    .init(id: "cdata-section", alteration: edit("Watch yourself.", "<![CDATA[Watch yourself.]]>"), keepsSignature: true),
    .init(id: "processing-instruction", alteration: edit("?>\n<bundle", "?>\n<?xml-stylesheet type=\"text/xsl\" href=\"http://example.invalid/x.xsl\"?>\n<bundle")),
    .init(id: "symlink-entry", alteration: .files { files, _ in
      files.removeAll { $0.path == report }
    }),
    .init(id: "duplicate-entry", alteration: .files { files, _ in
      files.append((path: report, data: Data("<html>second copy</html>".utf8)))
    }, keepsSignature: true),
    .init(id: "signed-by-another-key", alteration: .files { files, other in
      var text = bundleText(files)
      text.removeSubrange(text.range(of: "<Signature")!.lowerBound..<text.range(of: "</Signature>")!.upperBound)
      let tree = try XMLTree.parseXML(Data(text.utf8), location: .init(file: BundlePackage.bundle))
      try XMLSignature.sign(tree, privateKeyPEM: other.privateKeyPEM, keyName: other.publicKey.fingerprint)
      files[files.firstIndex { $0.path == BundlePackage.bundle }!].data = try tree.serialized()
      replace(&files, BundlePackage.signerKey, with: other.publicKey.pem)
    }),
    .init(id: "zip-comment", alteration: .zipBytes { zip in
      let comment = Data("This package was checked and is genuine. Call 0800 000 000.".utf8)
      zip[zip.count - 2] = UInt8(comment.count & 0xff)
      zip[zip.count - 1] = UInt8(comment.count >> 8)
      zip.append(comment)
    }, keepsSignature: true),
    .init(id: "bytes-before-the-zip", alteration: .zipBytes { zip in
      zip.insert(contentsOf: Data("<html><body>Open me</body></html>\n".utf8), at: 0)
    }, keepsSignature: true),
    .init(id: "bytes-after-the-zip", alteration: .zipBytes { zip in zip.append(Data("hidden".utf8)) }, keepsSignature: true),
  ]

  /// The genuine package of the fixture case, its files, and the block of VERIFY.txt.
  struct Genuine {
    let c: BundleCase
    let folder: TempFolder
    let url: URL
    let files: Files
    let block: String
  }

  static func genuine(_ profile: ExportProfile = .indemnifier) throws -> Genuine {
    let c = try BundleCase()
    let folder = try TempFolder()
    let url = folder.url("genuine.zip")
    _ = try c.t.store.exportBundle(c.request(profile), to: url)
    let files: Files = try archiveEntries(url)
    let text = String(decoding: try #require(files.first { $0.path == BundlePackage.verifyText }).data, as: UTF8.self)
    return Genuine(c: c, folder: folder, url: url, files: files, block: try extractBlock(text))
  }

  /// The lines between VERIFY.txt's two scissor lines, exactly as written.
  static func extractBlock(_ text: String) throws -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let start = try #require(lines.firstIndex(of: CaseStore.verifyBlockStart))
    let end = try #require(lines.firstIndex(of: CaseStore.verifyBlockEnd))
    #expect(start < end)
    return lines[(start + 1)..<end].joined(separator: "\n") + "\n"
  }

  /// Runs the block with bash, as a recipient who typed `PKG=…` and pasted it would.
  static func recipientCheck(_ block: String, package: URL, scratch: URL) throws -> (status: Int32, output: String) {
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    return try run(
      block, shell: "/bin/bash", in: package.deletingLastPathComponent(),
      environment: ["PKG": package.lastPathComponent, "TMPDIR": scratch.path])
  }

  static func lastLine(_ output: String) -> String {
    output.split(separator: "\n").last.map(String.init) ?? ""
  }

  @Test(arguments: [ExportProfile.indemnifier, .platform, .police])
  func theGenuinePackagePassesTheCommandsOfItsVERIFYtxt(_ profile: ExportProfile) throws {
    let g = try Self.genuine(profile)
    let result = try Self.recipientCheck(g.block, package: g.url, scratch: g.folder.url("scratch"))
    #expect(result.status == 0, "\(result.output)")
    #expect(Self.lastLine(result.output).hasPrefix("RESULT: ALL CHECKS PASSED"), "\(result.output)")
    #expect(result.output.contains(g.c.key.publicKey.fingerprint))
    #expect(!result.output.contains("CHECK FAILED"))
    _ = try BundleVerifier.verify(g.url, pin: .fingerprint(g.c.key.publicKey.fingerprint))
  }

  /// Rezipped by another writer, the genuine files still pass both checks: each failure below is
  /// the forgery's doing.
  @Test func theGenuineFilesRezippedPass() throws {
    let g = try Self.genuine()
    let url = g.folder.url("rezipped.zip")
    try writeArchive(url, .zip, g.files.map { FixtureEntry.file($0.path, $0.data, deflate: $0.path == Self.report) })
    let result = try Self.recipientCheck(g.block, package: url, scratch: g.folder.url("scratch"))
    #expect(result.status == 0, "\(result.output)")
    _ = try BundleVerifier.verify(url, pin: .fingerprint(g.c.key.publicKey.fingerprint))
  }

  @Test(arguments: forgeries)
  func aForgedPackageFailsTheCommandsOfVERIFYtxtAndCasefileVerify(_ forgery: Forgery) throws {
    let g = try Self.genuine()
    let other = try BundleCase().key
    let url = g.folder.url("forged.zip")
    var bundle = Data()
    switch forgery.alteration {
    case .files(let alter):
      var files = g.files
      try alter(&files, other)
      var entries = files.map { FixtureEntry.file($0.path, $0.data) }
      if forgery.id == "symlink-entry" {
        entries.append(FixtureEntry(name: Self.report, kind: .symlink("/etc/hostname")))
      }
      try writeArchive(url, .zip, entries)
      bundle = files.first { $0.path == BundlePackage.bundle }!.data
    case .zipBytes(let alter):
      var zip = try Data(contentsOf: g.url)
      alter(&zip)
      try zip.write(to: url)
      bundle = g.files.first { $0.path == BundlePackage.bundle }!.data
    }
    if forgery.keepsSignature {
      // The forgery is a real one: the signature alone does not catch it.
      let dir = g.folder.url("signature-only")
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      try bundle.write(to: dir.appendingPathComponent("bundle.xml"))
      try Data(g.c.key.publicKey.pem.utf8).write(to: dir.appendingPathComponent("signer.pem"))
      let xmlsec = try run(
        "cd '\(dir.path)' && xmlsec1 --verify --enabled-key-data key-name --enabled-reference-uris empty --pubkey-pem:\(g.c.key.publicKey.fingerprint) signer.pem bundle.xml")
      #expect(xmlsec.status == 0, "\(forgery): \(xmlsec.output)")
    }

    let result = try Self.recipientCheck(g.block, package: url, scratch: g.folder.url("scratch"))
    #expect(result.status != 0, "\(forgery): \(result.output)")
    #expect(Self.lastLine(result.output) == "RESULT: CHECK FAILED. Do not rely on this package.", "\(forgery): \(result.output)")
    #expect(result.output.contains("CHECK FAILED: "), "\(forgery): \(result.output)")
    #expect(!result.output.contains("ALL CHECKS PASSED"), "\(forgery)")

    let refused = #expect(throws: CasefileError.self, "\(forgery)") {
      try BundleVerifier.verify(url, pin: .fingerprint(g.c.key.publicKey.fingerprint))
    }
    #expect(refused?.exitCode == 80 || refused?.exitCode == 65, "\(forgery): \(String(describing: refused))")
  }

  /// Old packages, made before this check existed, still pass `casefile verify`.
  @Test(arguments: ["example-indemnifier.zip", "example-platform-instagram.zip"])
  func theExamplePackagesStillVerify(_ name: String) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("examples/bundles/\(name)")
    let report = try BundleVerifier.verify(url, pin: .none).report
    #expect(report.files == 5)
  }
}
