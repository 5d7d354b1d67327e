import CasefileKit
import Foundation
import Testing

/// The bundle XML, its schema and its signature, checked with casefile and with the real xmllint
/// and xmlsec1 commands.
@Suite struct BundleSigningTests {
  static let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("schemas/casefile-bundle-1.xsd")

  /// A signed indemnifier bundle of the fixture case, and the files a recipient would hold.
  func signed(_ c: BundleCase, profile: ExportProfile = .indemnifier) throws -> (xml: Data, folder: TempFolder) {
    let selection = try profile.select(try c.t.store.bundleContent(caseRef: c.ref), request: ExportRequest(caseRef: c.ref, profile: profile))
    let xml = try BundleXML.write(
      selection, createdAt: "2026-11-25T12:00:00.000Z", keyFingerprint: c.key.publicKey.fingerprint, allowedFindings: [],
      manifest: [])
    let tree = try XMLTree.parseXML(xml, location: .init(file: "bundle.xml"))
    try XMLSignature.sign(tree, privateKeyPEM: c.key.privateKeyPEM, keyName: c.key.publicKey.fingerprint)
    try BundleSchema.validate(tree, location: .init(file: "bundle.xml"))
    let folder = try TempFolder()
    let out = try tree.serialized()
    try out.write(to: folder.url("bundle.xml"))
    try Data(c.key.publicKey.pem.utf8).write(to: folder.url("signer.pem"))
    return (out, folder)
  }

  func xmllint(_ folder: TempFolder, _ name: String = "bundle.xml") throws -> Int32 {
    try run("xmllint --noout --schema '\(Self.schema.path)' '\(folder.url(name).path)'").status
  }

  func xmlsec1(_ folder: TempFolder, fingerprint: String, _ name: String = "bundle.xml") throws -> Int32 {
    try run(
      "xmlsec1 --verify --enabled-key-data key-name --enabled-reference-uris empty --pubkey-pem:\(fingerprint) '\(folder.url("signer.pem").path)' '\(folder.url(name).path)'"
    ).status
  }

  @Test func aSignedBundleVerifiesWithCasefileXmllintAndXmlsec1() throws {
    let c = try BundleCase()
    let (xml, folder) = try signed(c)
    #expect(try xmllint(folder) == 0)
    #expect(try xmlsec1(folder, fingerprint: c.key.publicKey.fingerprint) == 0)
    let tree = try XMLTree.parseXML(xml, location: .init(file: "bundle.xml"))
    let verified = try XMLSignature.verify(tree, publicKeyPEM: c.key.publicKey.pem, location: .init(file: "bundle.xml"))
    #expect(verified.keyName == c.key.publicKey.fingerprint)
    let text = String(decoding: xml, as: UTF8.self)
    // A text with a carriage return travels as base64, so it comes back exactly.
    #expect(text.contains("encoding=\"base64\""))
    #expect(!text.contains("<script>"))
  }

