import Foundation
import Testing

@testable import CasefileKit

/// The export writes `bundle.xml` once, renders the report from it, and then adds the report's
/// entry to the parsed manifest. The result must be byte for byte what the writer gives when the
/// entry is in the manifest from the start.
@Suite struct BundleManifestTests {
  static let entries = [
    BundleXML.ManifestEntry(path: "VERIFY.txt", size: 10, sha256: String(repeating: "1", count: 64)),
    BundleXML.ManifestEntry(path: "attachments/aa.png", size: 20, sha256: String(repeating: "2", count: 64)),
    BundleXML.ManifestEntry(path: "signer.pem", size: 30, sha256: String(repeating: "3", count: 64)),
  ]

  func write(_ c: BundleCase, _ manifest: [BundleXML.ManifestEntry]) throws -> Data {
    let selection = try ExportProfile.indemnifier.select(
      try c.t.store.bundleContent(caseRef: c.ref), request: ExportRequest(caseRef: c.ref, profile: .indemnifier))
    return try BundleXML.write(
      selection, createdAt: "2026-11-25T12:00:00.000Z", keyFingerprint: c.key.publicKey.fingerprint, allowedFindings: [],
      manifest: manifest)
  }

  @Test(arguments: [
    ("0-first.html", 0), ("report.html", 0), ("zz-last.txt", 0),  // before, between and after the others
    ("report.html", 3),  // into an empty manifest
  ])
  func anAddedEntryGivesTheBytesTheWriterGives(path: String, keep: Int) throws {
    let c = try BundleCase()
    let others = Array(Self.entries.dropLast(keep == 3 ? 3 : 0))
    let added = BundleXML.ManifestEntry(path: path, size: 1234, sha256: String(repeating: "a", count: 64))
    let tree = try XMLTree.parseXML(try write(c, others), location: .init(file: "bundle.xml"))
    try BundleXML.addManifestEntry(added, to: tree)
    let expected = try XMLTree.parseXML(try write(c, others + [added]), location: .init(file: "bundle.xml")).serialized()
    let got = try tree.serialized()
    #expect(String(decoding: got, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    // VERIFY.txt's sed reads one <file> per line.
    let lines = String(decoding: got, as: UTF8.self).split(separator: "\n").filter { $0.contains("<file ") }
    #expect(lines.count == others.count + 1)
    #expect(lines.allSatisfy { $0.hasPrefix("    <file ") && $0.hasSuffix("/>") })
  }

  @Test func aTreeWithoutAManifestIsRefused() throws {
    let tree = try XMLTree.parseXML(Data("<bundle xmlns=\"urn:casefile:bundle:1\"/>".utf8), location: .init(file: "bundle.xml"))
    let added = BundleXML.ManifestEntry(path: "report.html", size: 1, sha256: String(repeating: "a", count: 64))
    #expect(throws: CasefileError.self) { try BundleXML.addManifestEntry(added, to: tree) }
  }
}
