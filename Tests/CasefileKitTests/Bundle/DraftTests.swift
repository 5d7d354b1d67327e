import CasefileKit
import Foundation
import Testing

@Suite struct DraftTests {
  @Test func aPlatformReportNamesThePolicyAndTheItemsButNoText() throws {
    let c = try BundleCase()
    let text = try c.t.store.draftReport(caseRef: c.ref, platform: .x)
    #expect(text.hasPrefix("Policy: Violent speech"))  // a threat case, in X's words
    #expect(text.contains("https://x.com/angry_example/status/1"))
    #expect(text.contains("@angry_example"))
    #expect(text.contains("X-REPORT-0001"))
    for secret in ["I know where you work", "My patient", "Dr A Example", "7654321", "+447700900123"] {
      #expect(!text.contains(secret), "\(secret)")
    }
    #expect(PolicyArea(.harassment).name(on: .instagram) == "Bullying and harassment")
    #expect(PolicyArea(.doxxing).name(on: .discord) == "Sharing private information")
    // It must pass the lint too: a phrase of the doctor's own that the draft would carry stops it.
    try c.t.store.setSetting(.lintPhrases, to: "angry_example")
    let stopped = #expect(throws: CasefileError.self) { try c.t.store.draftReport(caseRef: c.ref, platform: .x) }
    #expect(stopped?.code == .lintFindings)
  }

  @Test func theIndemnifierRequestHasMembershipChronologyFlagsAndTheBundle() throws {
    let c = try BundleCase()
    let text = try c.t.store.draftIndemnifier(caseRef: c.ref, bundle: ("case.zip", c.key.publicKey.fingerprint))
    #expect(text.contains("Membership number: M-42"))
    #expect(text.contains("Risk flags: threat"))
    #expect(text.contains("2026-11-20 21:30: x dm from @angry_example (E-1)"))
    #expect(text.contains("step: report (x)"))
    #expect(text.contains("I have not replied to any of these messages"))
    #expect(text.contains("case.zip") && text.contains(c.key.publicKey.fingerprint))
  }
}
