import Foundation
import Testing

/// `import` of the archives whose entries depend on each other (X's account.js, Mastodon's block
/// lists), through the built binary.
@Suite struct ArchiveImportCLITests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")
  static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("examples/exports")

  @Test func theExampleXArchiveTellsSentFromReceived() throws {
    let cli = CLI(in: try TempDir())
    try cli.ok(["init"])
    let ref = (try cli.json(["case", "open", "X", "--category", "harassment"]) as! [String: Any])["ref"] as! String
    let archive = Self.examples.appendingPathComponent("twitter-2026-11-24-drexample.zip").path
    let scan = try cli.ok(["scan", archive])
    #expect(scan.contains("x 1590000000000000321  3 msgs"))
    #expect(scan.contains("x (you)  2 msgs"))
    #expect(!scan.contains("ruined"))
    let summary = try cli.json(["import", archive, "--case", ref, "--from", "1590000000000000321"]) as! [String: Any]
    #expect(summary["new"] as? Int == 3)
    #expect(summary["media_stored"] as? Int == 1)
    #expect((summary["warnings"] as? [Any])?.isEmpty == true)
  }

  @Test func recordBlocksPutsTheBlockStepOnTheLadderOnce() throws {
    let cli = CLI(in: try TempDir())
    try cli.ok(["init"])
    let ref = (try cli.json(["case", "open", "Mastodon", "--category", "harassment"]) as! [String: Any])["ref"] as! String
    try cli.ok([
      "log", "--case", ref, "--platform", "mastodon", "--kind", "reply", "--author", "@angry@other.example.net",
      "--at", "2026-11-20 22:00", "--text", "You will regret it",
    ])
    let archive = Self.fixtures.appendingPathComponent("mastodon/archive-20261124").path
    let scan = try cli.json(["scan", archive]) as! [String: Any]
    let lists = scan["block_lists"] as! [[String: Any]]
    #expect(lists.map { "\($0["entry"]!) \($0["action"]!) \($0["accounts"]!)" } == ["blocked_accounts.csv block 3", "muted_accounts.csv mute 2"])
    let plain = try cli.json(["import", archive, "--case", ref]) as! [String: Any]
    #expect(plain["block_list"] == nil)
    let dry = try cli.ok(["import", archive, "--case", ref, "--record-blocks", "--dry-run"])
    #expect(dry.contains("would record the block step"))
    let text = try cli.ok(["import", archive, "--case", ref, "--record-blocks"])
    #expect(text.contains("block lists: 5 accounts; 2 of them authors in this case"))
    #expect(text.contains("block step recorded: S-1 S-2"))
    let again = try cli.json(["import", archive, "--case", ref, "--record-blocks"]) as! [String: Any]
    let blocks = again["block_list"] as! [String: Any]
    #expect(Set(blocks.keys) == ["listed", "matched", "steps_recorded", "already_recorded"])
    #expect((blocks["steps_recorded"] as? [String])?.isEmpty == true)
    #expect((blocks["already_recorded"] as? [String])?.sorted() == ["S-1", "S-2"])
    let shown = try cli.ok(["case", "show", ref])
    #expect(shown.contains("block"))
  }
}
