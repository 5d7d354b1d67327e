import Foundation
import Testing

@Suite struct ImportCLITests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/sms-backup")

  static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("examples/exports")

  func seeded() throws -> (CLI, String) {
    let cli = CLI(in: try TempDir())
    try cli.ok(["init"])
    let ref = (try cli.json(["case", "open", "Texts", "--category", "threat"]) as! [String: Any])["ref"] as! String
    return (cli, ref)
  }

  @Test func scanCountsWithoutPrintingMessages() throws {
    let (cli, _) = try seeded()
    let report = try cli.json(["scan", Self.fixtures.path, "--contains", "car"]) as! [String: Any]
    #expect(report["messages"] as? Int == 11)
    #expect(Set(report.keys) == ["source", "formats", "messages", "threads", "senders", "hits", "warnings"])
    let senders = report["senders"] as! [[String: Any]]
    #expect((senders.first?["sender"] as? String)?.replacingOccurrences(of: " ", with: "") == "+447700900123")
    #expect(senders.first?["hits"] as? Int == 1)
    let text = try cli.ok(["scan", Self.fixtures.path])
    #expect(text.contains("format sms-backup: 2 entries, 11 messages"))
    #expect(!text.contains("regret") && !text.contains("Saturday"))
  }

  @Test func importIsSelectiveAndIdempotentAcrossArchiveKinds() throws {
    let (cli, ref) = try seeded()
    let first = try cli.json(["import", Self.fixtures.path, "--case", ref, "--from", "+447700900123"]) as! [String: Any]
    #expect(first["new"] as? Int == 6)
    #expect(first["skipped"] as? Int == 5)
    #expect(first["media_stored"] as? Int == 1)
    let again = try cli.json(["import", Self.fixtures.path, "--case", ref, "--from", "+447700900123"]) as! [String: Any]
    #expect(again["new"] as? Int == 0)
    #expect(again["already_present"] as? Int == 6)
    // The same backup as a tar.gz adds nothing either.
    let tgz = cli.dir.url.appendingPathComponent("backup.tgz")
    let tar = try shell("tar czf '\(tgz.path)' -C '\(Self.fixtures.path)' sms-20261120.xml calls-20261120.xml")
    #expect(tar.status == 0, "\(tar.output)")
    let fromTar = try cli.json(["import", tgz.path, "--case", ref, "--from", "+447700900123"]) as! [String: Any]
    #expect(fromTar["new"] as? Int == 0)
    #expect(fromTar["source_sha256"] as? String != nil)
    let detail = try cli.json(["case", "show", ref]) as! [String: Any]
    let items = detail["evidence"] as! [[String: Any]]
    #expect(items.count == 6)
    #expect(items.allSatisfy { $0["capture_method"] as? String == "import" })
    #expect(try cli.ok(["fsck"]).contains("OK"))
  }

  @Test func unknownAndBrokenExportsAreClearErrorsThatStoreNothing() throws {
    let (cli, ref) = try seeded()
    let notes = cli.dir.url.appendingPathComponent("notes.txt")
    try Data("just some text".utf8).write(to: notes)
    let unknown = try cli.run(["import", notes.path, "--case", ref])
    #expect(unknown.status == 65)
    #expect(unknown.stderr.contains("supported: sms-backup"))

    let before = try cli.json(["fsck"]) as! [String: Any]
    let sms = try String(contentsOf: Self.fixtures.appendingPathComponent("sms-20261120.xml"), encoding: .utf8)
    let broken = cli.dir.url.appendingPathComponent("sms-broken.xml")
    try Data(sms.prefix(2500).utf8).write(to: broken)
    let result = try cli.run(["import", broken.path, "--case", ref])
    #expect(result.status == 65)
    #expect(result.stderr.contains("entry sms-broken.xml"))
    #expect(!result.stderr.contains("regret"))
    let after = try cli.json(["fsck"]) as! [String: Any]
    #expect(after["head_hash"] as? String == before["head_hash"] as? String)

    let badFormat = try cli.run(["scan", notes.path, "--format", "myspace"])
    #expect(badFormat.status == 65)
    #expect(badFormat.stderr.contains("unknown format 'myspace'"))
  }

  @Test func facebookDownloadFromTheExamples() throws {
    let (cli, ref) = try seeded()
    let zip = Self.examples.appendingPathComponent("facebook-drexample-20261124.zip").path
    let report = try cli.json(["scan", zip, "--contains", "review"]) as! [String: Any]
    #expect(report["messages"] as? Int == 5)
    #expect(report["hits"] as? Int == 2)
    let summary = try cli.json(["import", zip, "--case", ref, "--from", "Ciaran Murphy"]) as! [String: Any]
    #expect(summary["new"] as? Int == 3)
    #expect(summary["skipped"] as? Int == 2)
    #expect(summary["media_stored"] as? Int == 1)
    let detail = try cli.json(["case", "show", ref]) as! [String: Any]
    let items = detail["evidence"] as! [[String: Any]]
    #expect(items.compactMap { $0["platform"] as? String } == ["facebook", "facebook", "facebook"])
    #expect(items.contains { ($0["attachments"] as? [[String: Any]])?.first?["media_type"] as? String == "image/png" })
    #expect(try cli.ok(["fsck"]).contains("OK"))

    // A forced format that claims nothing here, and one that does not exist, are clear errors.
    let forced = try cli.run(["scan", zip, "--format", "telegram-html"])
    #expect(forced.status == 65)
    #expect(forced.stderr.contains("no entry of this export is in the format telegram-html"))
    let unknown = try cli.run(["scan", zip, "--format", "myspace"])
    #expect(unknown.status == 65)
    for id in ["sms-backup", "facebook-html", "instagram-html", "telegram-html", "wordpress-wxr", "google-voice"] {
      #expect(unknown.stderr.contains(id), "\(id)")
    }
  }

  /// libxml2 never writes to stderr: its reports go to casefile's collector, and a page's own
  /// lines (message text) never reach the terminal.
  @Test func htmlParserReportsNeverReachStderr() throws {
    let (cli, _) = try seeded()
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/facebook-html/2025")
    let result = try cli.run(["scan", fixtures.path])
    #expect(result.status == 0)
    #expect(!result.stderr.contains("parser error"))
    #expect(!result.stderr.contains("care"))
    #expect(!result.stderr.contains("lossy"))  // HTML5 elements are not losses
    #expect(result.stderr.contains("happens twice"))
  }
}
