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

  /// A Gmail Takeout mailbox: scan names the senders without any text, and an import with
  /// `--from` stores only that person's mail, once.
  @Test func gmailTakeoutMailboxImportsOneSender() throws {
    let (cli, ref) = try seeded()
    let lines = [
      "From 1781234567890000001@xxx Fri Nov 20 21:30:05 +0000 2026",
      "X-Gmail-Labels: Inbox,Opened",
      "Message-ID: <cli.1@mail.example.org>",
      "Date: Fri, 20 Nov 2026 21:30:05 +0000",
      "From: =?UTF-8?Q?Jo_S=C3=A1mple?= <jo.sample@example.org>",
      "To: dr.example@example.org",
      "Subject: You will regret this",
      "",
      "I know where the clinic is.",
      "",
      "From 1781234567890000002@xxx Fri Nov 20 22:00:00 +0000 2026",
      "X-Gmail-Labels: Sent",
      "Message-ID: <cli.2@mail.example.org>",
      "Date: Fri, 20 Nov 2026 22:00:00 +0000",
      "From: dr.example@example.org",
      "To: jo.sample@example.org",
      "Subject: Re: You will regret this",
      "",
      "Please stop.",
      "",
      "From 1781234567890000003@xxx Sat Nov 21 09:00:00 +0000 2026",
      "X-Gmail-Labels: Inbox",
      "Message-ID: <cli.3@mail.example.org>",
      "Date: Sat, 21 Nov 2026 09:00:00 +0000",
      "From: Newsletter <news@example.org>",
      "To: dr.example@example.org",
      "Subject: Weekly news",
      "",
      "Nothing to see.",
      "",
      "From 1781234567890000004@xxx Sat Nov 21 10:00:00 +0000 2026",
      "X-Gmail-Labels: Inbox",
      "Message-ID: <cli.4@mail.example.org>",
      "Date: Sat, 21 Nov 2026 11:00:00 +0100",
      "From: Jo Sample <Jo.Sample@example.org>",
      "To: dr.example@example.org",
      "Subject: Re: You will regret this",
      "MIME-Version: 1.0",
      "Content-Type: multipart/mixed; boundary=b",
      "",
      "--b",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Look at this photo of your car.",
      "--b",
      "Content-Type: image/png; name=car.png",
      "Content-Transfer-Encoding: base64",
      "",
      "iVBORw0KGgoAAAANSUhEUg==",
      "--b--",
      "",
    ]
    let mbox = cli.dir.url.appendingPathComponent("All mail Including Spam and Trash.mbox")
    try Data(lines.joined(separator: "\r\n").utf8).write(to: mbox)

    let report = try cli.json(["scan", mbox.path, "--contains", "car"]) as! [String: Any]
    #expect(report["messages"] as? Int == 4)
    #expect(report["hits"] as? Int == 1)
    let senders = report["senders"] as! [[String: Any]]
    #expect(senders.contains { $0["sender"] as? String == "jo.sample@example.org" && $0["messages"] as? Int == 2 })
    let text = try cli.ok(["scan", mbox.path])
    #expect(text.contains("format mbox: 1 entry, 4 messages"))
    #expect(!text.contains("clinic") && !text.contains("photo"))

    let first = try cli.json(["import", mbox.path, "--case", ref, "--from", "jo.sample@example.org"]) as! [String: Any]
    #expect(first["new"] as? Int == 2)
    #expect(first["skipped"] as? Int == 2)
    #expect(first["media_stored"] as? Int == 1)
    let again = try cli.json(["import", mbox.path, "--case", ref, "--from", "Jo.Sample@Example.org"]) as! [String: Any]
    #expect(again["new"] as? Int == 0)
    #expect(again["already_present"] as? Int == 2)
    let detail = try cli.json(["case", "show", ref]) as! [String: Any]
    let items = detail["evidence"] as! [[String: Any]]
    #expect(items.count == 2)
    #expect(items.allSatisfy { $0["platform"] as? String == "email" && $0["kind"] as? String == "email" })
    #expect(items.contains { ($0["attachments"] as? [[String: Any]])?.first?["file_name"] as? String == "car.png" })
    #expect(try cli.ok(["fsck"]).contains("OK"))

    // A file that only claims to be a mailbox is a clear error that names it.
    let fake = cli.dir.url.appendingPathComponent("fake.mbox")
    try Data("Dear doctor, private words.\n".utf8).write(to: fake)
    let refused = try cli.run(["import", fake.path, "--case", ref])
    #expect(refused.status == 65)
    #expect(refused.stderr.contains("entry fake.mbox, line 1"))
    #expect(!refused.stderr.contains("private"))
  }
}
