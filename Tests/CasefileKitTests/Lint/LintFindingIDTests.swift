@testable import CasefileKit
import Foundation
import Testing

/// Finding ids are keyed with a secret of the store: stable in one store, unrelated between two,
/// and not the plain hash of what they name, which anyone could recompute from guessed references.
@Suite struct LintFindingIDTests {
  static let today = CalendarDay(year: 2026, month: 11, day: 25)
  static let texts = [
    LintText(ref: "E-1", field: .text, text: "I was your patient"),
    LintText(ref: "E-2", field: .text, text: "DOB 04/07/1985"),
  ]

  /// A store holding the same case: one item per text.
  func store(_ t: TestStore) throws -> String {
    let ref = try t.store.openCase(title: "Abuse on X", category: .threat, severity: .high).ref
    for (number, text) in Self.texts.enumerated() {
      _ = try t.store.logItem(ItemDraft(
        caseRef: ref, platform: .x, kind: .dm, author: ActorInput(handle: "@angry_example"),
        occurredAt: try at("2026-11-20 21:3\(number)"), text: text.text))
    }
    return ref
  }

  func ids(_ store: CaseStore, _ ref: String) throws -> [String] {
    try store.lint(ExportRequest(caseRef: ref, profile: .platform, platform: .x)).findings.map(\.id)
  }

  @Test func theSameFindingInTwoStoresHasUnrelatedIDs() throws {
    let (a, b) = (try TestStore(), try TestStore())
    let (refA, refB) = (try store(a), try store(b))
    #expect(refA == refB)
    let (idsA, idsB) = (try ids(a.store, refA), try ids(b.store, refB))
    #expect(idsA.count == 2)
    #expect(try a.store.lint(ExportRequest(caseRef: refA, profile: .platform, platform: .x)).findings.map(\.rule)
      == ["phrase:your-patient", "date-of-birth"])
    #expect(Set(idsA).isDisjoint(with: idsB))
    // The rule's number stays readable; the digits are the keyed part.
    #expect(idsA.map { $0.prefix(while: { $0 != "-" }) } == idsB.map { $0.prefix(while: { $0 != "-" }) })
  }

  @Test func idsInOneStoreStayTheSameAcrossRunsAndReopening() throws {
    let t = try TestStore()
    let ref = try store(t)
    let first = try ids(t.store, ref)
    #expect(try ids(t.store, ref) == first)
    #expect(try ids(try t.reopened(now: TestStore.defaultNow), ref) == first)
    // An allowance made with one run's id is honoured by the next run's export check.
    let report = try t.store.lint(ExportRequest(caseRef: ref, profile: .platform, platform: .x, allowedFindings: first))
    #expect(report.blocking.isEmpty)
    #expect(report.unusedAllowances.isEmpty)
  }

  @Test func theKeyDecidesTheIDs() throws {
    let keyA = Data(repeating: 1, count: 32)
    let keyB = Data(repeating: 2, count: 32)
    let a1 = try ConfidentialityLint(today: Self.today, idKey: keyA).lint(Self.texts).map(\.id)
    let a2 = try ConfidentialityLint(today: Self.today, idKey: keyA).lint(Self.texts).map(\.id)
    let b = try ConfidentialityLint(today: Self.today, idKey: keyB).lint(Self.texts).map(\.id)
    #expect(a1.count == 2)
    #expect(a1 == a2)
    #expect(Set(a1).isDisjoint(with: b))
    for id in a1 + b { #expect(id.range(of: #"^L[0-9]+-[0-9a-f]{10}$"#, options: .regularExpression) != nil) }
  }

  /// The old ids were FNV-1a of `rule␟source␟offset`: from a package's id and a guess of the
  /// reference, anyone could confirm the guess. Keyed ids match no such recomputation.
  @Test func anIDIsNotTheUnkeyedHashOfWhatItNames() throws {
    let t = try TestStore()
    let ref = try store(t)
    let findings = try t.store.lint(ExportRequest(caseRef: ref, profile: .platform, platform: .x)).findings
    func fnv(_ key: String) -> String {
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      for byte in key.utf8 {
        hash ^= UInt64(byte)
        hash &*= 0x100_0000_01b3
      }
      let hex = String(hash >> 24, radix: 16)
      return String(repeating: "0", count: max(0, 10 - hex.count)) + hex
    }
    for finding in findings {
      let digits = String(finding.id.split(separator: "-").last ?? "")
      for offset in 0..<40 {
        #expect(fnv("\(finding.rule)\u{1F}\(finding.source)\u{1F}\(offset)") != digits)
      }
    }
  }

  /// The keyed hash is SipHash-2-4 exactly: the reference's test vectors (key 00..0f).
  @Test func theKeyedHashMatchesTheReferenceVectors() {
    let hash = SipHash24(key: Array(0..<16))
    let vectors: [(Int, UInt64)] = [(0, 0x726f_db47_dd0e_0e31), (8, 0x93f5_f579_9a93_2462), (15, 0xa129_ca61_49be_45e5)]
    for (length, expected) in vectors {
      let message = [UInt8](0..<UInt8(length))
      #expect(message.withUnsafeBytes { hash.hash($0) } == expected, "message of \(length) bytes")
    }
  }
}
