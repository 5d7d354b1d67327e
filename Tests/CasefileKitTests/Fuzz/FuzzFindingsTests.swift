import CasefileKit
import Foundation
import Testing

/// Inputs that the fuzz targets (`Fuzz/`, `scripts/fuzz.sh`) found crashing casefile, each kept as a
/// test that goes through the real component. The crashing inputs themselves are kept as
/// `regression-*` seeds in `Fuzz/corpus/<target>/`.
@Suite struct FuzzFindingsTests {
  /// fuzz-import: a Date field whose time ends in an empty seconds field (`08:00:`) trapped with
  /// "Index out of range" in the mail date parser, ending the whole import with a crash.
  @Test func aMailDateWithAnEmptySecondsFieldIsNotADate() throws {
    for date in ["Sat, 21 Nov 2026 08:00: +0000", "Sat, 21 Nov 2026 08:00:. +0000", "Sat, 21 Nov 2026 08:00:.5 +0000"] {
      let file = EmailFixtures.file(["From: jo@example.org", "Subject: secret", "Date: \(date)", "", "secret"])
      let error = #expect(throws: CasefileError.self, "\(date)") {
        try FormatFixtures.read(EmailMessageFormat(), file, entry: "a.eml")
      }
      #expect(error?.code == .badExport)
      #expect(error?.message.contains("is not a date") == true, "\(date)")
      #expect(error?.location?.line == 3)
    }
    // A fraction after two digits of seconds still reads.
    let file = EmailFixtures.file(["From: jo@example.org", "Date: Sat, 21 Nov 2026 08:00:05.25 +0000", "", "hello"])
    let read = try FormatFixtures.read(EmailMessageFormat(), file, entry: "a.eml")
    #expect(read.messages.map { UTCStamp.format($0.occurredAt.utc) } == ["2026-11-21T08:00:05.000Z"])
  }
}
