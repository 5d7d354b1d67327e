import CasefileKit
import Foundation
import Testing

/// The package end to end: export, then verify with casefile and with the commands of VERIFY.txt.
@Suite struct BundlePackageTests {
  func export(_ c: BundleCase, _ request: ExportRequest, in folder: TempFolder, name: String = "case.zip") throws -> (ExportResult, URL) {
    let url = folder.url(name)
    return (try c.t.store.exportBundle(request, to: url), url)
  }

  /// The package unpacked into a folder of its own (with libarchive: unzip may not be installed).
  func unzip(_ url: URL, in folder: TempFolder) throws -> URL {
    let out = folder.url("unzipped-\(UUID().uuidString)")
    for (path, data) in try archiveEntries(url) {
      let file = out.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
      try data.write(to: file)
    }
    return out
  }

  /// A folder's files zipped again.
  func zip(_ dir: URL, to url: URL) throws {
    let paths = (FileManager.default.enumerator(atPath: dir.path)?.allObjects as? [String] ?? []).sorted()
    try writeArchive(url, .zip, try paths.compactMap { path in
      var isFolder: ObjCBool = false
      _ = FileManager.default.fileExists(atPath: dir.appendingPathComponent(path).path, isDirectory: &isFolder)
      return isFolder.boolValue ? nil : .file(path, try Data(contentsOf: dir.appendingPathComponent(path)))
    })
  }

  /// Runs the commands of the package's own VERIFY.txt, taken out of it, on the package at `url`.
  func recipientCheck(_ url: URL, verifyText: String, in folder: TempFolder) throws -> (status: Int32, output: String) {
    try RecipientCheckTests.recipientCheck(
      try RecipientCheckTests.extractBlock(verifyText), package: url, scratch: folder.url("scratch-\(UUID().uuidString)"))
  }

