import CasefileKit
import Foundation
import GRDB
import Testing

@Suite struct ImportPipelineTests {
  let source = ImportSourceInfo(path: "/exports/sms-20261120.xml", kind: "file", sha256: Digest.sha256Hex(Array(SMSFixtures.sms.utf8)))

  func importSMS(_ store: CaseStore, _ caseRef: String, text: String = SMSFixtures.sms, filter: ImportFilter, dryRun: Bool = false) throws -> ImportSummary {
    try store.importMessages(caseRef: caseRef, source: source, filter: filter, dryRun: dryRun) { emit in
      for message in try readMessages(text) { try emit(message) }
      return []
    }
  }

  @Test func storesOnlyTheSelectedSenderWithProvenanceAndMedia() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Texts", category: .threat, severity: .high).ref
    let summary = try importSMS(t.store, ref, filter: ImportFilter(from: ["+44 7700 900123"]))
    #expect(summary.read == 7)
    #expect(summary.new == 3)  // two SMS and the MMS; the group MMS is from another number
    #expect(summary.skipped == 4)
    #expect(summary.mediaStored == 1)
    let detail = try t.store.caseDetail(ref)
    #expect(detail.evidence.allSatisfy { $0.captureMethod == .import })
    #expect(detail.actors.count == 1)  // both spellings of the number are one actor
    #expect(detail.evidence.map(\.text).contains("Nice car. Shame if something happened to it."))
    #expect(!detail.evidence.contains { $0.text?.contains("Saturday") == true })  // the friend's thread stays out
    let mms = detail.evidence.first { $0.kind == .mms }!
    #expect(mms.attachments.first?.mediaType == "image/png")
    #expect(try t.store.blobs.read(mms.attachments[0].sha256) == Data(base64Encoded: SMSFixtures.pngBase64))

    let provenance = try #require(try t.store.provenance(of: detail.evidence[0].ref))
    #expect(provenance.entryPath == "sms-20261120.xml")
    #expect(provenance.archiveSha256 == source.sha256)
    #expect(provenance.fragmentSha256 == Digest.sha256Hex(provenance.fragment))
    #expect(SMSFixtures.sms.contains(String(decoding: provenance.fragment, as: UTF8.self)))
    #expect(try t.store.fsck().ok)
  }

  @Test func importingTwiceGivesTheSameStore() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Texts", category: .threat, severity: .high).ref
    let first = try importSMS(t.store, ref, filter: ImportFilter())
    #expect(first.new == 7)
    let before = try t.fingerprint()
    let again = try importSMS(t.store, ref, filter: ImportFilter())
    #expect(again.new == 0)
    #expect(again.alreadyPresent == 7)
    #expect(try t.fingerprint() == before)
    // An overlapping, later export adds only what is new.
    let later = SMSFixtures.sms.replacingOccurrences(
      of: "</smses>",
      with: "<sms address=\"+447700900123\" date=\"1795207200000\" type=\"1\" body=\"One more\" contact_name=\"(Unknown)\"/></smses>")
    let third = try importSMS(t.store, ref, text: later, filter: ImportFilter())
    #expect(third.new == 1)
    #expect(third.alreadyPresent == 7)
  }

  @Test func dryRunStoresNothing() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Texts", category: .threat, severity: .high).ref
    let before = try t.fingerprint()
    let dry = try importSMS(t.store, ref, filter: ImportFilter(match: "(?i)watch|car"), dryRun: true)
    #expect(dry.dryRun)
    #expect(dry.new == 2)
    #expect(dry.newItems.isEmpty)
    // It shows what would be stored: when, who, where; never the text.
    #expect(dry.wouldStore.count == 2)
    #expect(dry.wouldStore.allSatisfy { $0.platform == "sms" && $0.textLength > 0 && $0.entry == "sms-20261120.xml" })
    let json = String(decoding: try JSONEncoder().encode(dry), as: UTF8.self)
    #expect(!json.contains("Watch") && !json.contains("car."))
    #expect(try t.fingerprint() == before)
  }

  @Test func aFailedImportStoresNothingAndLeavesEarlierEvidence() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Texts", category: .threat, severity: .high).ref
    _ = try importSMS(t.store, ref, filter: ImportFilter(from: ["+447700900789"]))
    let before = try t.fingerprint()
    // Good records first, then the file breaks: nothing of this import may stay.
    let cut = try #require(SMSFixtures.sms.range(of: "<mms "))
    let broken = String(SMSFixtures.sms[..<cut.lowerBound]) + "<sms date='1' <<"
    let error = #expect(throws: CasefileError.self) { try importSMS(t.store, ref, text: broken, filter: ImportFilter()) }
    #expect(error?.code == .xmlMalformed)
    #expect(error?.location?.entry == "sms-20261120.xml")
    #expect(try t.fingerprint() == before)
  }

  @Test func filtersByThreadAndTime() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Texts", category: .threat, severity: .high).ref
    let since = try OccurredAt.parse("2026-11-20 20:34Z", defaultZone: .current).utc
    let until = try OccurredAt.parse("2026-11-20 20:46Z", defaultZone: .current).utc
    let summary = try importSMS(t.store, ref, filter: ImportFilter(thread: "+447700900123", since: since, until: until))
    #expect(summary.new == 2)  // the second SMS and the MMS
    #expect(throws: CasefileError.self) { try importSMS(t.store, ref, filter: ImportFilter(match: "([")) }
  }
}
