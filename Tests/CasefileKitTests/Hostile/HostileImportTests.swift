import CasefileKit
import Foundation
import Testing

/// The hostile exports of the corpus (README.md here is the index), each imported end to end
/// into a store that already holds evidence, the way `casefile import` does:
/// - refused: a clear error with its code, naming the file; the store is exactly as before;
/// - lossy: stored with a warning naming the entry, and the page kept whole as a blob;
/// - imports: stored, and nothing came from outside the export.
/// In every case `fsck` passes, the earlier evidence is unchanged, and no error message carries
/// the canary or a message body.
@Suite struct HostileImportTests {
  @Test(arguments: HostileImport.all)
  func hostileExport(_ hostile: HostileImport) throws {
    let folder = try TempFolder()
    try Data(HostileImport.canaryText.utf8).write(to: folder.url("CANARY"))
    let t = try TestStore()
    // Earlier evidence: a logged item and a good import, in a case of their own.
    let earlier = try t.store.openCase(title: "Earlier", category: .threat, severity: .high).ref
    _ = try t.store.logItem(ItemDraft(
      caseRef: earlier, platform: .x, kind: .dm, author: ActorInput(handle: "@earlier_example"),
      occurredAt: try at("2026-11-19 10:00"), text: "Logged before the hostile import."))
    let good = folder.url("sms-20261120.xml")
    try Carrier.smsData.write(to: good)
    _ = try FormatFixtures.importExport(t.store, earlier, good, zone: "UTC")
    let earlierBefore = try t.store.caseDetail(earlier).evidence
    let target = try t.store.openCase(title: "Hostile", category: .threat, severity: .high).ref
    let before = try t.fingerprint()

    let url = try hostile.build(folder)
    switch hostile.outcome {
    case .refused(let code):
      let error = #expect(throws: CasefileError.self, "\(hostile)") { try FormatFixtures.importExport(t.store, target, url, zone: "UTC") }
      #expect(error?.code == code, "\(hostile): \(String(describing: error))")
      #expect(error?.location?.file?.isEmpty == false, "\(hostile): the error names no file")
      #expect(error?.message.contains(HostileImport.canaryText) == false)
      #expect(try t.fingerprint() == before, "\(hostile): the store changed")
    case .lossy, .imports:
      let summary = try FormatFixtures.importExport(t.store, target, url, zone: "UTC")
      let texts = try t.store.caseDetail(target).evidence.compactMap(\.text)
      #expect(hostile.check(texts, summary), "\(hostile): \(summary.read) read, \(summary.new) new, \(summary.warnings.map(\.message))")
      #expect(!texts.contains { $0.contains(HostileImport.canaryText) })
      if case .lossy = hostile.outcome {
        #expect(!summary.warnings.isEmpty, "\(hostile): no warning")
        #expect(summary.warnings.allSatisfy { $0.entry != nil }, "\(hostile): a warning names no entry")
      } else {
        #expect(summary.warnings.isEmpty, "\(hostile): \(summary.warnings.map(\.message))")
      }
    }
    #expect(try t.store.caseDetail(earlier).evidence == earlierBefore)
    #expect(try t.store.fsck().ok)
  }
}