  @Test func anIndemnifierPackageVerifiesWithCasefileAndWithTheCommandsOfVERIFYtxt() throws {
    let c = try BundleCase()
    let folder = try TempFolder()
    let (result, url) = try export(c, ExportRequest(caseRef: c.ref, profile: .indemnifier), in: folder)
    #expect(result.items == 3 && result.attachments == 1)
    let (report, _) = try BundleVerifier.verify(url, pin: .fingerprint(c.key.publicKey.fingerprint))
    #expect(report.signerProven && report.items == 3 && report.caseRef == c.ref)
    #expect(report.files == 5)  // the attachment, signer.pem, the schema, VERIFY.txt and report.html
    let dir = try unzip(url, in: folder)
    let verifyText = try String(contentsOf: dir.appendingPathComponent("VERIFY.txt"), encoding: .utf8)
    #expect(verifyText.contains(c.key.publicKey.fingerprint))
    let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.contains("Content-Security-Policy") && !html.contains("<script"))
    let check = try recipientCheck(url, verifyText: verifyText, in: folder)
    #expect(check.status == 0 && check.output.contains("RESULT: ALL CHECKS PASSED"), "\(check.output)")
    // The same export again refuses to overwrite.
    #expect(throws: CasefileError.self) { try c.t.store.exportBundle(ExportRequest(caseRef: c.ref, profile: .indemnifier), to: url) }
  }

  /// The attachments are zipped on a second thread while the bundle is signed: a blob changed in
  /// the store must still stop the export, by name, and leave no package and no partial file.
  @Test func aChangedBlobInTheStoreStopsTheExportAndLeavesNothing() throws {
    let c = try BundleCase()
    let folder = try TempFolder()
    let blobs = c.t.store.blobs
    let sha = try #require(try c.t.store.bundleContent(caseRef: c.ref).items.flatMap(\.record.attachments).first?.sha256)
    let path = blobs.path(for: sha)
    var bytes = try Data(contentsOf: path)
    bytes[bytes.count - 1] ^= 0x01
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path.path)
    try bytes.write(to: path)
    let error = #expect(throws: CasefileError.self) {
      try c.t.store.exportBundle(ExportRequest(caseRef: c.ref, profile: .indemnifier), to: folder.url("case.zip"))
    }
    #expect(error?.code == .integrity)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.root.path).isEmpty)
  }

  @Test func aChangedAttachmentByteFailsEverywhere() throws {
    let c = try BundleCase()
    let folder = try TempFolder()
    let (_, url) = try export(c, ExportRequest(caseRef: c.ref, profile: .indemnifier), in: folder)
    let dir = try unzip(url, in: folder)
    let attachment = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("attachments").path).first)
    let file = dir.appendingPathComponent("attachments/\(attachment)")
    var bytes = try Data(contentsOf: file)
    bytes[bytes.count - 1] ^= 0x01
    try bytes.write(to: file)
    let repacked = folder.url("repacked.zip")
    try zip(dir, to: repacked)
    let verifyText = try String(contentsOf: dir.appendingPathComponent("VERIFY.txt"), encoding: .utf8)
    let check = try recipientCheck(repacked, verifyText: verifyText, in: folder)
    #expect(check.status != 0 && check.output.contains("attachments/\(attachment) does not match"), "\(check.output)")
    let error = #expect(throws: CasefileError.self) { try BundleVerifier.verify(repacked, pin: .fingerprint(c.key.publicKey.fingerprint)) }
    #expect(error?.code == .integrity)
    #expect(error?.location?.entry == "attachments/\(attachment)")
  }

  @Test func pinsDecideWhoIsTrusted() throws {
    let c = try BundleCase()
    let other = try BundleCase()
    let folder = try TempFolder()
    let (_, url) = try export(c, ExportRequest(caseRef: c.ref, profile: .indemnifier), in: folder)
    let wrong = #expect(throws: CasefileError.self) { try BundleVerifier.verify(url, pin: .fingerprint(other.key.publicKey.fingerprint)) }
    #expect(wrong?.code == .signatureInvalid)
    #expect(throws: CasefileError.self) { try BundleVerifier.verify(url, pin: .key(other.key.publicKey)) }
    let unpinned = try BundleVerifier.verify(url, pin: .none).report
    #expect(!unpinned.signerProven)
  }

  @Test func thePlatformProfileCarriesOnlyWhatTheTeamNeeds() throws {
    let c = try BundleCase()
    let folder = try TempFolder()
    // "My patient? …" in E-2 stops the export, and the message names the finding, not the text.
    let blocked = #expect(throws: CasefileError.self) {
      try export(c, ExportRequest(caseRef: c.ref, profile: .platform, platform: .x), in: folder)
    }
    #expect(blocked?.code == .lintFindings)
    #expect(blocked?.message.contains("in E-2/text") == true)
    #expect(blocked?.message.contains("Not any more") == false)
    #expect(!FileManager.default.fileExists(atPath: folder.url("case.zip").path))
    // Redacted, it goes; the copy says it was redacted.
    let (result, url) = try export(
      c, ExportRequest(caseRef: c.ref, profile: .platform, platform: .x, redactions: ["(?i)my patient"]), in: folder)
    #expect(result.items == 2)
    let (_, tree) = try BundleVerifier.verify(url, pin: .fingerprint(c.key.publicKey.fingerprint))
    let xml = String(decoding: try tree.serialized(), as: UTF8.self)
    for secret in ["Private:", "patient flagged", "7654321", "M-42", "Example Defence", "Dr A Example", "+447700900123", "Not replying", "Do not reply", "07700 900999"] {
      #expect(!xml.contains(secret), "\(secret)")
    }
    #expect(xml.contains("X-REPORT-0001"))
    #expect(xml.contains("[redacted]? Not any more") && xml.contains("redacted=\"true\""))
    // No digest of a redacted text's original (the screenshot's cleaned copy names its original's).
    #expect(try tree.nodes("//b:text[@originalSha256]", namespaces: ["b": BundleXML.namespace]).isEmpty)
    #expect(xml.contains("<identified>false</identified>"))
    // Named only when asked.
    let (_, named) = try export(
      c, ExportRequest(caseRef: c.ref, profile: .platform, platform: .x, identify: true, allowedFindings: try myPatient(c, .platform)),
      in: folder, name: "named.zip")
    #expect(String(decoding: try BundleVerifier.verify(named, pin: .none).tree.serialized(), as: UTF8.self).contains("Dr A Example"))
    // A case on two platforms needs to be told which.
    #expect(throws: CasefileError.self) { try c.t.store.exportBundle(ExportRequest(caseRef: c.ref, profile: .platform), to: folder.url("x.zip")) }
  }
}

