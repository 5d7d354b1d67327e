import Foundation
import Testing

/// `casefile lint` lists the first findings and counts the rest per rule; `--json` lists every
/// one, and `--allow` takes the id of any finding, listed or not.
@Suite struct LintListingCLITests {
  /// A case with one message holding `dates` full dates, each a `full-date` finding.
  func seeded(dates: Int) throws -> (CLI, String) {
    let cli = CLI(in: try TempDir())
    try cli.ok(["init"])
    try cli.ok(["profile", "set", "--name", "Dr Example", "--membership", "M-1", "--indemnifier", "Example Defence"])
    let ref = (try cli.json(["case", "open", "Dates", "--category", "harassment"]) as! [String: Any])["ref"] as! String
    try cli.ok([
      "log", "--case", ref, "--platform", "google-reviews", "--kind", "review", "--author", "Angry Reviewer",
      "--at", "2026-11-20 10:00", "--text", String(repeating: "word 12/03/2001 ", count: dates),
    ])
    _ = try cli.json(["keys", "init", "--json"])
    return (cli, ref)
  }

  func ids(_ cli: CLI, _ ref: String, _ extra: [String] = []) throws -> [[String: Any]] {
    let result = try cli.run(["lint", "--case", ref, "--for", "platform", "--json"] + extra)
    let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
    return report["findings"] as! [[String: Any]]
  }

  @Test func textListsFiftyThenCountsTheRestPerRule() throws {
    let (cli, ref) = try seeded(dates: 60)
    let text = try cli.run(["lint", "--case", ref, "--for", "platform"])
    #expect(text.status == 65)
    #expect(text.stdout.contains("60 finding(s), 60 blocking"), "\(text.stdout)")
    #expect(text.stdout.components(separatedBy: "\n  L").count - 1 == 50, "\(text.stdout)")
    #expect(text.stdout.contains("… and 10 more not listed:\n    full-date: 10\n"), "\(text.stdout)")
    #expect(text.stdout.contains("'casefile lint --json' lists every finding"))
    let all = try ids(cli, ref)
    #expect(all.count == 60)
    #expect(Set(all.compactMap { $0["id"] as? String }).count == 60)
  }

  @Test func anUnlistedFindingCanBeAllowed() throws {
    let (cli, ref) = try seeded(dates: 60)
    let last = try #require(try ids(cli, ref).last?["id"] as? String)
    let text = try cli.run(["lint", "--case", ref, "--for", "platform", "--allow", last])
    #expect(text.status == 65, "\(text.stderr)")
    #expect(text.stdout.contains("60 finding(s), 59 blocking"), "\(text.stdout)")
    #expect(text.stdout.contains("  allowed \(last)"), "\(text.stdout)")
    #expect(text.stdout.contains("    full-date: 9\n"), "\(text.stdout)")
    #expect(!text.stderr.contains("match none"))
  }

  @Test func exportShowsTwentyAndTheCountOfEvery() throws {
    let (cli, ref) = try seeded(dates: 60)
    let out = cli.dir.url.appendingPathComponent("p.zip").path
    let stopped = try cli.run(["export", "--case", ref, "--for", "platform", "--out", out])
    #expect(stopped.status == 65)
    #expect(stopped.stderr.contains("would carry 60 text(s)") && stopped.stderr.contains("… and 40 more"), "\(stopped.stderr)")
    #expect(stopped.stderr.components(separatedBy: " in E-1/text:").count - 1 == 20, "\(stopped.stderr)")
  }
}
