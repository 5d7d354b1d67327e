import CasefileKit
import Foundation
import Testing

/// receive: a verified package loaded into another store, and the round trip that keeps digests.
@Suite struct BundleReceiveTests {
  /// What must survive a round trip, per item, step and note, read from a verified bundle.
  func fingerprint(_ tree: XMLTree) throws -> [String] {
    let ns = ["b": BundleXML.namespace]
    var lines: [String] = []
    for item in try tree.nodes("/b:bundle/b:items/b:item", namespaces: ns) {
      var line = [item.attribute("kind"), item.attribute("platform"), item.attribute("direction")].map { $0 ?? "-" }
      let time = try item.node("b:occurredAt", namespaces: ns)
      line += [time?.attribute("utc"), time?.text, time?.attribute("zone"), time?.attribute("zoneSource")].map { $0 ?? "-" }
      line.append(try item.node("b:capturedAt", namespaces: ns)?.text ?? "-")
      line.append(try item.node("b:text", namespaces: ns)?.markup ?? "-")
      line.append(try item.node("b:url", namespaces: ns)?.text ?? "-")
      line.append(try item.node("b:provenance", namespaces: ns)?.markup ?? "-")
      line += try item.nodes("b:attachments/b:attachment", namespaces: ns).map { "\($0.attribute("sha256") ?? "") \($0.text)" }
      let author = item.attribute("author").flatMap { ref in try? tree.node("/b:bundle/b:actors/b:actor[@ref='\(ref)']/b:handle", namespaces: ns)?.text }
      line.append(author ?? "-")
      lines.append(line.joined(separator: " | "))
    }
    for step in try tree.nodes("/b:bundle/b:steps/b:step", namespaces: ns) {
      lines.append(
        ["step", step.attribute("kind"), step.attribute("on"), step.attribute("recordedAt"), step.attribute("confidential")]
          .map { $0 ?? "-" }.joined(separator: " ") + " " + (try step.nodes("b:detail", namespaces: ns).map(\.markup).joined()))
    }
    lines += try tree.nodes("/b:bundle/b:notes/b:note", namespaces: ns).map { "note \($0.attribute("createdAt") ?? "") \($0.text)" }
    lines += try tree.nodes("/b:bundle/b:actors/b:actor/b:patient", namespaces: ns).map { "patient \($0.attribute("flagged") ?? "")" }
    return lines
  }

  @Test func exportReceiveExportKeepsEveryDigest() throws {
    let c = try BundleCase()
    // An imported item too, so that a raw fragment makes the trip.
    let export = try FormatFixtures.data("sms-backup/sms-20261120.xml")
    let folder = try TempFolder()
    try export.write(to: folder.url("sms-20261120.xml"))
    _ = try FormatFixtures.importExport(c.t.store, c.ref, folder.url("sms-20261120.xml"), filter: ImportFilter(from: ["+447700900123"]))
    let first = folder.url("first.zip")
    _ = try c.t.store.exportBundle(ExportRequest(caseRef: c.ref, profile: .indemnifier), to: first)

    let desk = try TestStore()
    _ = try SigningKey.create(in: desk.store.location)
    let received = try desk.store.receive(first, pin: .fingerprint(c.key.publicKey.fingerprint))
    #expect(received.items > 3 && received.attachments >= 1 && received.notes == 1 && received.steps == 4)
    #expect(received.fromCaseRef == c.ref && received.signerProven)
    #expect(try desk.store.fsck().ok)

    let second = folder.url("second.zip")
    _ = try desk.store.exportBundle(ExportRequest(caseRef: received.caseRef, profile: .indemnifier), to: second)
    let a = try BundleVerifier.verify(first, pin: .fingerprint(c.key.publicKey.fingerprint)).tree
    let b = try BundleVerifier.verify(second, pin: .none).tree
    #expect(try fingerprint(a) == fingerprint(b))
    #expect(try fingerprint(a).contains { $0.contains("fragmentSha256") && $0.contains("<fragment>") })

    // The same package twice is refused, and so is a package that fails verification.
    let twice = #expect(throws: CasefileError.self) { try desk.store.receive(first, pin: .none) }
    #expect(twice?.code == .notAllowed)
  }

  @Test func aPackageThatFailsVerificationStoresNothing() throws {
    let c = try BundleCase()
    let folder = try TempFolder()
    let url = folder.url("case.zip")
    _ = try c.t.store.exportBundle(ExportRequest(caseRef: c.ref, profile: .indemnifier), to: url)
    let desk = try TestStore()
    let before = try desk.fingerprint()
    let other = try BundleCase()
    let error = #expect(throws: CasefileError.self) { try desk.store.receive(url, pin: .fingerprint(other.key.publicKey.fingerprint)) }
    #expect(error?.code == .signatureInvalid)
    #expect(try desk.fingerprint() == before)
  }

  @Test func aPlatformPackageComesInWithoutWhatItLeftOut() throws {
    let c = try BundleCase()
    let export = try FormatFixtures.data("sms-backup/sms-20261120.xml")
    let folder = try TempFolder()
    try export.write(to: folder.url("sms-20261120.xml"))
    _ = try FormatFixtures.importExport(c.t.store, c.ref, folder.url("sms-20261120.xml"), filter: ImportFilter(from: ["+447700900123"]))
    let url = folder.url("sms.zip")
    _ = try c.t.store.exportBundle(
      ExportRequest(caseRef: c.ref, profile: .platform, platform: .sms, allowedFindings: []), to: url)
    let desk = try TestStore()
    let received = try desk.store.receive(url, pin: .fingerprint(c.key.publicKey.fingerprint))
    #expect(received.profile == "platform" && received.notes == 0)
    let detail = try desk.store.caseDetail(received.caseRef)
    #expect(detail.evidence.allSatisfy { $0.platform == .sms })
    #expect(detail.actors.allSatisfy { !$0.patientFlag })
    #expect(try desk.store.fsck().ok)
  }
}