  @Test func everyTamperFailsEverywhere() throws {
    let c = try BundleCase()
    let (xml, folder) = try signed(c)
    let original = String(decoding: xml, as: UTF8.self)
    let fingerprint = c.key.publicKey.fingerprint
    let tampers: [(String, (String) -> String)] = [
      ("an edited text node", { $0.replacingOccurrences(of: "Watch yourself.", with: "Watch out.") }),
      ("an added comment", { $0.replacingOccurrences(of: "<steps>", with: "<steps><!-- added -->") }),
      ("an extra Reference", { $0.replacingOccurrences(of: "</SignedInfo>", with: "<Reference URI=\"#x\"><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue>AA==</DigestValue></Reference></SignedInfo>") }),
    ]
    for (what, tamper) in tampers {
      let changed = tamper(original)
      #expect(changed != original, "\(what) changed nothing")
      try Data(changed.utf8).write(to: folder.url("tampered.xml"))
      let tree = try? XMLTree.parseXML(Data(changed.utf8), location: .init(file: "tampered.xml"))
      #expect(throws: CasefileError.self, "\(what)") {
        try XMLSignature.verify(try #require(tree), publicKeyPEM: c.key.publicKey.pem, location: .init(file: "tampered.xml"))
      }
      // xmlsec1 leaves comments out of a URI="" reference, as the standard says: VERIFY.txt has
      // the recipient check that there are none.
      if what == "an added comment" {
        #expect(try xmlsec1(folder, fingerprint: fingerprint, "tampered.xml") == 0)
        #expect(try run("grep -c -- '<!--' '\(folder.url("tampered.xml").path)'").output.hasPrefix("1"))
      } else {
        #expect(try xmlsec1(folder, fingerprint: fingerprint, "tampered.xml") != 0, "\(what)")
      }
    }
    // A moved Signature, a transform casefile never uses, and a DOCTYPE are refused by casefile
    // before xmlsec sees them.
    let signatureStart = try #require(original.range(of: "<Signature"))
    let signatureEnd = try #require(original.range(of: "</Signature>"))
    let signature = String(original[signatureStart.lowerBound..<signatureEnd.upperBound])
    let moved = original.replacingOccurrences(of: signature, with: "").replacingOccurrences(of: "<metadata>", with: signature + "<metadata>")
    let xpath = original.replacingOccurrences(
      of: "<Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>",
      with: "<Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><XPath>not(ancestor-or-self::*[local-name()='text'])</XPath></Transform>")
    let xslt = original.replacingOccurrences(
      of: "<Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>",
      with: "<Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"/>")
    for (what, changed, expected) in [
      ("a moved Signature", moved, "last child"), ("an XPath transform", xpath, "transforms"), ("an XSLT transform", xslt, "transforms"),
    ] {
      #expect(changed != original, "\(what) changed nothing")
      let refused = #expect(throws: CasefileError.self, "\(what)") {
        try XMLSignature.verify(
          try XMLTree.parseXML(Data(changed.utf8), location: .init(file: "t.xml")), publicKeyPEM: c.key.publicKey.pem,
          location: .init(file: "t.xml"))
      }
      #expect(refused?.message.contains(expected) == true, "\(what): \(refused?.message ?? "")")
    }
    let doctype = original.replacingOccurrences(
      of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE bundle [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>")
    #expect(doctype != original)
    let dtd = #expect(throws: CasefileError.self) { try XMLTree.parseXML(Data(doctype.utf8), location: .init(file: "t.xml")) }
    #expect(dtd?.code == .xmlDTD)
    // An element the schema does not know is refused by the schema check.
    let extra = try XMLTree.parseXML(
      Data(original.replacingOccurrences(of: "</metadata>", with: "<extra>x</extra></metadata>").utf8), location: .init(file: "t.xml"))
    let invalid = #expect(throws: CasefileError.self) { try BundleSchema.validate(extra, location: .init(file: "t.xml")) }
    #expect(invalid?.code == .schemaInvalid)
    #expect(try xmllint(folder) == 0)
    // A bundle re-signed by someone else, carrying their key in a KeyValue and naming the right
    // fingerprint, fails against the pinned key: with casefile, and with xmlsec1 held to key names.
    let other = try BundleCase()
    let forged = String(decoding: try signed(other).xml, as: UTF8.self)
      .replacingOccurrences(of: other.key.publicKey.fingerprint, with: fingerprint)
      .replacingOccurrences(of: "</KeyInfo>", with: "<KeyValue><ECKeyValue xmlns=\"http://www.w3.org/2009/xmldsig11#\"/></KeyValue></KeyInfo>")
    try Data(forged.utf8).write(to: folder.url("forged.xml"))
    #expect(try xmlsec1(folder, fingerprint: fingerprint, "forged.xml") != 0)
    let keyValue = #expect(throws: CasefileError.self) {
      try XMLSignature.verify(
        try XMLTree.parseXML(Data(forged.utf8), location: .init(file: "forged.xml")), publicKeyPEM: c.key.publicKey.pem,
        location: .init(file: "forged.xml"))
    }
    #expect(keyValue?.message.contains("key material") == true)
    // Another key never verifies, even with the document naming the right fingerprint.
    let tree = try XMLTree.parseXML(xml, location: .init(file: "bundle.xml"))
    let wrongKey = #expect(throws: CasefileError.self) {
      try XMLSignature.verify(tree, publicKeyPEM: other.key.publicKey.pem, location: .init(file: "bundle.xml"))
    }
    #expect(wrongKey?.code == .signatureInvalid)
  }
}

/// Runs a command line with `shell` (standard output and error together, no standard input), in
/// `directory` when given, with `environment` added to this process's.
@discardableResult
func run(
  _ command: String, shell: String = "/bin/sh", in directory: URL? = nil, environment: [String: String] = [:]
) throws -> (status: Int32, output: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: shell)
  process.arguments = ["-c", command]
  if let directory { process.currentDirectoryURL = directory }
  if !environment.isEmpty {
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
  }
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  process.standardInput = FileHandle.nullDevice
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
