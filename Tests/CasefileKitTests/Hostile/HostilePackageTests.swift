import CasefileKit
import Foundation
import Testing

/// Hostile evidence packages (README.md here is the index): each is a real package exported from
/// the fixture case, then altered. `casefile verify` refuses it with a clear error, and
/// `casefile receive` refuses it and stores nothing in a store that already holds evidence.
@Suite struct HostilePackageTests {
  /// One hostile package: how it is made from the good one's files, and the error it gives.
  struct Case: Sendable, CustomStringConvertible {
    let id: String
    let code: CasefileError.Code
    /// The files of the package (path → bytes), altered; the key of the case, to re-sign with.
    let alter: @Sendable (inout [(path: String, data: Data)], _ resign: (String) throws -> Data) throws -> Void
    var description: String { id }
  }

  static func bundleText(_ files: [(path: String, data: Data)]) -> String {
    String(decoding: files.first { $0.path == "bundle.xml" }!.data, as: UTF8.self)
  }

  static func setBundle(_ files: inout [(path: String, data: Data)], _ text: String) {
    let index = files.firstIndex { $0.path == "bundle.xml" }!
    files[index].data = Data(text.utf8)
  }

  static func edit(_ old: String, _ new: String) -> @Sendable (inout [(path: String, data: Data)], (String) throws -> Data) throws -> Void {
    { files, _ in
      let text = bundleText(files)
      precondition(text.contains(old), "no \(old) in bundle.xml")
      setBundle(&files, text.replacingOccurrences(of: old, with: new))
    }
  }

  /// Where the `ds:Signature` element stands in bundle.xml.
  static func signatureRange(_ text: String) -> Range<String.Index> {
    text.range(of: "<Signature")!.lowerBound..<text.range(of: "</Signature>")!.upperBound
  }

  static let enveloped = "<Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"

