import Foundation
import Testing

@testable import CasefileKit

/// The near-miss verdicts remembered per distinct word give the same findings as reading every
/// word afresh, before and after the memory is full and starts again; and findings made lazily
/// have the ids and previews of findings made at once.
@Suite struct LintNearMissCacheTests {
  static let today = CalendarDay(year: 2026, month: 11, day: 20)
  static let source = LintSource("E-1", .text)

  /// `count` distinct six-letter words that are no built-in word nor one edit from one.
  func distinctWords(_ count: Int) -> [String] {
    (0..<count).map { n in
      var word = "qz"
      var rest = n
      for _ in 0..<4 {
        word.unicodeScalars.append(Unicode.Scalar(UInt8(ascii: "a") + UInt8(rest % 26)))
        rest /= 26
      }
      return word
    }
  }

  @Test func aNearMissIsFoundEachTimeBeforeAndAfterTheMemoryStartsAgain() throws {
    let lint = try ConfidentialityLint(today: Self.today)
    let filler = distinctWords(ConfidentialityLint.nearMissCacheLimit + 100)
    let text = "I was your pateint. " + filler.joined(separator: " ") + " I was your pateint. see your docter"
    let found = lint.lint(text, source: Self.source)
    let nearMisses = found.filter { $0.explanation.hasSuffix(ConfidentialityLint.nearMissNote) }
    #expect(nearMisses.count == 3, "\(found.map(\.ruleID))")
    // Each is where its words are.
    let bytes = Array(text.utf8)
    for finding in nearMisses {
      let match = String(decoding: bytes[finding.utf8Range], as: UTF8.self)
      #expect(match.hasPrefix("your"), "\(match)")
    }
  }

  @Test func lazyIDsAndPreviewsAreThoseOfTheSameFindingLintedAlone() throws {
    let key = Data((0..<16).map { UInt8($0) })
    let lint = try ConfidentialityLint(today: Self.today, idKey: key)
    let text = String(repeating: "word 12/03/2001 ", count: 300) + "DOB 04/07/1985 your pateint"
    let all = lint.lint(text, source: Self.source)
    #expect(all.count == 302)
    #expect(Set(all.map(\.id)).count == all.count)
    #expect(all.first?.preview == "**/**/****")
    #expect(all.last?.preview == "your pateint")
    // The id is the keyed hash of rule, source and position, whenever it is made.
    let last = try #require(all.last)
    #expect(last.id == "L\(last.ruleNumber)-" + lint.shortMAC("\(last.ruleID)\u{1F}\(Self.source)\u{1F}\(last.utf8Range.lowerBound)"))
  }
}
