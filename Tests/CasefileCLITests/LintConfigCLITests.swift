import Foundation
import Testing

/// `casefile config set lint-phrases` refuses a list whose phrases collide once folded, or that
/// holds a phrase of fewer than two letters, before anything is stored.
@Suite struct LintConfigCLITests {
  @Test(arguments: ["a; A", "Jane Doe; JANE-DOE", "Zo\u{00EB}; zoe\u{0308}", "J\u{0430}ne; Jane"])
  func aBadPhraseListIsRefused(_ value: String) throws {
    let dir = try TempDir()
    let cli = CLI(in: dir)
    try cli.ok(["init"])
    try cli.ok(["config", "set", "lint-phrases", "Example Street Surgery"])
    let result = try cli.run(["config", "set", "lint-phrases", value])
    #expect(result.status == 65, "\(result.stderr)")
    #expect(result.stderr.contains("custom lint phrase"))
    #expect(!result.stderr.contains(value))
    #expect((try cli.json(["config", "show"]) as? [String: String])?["lint-phrases"] == "Example Street Surgery")
  }
}