@Suite struct SigningKeyTests {
  @Test func theKeyIsPrivateNeverReplacedAndTravelsWithABackup() throws {
    let c = try BundleCase()
    let files = SigningKey.Files(store: c.t.store.location)
    let mode = try FileManager.default.attributesOfItem(atPath: files.privateKey.path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    #expect(c.key.publicKey.fingerprint.count == 64)
    let again = #expect(throws: CasefileError.self) { try SigningKey.create(in: c.t.store.location) }
    #expect(again?.code == .notAllowed)
    #expect(try SigningKey.load(from: c.t.store.location).publicKey == c.key.publicKey)
    // The fingerprint is the SHA-256 of the DER SubjectPublicKeyInfo, as openssl computes it.
    let openssl = try run("openssl pkey -pubin -in '\(files.publicKey.path)' -outform DER | sha256sum")
    #expect(openssl.output.hasPrefix(c.key.publicKey.fingerprint))
    let backup = c.t.root.appendingPathComponent("backup")
    _ = try c.t.store.backup(to: backup)
    #expect(try SigningKey.load(from: StoreLocation(directory: backup)).publicKey == c.key.publicKey)
    let copied = try FileManager.default.attributesOfItem(atPath: SigningKey.Files(store: StoreLocation(directory: backup)).privateKey.path)
    #expect(copied[.posixPermissions] as? Int == 0o600)
  }
}

@Suite struct PoliceProfileTests {
  @Test func thePoliceGetTheEvidenceTheStepsAndTheDoctorsContactButNotTheConfidentialPartsUnlessAsked() throws {
    let c = try BundleCase()
    let folder = try TempFolder()
    let plain = folder.url("police.zip")
    let allowed = try myPatient(c, .police)
    let result = try c.t.store.exportBundle(
      ExportRequest(caseRef: c.ref, profile: .police, allowedFindings: allowed), to: plain)
    #expect(result.items == 3 && result.warnings == ["allowed lint finding \(allowed.first ?? "-")"])
    let xml = String(decoding: try BundleVerifier.verify(plain, pin: .none).tree.serialized(), as: UTF8.self)
    #expect(xml.contains("07700 900999") && xml.contains("Dr A Example") && xml.contains("Not replying"))
    #expect(!xml.contains("Private:") && !xml.contains("<patient") && !xml.contains("Do not reply") && !xml.contains("M-42"))
    let full = folder.url("police-full.zip")
    let confidential = try c.t.store.exportBundle(
      ExportRequest(caseRef: c.ref, profile: .police, includeConfidential: true, allowedFindings: try myPatient(c, .police)),
      to: full)
    #expect(confidential.warnings.contains { $0.contains("--include-confidential") })
    let withNotes = String(decoding: try BundleVerifier.verify(full, pin: .none).tree.serialized(), as: UTF8.self)
    #expect(withNotes.contains("Private:") && withNotes.contains("<patient flagged=\"true\"/>") && withNotes.contains("Do not reply"))
  }
}

/// The lint's id for "My patient?" in E-2 of a ``BundleCase``.
func myPatient(_ c: BundleCase, _ profile: ExportProfile) throws -> [String] {
  let report = try c.t.store.lint(ExportRequest(caseRef: c.ref, profile: profile, platform: profile == .platform ? .x : nil))
  return report.findings.filter { $0.source == "E-2/text" && $0.rule == "phrase:my-patient" }.map(\.id)
}
