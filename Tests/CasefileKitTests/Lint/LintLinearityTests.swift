import CasefileKit
import Foundation
import Testing

/// The lint stays linear on the texts that make it work hardest. Not a timed test: 2 MB of each
/// takes well under a second when linear (about 0.2 s in a release build), and hours when
/// quadratic (one 800 KB message of dates once took 44 s), so the minute's limit only catches a
/// step that is no longer linear.
@Suite struct LintLinearityTests {
  static let today = CalendarDay(year: 2026, month: 11, day: 25)

  /// `unit` repeated to about 2 MB.
  static func text(_ unit: String) -> String {
    String(repeating: unit, count: 2_000_000 / unit.utf8.count)
  }

  /// Each worst case with the number of findings it must give, which proves the lint read it all.
  static let worstCases: [(unit: String, findings: Int)] = [
    ("word 12/03/2001 ", 2_000_000 / 16),
    ("DOB 12/03/2001 ", 2_000_000 / 15),
    ("a", 0),
    ("0123456789", 0),
    ("/.- ", 0),
    ("\u{200B}", 0),
    ("1\u{200B}", 0),
    ("your ", 0),
    ("your patient ", 2_000_000 / 13),
    ("pateint docter ", 0),
    ("943 476 5918 31/02/2001 ", 0),
    ("birth      ", 0),
    ("4      ", 0),
  ]

  @Test(.timeLimit(.minutes(1)), arguments: worstCases.indices)
  func twoMegabytesOfAWorstCaseAreLintedWhole(_ index: Int) throws {
    let (unit, expected) = Self.worstCases[index]
    let text = Self.text(unit)
    let found = try ConfidentialityLint(today: Self.today).lint(text, source: LintSource("E-1", .text))
    #expect(found.count == expected)
    if let last = found.last { #expect(last.utf8Range.upperBound > text.utf8.count - 20) }
  }

  /// Long runs of white space inside a keyword ("birth   date") and a date ("4   July 1985"),
  /// which a backtracking pattern reads again from every split, are read once, and still match.
  @Test(.timeLimit(.minutes(1)))
  func aLongRunOfSpaceBeforeADateIsReadOnce() throws {
    let spaces = String(repeating: " ", count: 2_000_000)
    let text = "birth" + spaces + "date 4" + spaces + "July 1985 " + String(repeating: "born ", count: 400_000) + "12/03/1990"
    let found = try ConfidentialityLint(today: Self.today).lint(text, source: LintSource("E-1", .text))
    #expect(found.map(\.ruleID) == ["date-of-birth", "date-of-birth"])
  }
}
