import CasefileKit
import Foundation
import Testing

/// A list of custom phrases that collide once folded, or with a phrase of fewer than two letters
/// once folded, is refused when it is set in the store, and the list set before stays.
@Suite struct LintPhraseSettingTests {
  static let refused: [String] = [
    "a; A",  // one letter each, and the same once folded
    "x",
    "\u{00E9}",  // one accented letter: one letter once folded
    "\u{FF41}",  // a fullwidth letter
    "a\u{200B}\u{0301}",  // one letter, an invisible character and an accent
    "Jane Doe; JANE-DOE",  // case and separators
    "Zo\u{00EB} Quinnell; zoe\u{0308} quinnell",  // NFC against NFD
    "J\u{0430}ne Doe; Jane Doe",  // a Cyrillic look-alike
    "pat1ent x; patient x",  // a digit for a letter
    "Mary Smith; m a r y s m i t h",  // spacing
  ]

  @Test(arguments: refused)
  func aCollidingOrTooShortListIsRefusedWhenSet(_ value: String) throws {
    let t = try TestStore()
    try t.store.setSetting(.lintPhrases, to: "Example Street Surgery")
    let before = try t.fingerprint()
    let error = #expect(throws: CasefileError.self) { try t.store.setSetting(.lintPhrases, to: value) }
    #expect(error?.code == .badValue)
    #expect(try t.store.settings()["lint-phrases"] == "Example Street Surgery")
    #expect(try t.fingerprint() == before)
  }

  @Test func aListThatDiffersOnceFoldedIsKept() throws {
    let t = try TestStore()
    try t.store.setSetting(.lintPhrases, to: "Jane Doe; Jane Dee; ab")
    #expect(try t.store.lintPhrases().map(\.phrase) == ["Jane Doe", "Jane Dee", "ab"])
  }
}
