import CasefileKit
import Foundation
import Testing

/// The lint reads the whole of the texts that make it work hardest, and finds exactly what they
/// hold (a pattern engine that gives up silently on a long run, as ICU's did, fails here). Not a
/// timed test: whether it stays linear is measured by `casefile-bench suite --parts lint`, whose
/// growth curve flags a step that grows faster than the text. The time limits only stop a run
/// that hangs (a backtracking pattern over the 2 MB runs of white space below) from holding CI.
@Suite struct LintLinearityTests {
  static let today = CalendarDay(year: 2026, month: 11, day: 25)

  /// `unit` repeated to about 500 KB (small enough for the AddressSanitizer run).
  static let size = 500_000
  static func text(_ unit: String) -> String {
    String(repeating: unit, count: size / unit.utf8.count)
  }

  /// Each worst case with the number of findings it must give, which proves the lint read it all.
  static let worstCases: [(unit: String, findings: Int)] = [
    ("word 12/03/2001 ", size / 16),
    ("DOB 12/03/2001 ", size / 15),
    ("a", 0),
    ("0123456789", 0),
    ("/.- ", 0),
    ("\u{200B}", 0),
    ("1\u{200B}", 0),
    ("your ", 0),
    ("your patient ", size / 13),
    ("pateint docter ", 0),
    ("943 476 5918 31/02/2001 ", 0),
    ("birth      ", 0),
    ("4      ", 0),
  ]

  @Test(.timeLimit(.minutes(10)), arguments: worstCases.indices)
  func aWorstCaseIsLintedWhole(_ index: Int) throws {
    let (unit, expected) = Self.worstCases[index]
    let text = Self.text(unit)
    let found = try ConfidentialityLint(today: Self.today).lint(text, source: LintSource("E-1", .text))
    #expect(found.count == expected)
    if let last = found.last { #expect(last.utf8Range.upperBound > text.utf8.count - 20) }
  }

  /// Long runs of white space inside a keyword ("birth   date") and a date ("4   July 1985"),
  /// which a backtracking pattern reads again from every split, are read once, and still match.
  @Test(.timeLimit(.minutes(10)))
  func aLongRunOfSpaceBeforeADateIsReadOnce() throws {
    let spaces = String(repeating: " ", count: 2_000_000)
    let text = "birth" + spaces + "date 4" + spaces + "July 1985 " + String(repeating: "born ", count: 400_000) + "12/03/1990"
    let found = try ConfidentialityLint(today: Self.today).lint(text, source: LintSource("E-1", .text))
    #expect(found.map(\.ruleID) == ["date-of-birth", "date-of-birth"])
  }
}