  static let cases: [Case] = [
    .init(id: "bundle-doctype-entity", code: .xmlDTD, alter: edit(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE bundle [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>")),
    .init(id: "bundle-billion-laughs", code: .xmlDTD, alter: edit(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE bundle [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>")),
    .init(id: "bundle-edited-text", code: .signatureInvalid, alter: edit("Watch yourself.", "Watch out.")),
    .init(id: "bundle-added-comment", code: .signatureInvalid, alter: edit("<steps>", "<steps><!-- added -->")),
    .init(id: "bundle-extra-reference", code: .signatureInvalid, alter: edit(
      "</SignedInfo>",
      "<Reference URI=\"#x\"><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue>AA==</DigestValue></Reference></SignedInfo>")),
    .init(id: "bundle-moved-signature", code: .schemaInvalid) { files, _ in
      let text = bundleText(files)
      let signature = String(text[signatureRange(text)])
      setBundle(&files, text.replacingOccurrences(of: signature, with: "").replacingOccurrences(of: "<metadata>", with: signature + "<metadata>"))
    },
    .init(id: "bundle-xpath-transform", code: .signatureInvalid, alter: edit(
      enveloped,
      "<Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><XPath>not(ancestor-or-self::*[local-name()='text'])</XPath></Transform>")),
    .init(id: "bundle-keyvalue-other-key", code: .signatureInvalid, alter: edit(
      "</KeyInfo>", "<KeyValue><ECKeyValue xmlns=\"http://www.w3.org/2009/xmldsig11#\"/></KeyValue></KeyInfo>")),
    .init(id: "bundle-changed-attachment-byte", code: .integrity) { files, _ in
      let index = files.firstIndex { $0.path.hasPrefix("attachments/") }!
      files[index].data[files[index].data.startIndex + 3] ^= 0x01
    },
    .init(id: "bundle-missing-attachment", code: .integrity) { files, _ in
      files.removeAll { $0.path.hasPrefix("attachments/") }
    },
    .init(id: "bundle-unlisted-file", code: .integrity) { files, _ in
      files.append((path: "attachments/extra.exe", data: Data("MZ".utf8)))
    },
    .init(id: "bundle-missing-bundle-xml", code: .integrity) { files, _ in
      files.removeAll { $0.path == "bundle.xml" }
    },
    // Signed with the right key, so only the schema can catch it.
    .init(id: "bundle-schema-invalid-resigned", code: .schemaInvalid) { files, resign in
      var unsigned = bundleText(files)
      unsigned.removeSubrange(signatureRange(unsigned))
      setBundle(&files, String(decoding: try resign(unsigned.replacingOccurrences(of: "</metadata>", with: "<extra>x</extra></metadata>")), as: UTF8.self))
    },
  ]

  /// A store with evidence, and a good indemnifier package of the fixture case.
  func goodPackage(_ c: BundleCase, in folder: TempFolder) throws -> [(path: String, data: Data)] {
    let url = folder.url("good.zip")
    _ = try c.t.store.exportBundle(ExportRequest(caseRef: c.ref, profile: .indemnifier), to: url)
    return try archiveEntries(url)
  }

  @Test(arguments: cases)
  func hostilePackage(_ hostile: Case) throws {
    let c = try BundleCase()
    let folder = try TempFolder()
    var files = try goodPackage(c, in: folder)
    try hostile.alter(&files) { unsigned in
      let tree = try XMLTree.parseXML(Data(unsigned.utf8), location: .init(file: "bundle.xml"))
      try XMLSignature.sign(tree, privateKeyPEM: c.key.privateKeyPEM, keyName: c.key.publicKey.fingerprint)
      return try tree.serialized()
    }
    let url = folder.url("hostile.zip")
    try writeArchive(url, .zip, files.map { FixtureEntry.file($0.path, $0.data) })
    let pin = BundleVerifier.Pin.fingerprint(c.key.publicKey.fingerprint)

    let refused = #expect(throws: CasefileError.self, "\(hostile)") { try BundleVerifier.verify(url, pin: pin) }
    #expect(refused?.code == hostile.code, "\(hostile): \(String(describing: refused))")
    #expect(refused?.location?.file == url.path)

    // The recipient's store holds a case already; receiving changes nothing.
    let recipient = try TestStore()
    _ = try recipient.store.openCase(title: "Earlier", category: .threat, severity: .high)
    let before = try recipient.fingerprint()
    let notReceived = #expect(throws: CasefileError.self, "\(hostile)") { try recipient.store.receive(url, pin: pin) }
    #expect(notReceived?.code == hostile.code)
    #expect(try recipient.fingerprint() == before)
    #expect(try recipient.store.listCases().count == 1)
  }

  /// The same package, unaltered, passes: so each refusal above is the alteration's doing.
  @Test func theGoodPackageRezippedIsReceived() throws {
    let c = try BundleCase()
    let folder = try TempFolder()
    let files = try goodPackage(c, in: folder)
    let url = folder.url("rezipped.zip")
    try writeArchive(url, .zip, files.map { FixtureEntry.file($0.path, $0.data) })
    let pin = BundleVerifier.Pin.fingerprint(c.key.publicKey.fingerprint)
    _ = try BundleVerifier.verify(url, pin: pin)
    let recipient = try TestStore()
    _ = try recipient.store.receive(url, pin: pin)
    #expect(try recipient.store.listCases().count == 1)
  }

  static let archiveCases = ["bundle-zero-bytes", "bundle-path-escape", "bundle-symlink"]

  @Test(arguments: archiveCases)
  func hostileArchive(_ id: String) throws {
    let c = try BundleCase()
    let folder = try TempFolder()
    let url = folder.url("\(id).zip")
    let expected: CasefileError.Code
    switch id {
    case "bundle-zero-bytes":
      try Data().write(to: url)
      expected = .archiveTruncated
    case "bundle-path-escape":
      var files = try goodPackage(c, in: folder)
      files.append((path: "../../evil.txt", data: Data("x".utf8)))
      try writeArchive(url, .zip, files.map { FixtureEntry.file($0.path, $0.data) })
      expected = .archiveUnsafePath
    default:
      let files = try goodPackage(c, in: folder)
      try writeArchive(url, .zip, files.map { FixtureEntry.file($0.path, $0.data) } + [FixtureEntry(name: "link", kind: .symlink("/etc/passwd"))])
      expected = .archiveLink
    }
    let pin = BundleVerifier.Pin.fingerprint(c.key.publicKey.fingerprint)
    let refused = #expect(throws: CasefileError.self) { try BundleVerifier.verify(url, pin: pin) }
    #expect(refused?.code == expected, "\(id): \(String(describing: refused))")
    let recipient = try TestStore()
    let before = try recipient.fingerprint()
    #expect(throws: CasefileError.self) { try recipient.store.receive(url, pin: pin) }
    #expect(try recipient.fingerprint() == before)
  }
}
