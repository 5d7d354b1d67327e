import CasefileKit
import Foundation
import Testing

/// What the fresh numbering keeps working: the indemnifier's package keeps the store's references
/// and marks the doctor's own messages; every kind of package is received, its steps still
/// pointing at the right ones; the committed version 1 examples are still received.
@Suite struct PackageNumberingTests {
  @Test func theIndemnifierPackageKeepsStoreReferencesListsWhatIsLeftOutAndMarksOwnMessages() throws {
    let c = try NumberingCase(own: .loggedUnderOwnAccount)
    let folder = try TempFolder()
    let (result, url) = try c.export(
      ExportRequest(caseRef: c.ref, profile: .indemnifier, excludedItems: [c.excludedItem]), in: folder)
    #expect(result.packageRefs.isEmpty)
    let bundle = try #require(try packageEntries(url)[BundlePackage.bundle])
    let tree = try XMLTree.parseXML(bundle, location: .init(file: BundlePackage.bundle))
    #expect(try tree.nodes("//*[local-name()='caseRef']").map(\.text) == [c.ref])
    #expect(try tree.nodes("//*[local-name()='item' and @kind]/@ref").map(\.text) == c.abusive + [c.ownItem])
    #expect(try tree.nodes("//*[local-name()='excluded']/*").map(\.text) == [c.excludedItem])
    #expect(try tree.nodes("//*[local-name()='item'][@direction='sent']/@ref").map(\.text) == [c.ownItem])
  }

  @Test func aPlatformExportTellsTheDoctorWhichStoreItemEachNumberIs() throws {
    let c = try NumberingCase()
    let folder = try TempFolder()
    let (result, _) = try c.export(ExportRequest(caseRef: c.ref, profile: .platform, excludedItems: [c.excludedItem]), in: folder)
    let items = result.packageRefs.filter { $0.package.hasPrefix("E-") }
    #expect(items == zip(["E-1", "E-2"], c.abusive).map { PackageRef(package: $0, store: $1) })
  }

  @Test(arguments: [ExportProfile.platform, .police, .indemnifier])
  func eachKindOfPackageIsReceivedWithItsStepsPointingRight(_ profile: ExportProfile) throws {
    let c = try NumberingCase()
    let folder = try TempFolder()
    let (result, url) = try c.export(ExportRequest(caseRef: c.ref, profile: profile), in: folder)
    let desk = try TestStore()
    let received = try desk.store.receive(url, pin: .fingerprint(c.key.publicKey.fingerprint))
    #expect(received.items == result.items)
    #expect(received.fromCaseRef == (profile == .indemnifier ? c.ref : "C-1"))
    let detail = try desk.store.caseDetail(received.caseRef)
    #expect(detail.evidence.count == result.items)
    #expect(detail.evidence.allSatisfy { $0.authorRef != nil })
    if profile != .platform {
      // The outcome still answers the report.
      let report = try #require(detail.timeline.first { $0.kind == "report" })
      #expect(detail.timeline.contains { $0.kind == "outcome" && $0.refersTo == report.ref })
    }
  }

  @Test func theCommittedVersion1ExamplesAreStillReceived() throws {
    let fingerprint = "90aaa16211d119cf7d83f2a53a1f4e5f6cdf9ef55f21f4a5bbd9f93726ffee1b"
    let bundles = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/bundles")
    for name in ["example-platform-instagram.zip", "example-indemnifier.zip"] {
      let desk = try TestStore()
      let received = try desk.store.receive(bundles.appendingPathComponent(name), pin: .fingerprint(fingerprint))
      #expect(received.items == 3, "\(name)")
    }
  }
}
