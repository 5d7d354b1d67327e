import Foundation
import Testing

/// The doctor's own messages through the built binary: an export that names no owner, the
/// profile's accounts, and what goes out.
@Suite struct OwnMessagesCLITests {
  static let export = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/facebook-html/2019").path

  @Test func anExportWithoutOwnerAsksThenTheProfileAccountKeepsTheReplyOutOfThePlatformPackage() throws {
    let cli = CLI(in: try TempDir())
    try cli.ok(["init"])
    try cli.ok(["keys", "init"])
    let ref = (try cli.json(["case", "open", "Messenger", "--category", "harassment"]) as! [String: Any])["ref"] as! String

    // Facebook's pages name no owner: a thread of two senders is refused, even with --from.
    let asked = try cli.run(["import", Self.export, "--case", ref, "--from", "Jo Bloggs", "--source-tz", "Europe/Dublin"])
    #expect(asked.status == 64)
    #expect(asked.stderr.contains("[owner-unknown]") && asked.stderr.contains("Jo Bloggs") && asked.stderr.contains("Dr Example"))
    #expect(asked.stderr.contains("--owner") && asked.stderr.contains("profile set --account facebook:"))

    try cli.ok(["profile", "set", "--account", "facebook:Dr Example"])
    #expect(try cli.ok(["profile", "show"]).contains("  facebook:Dr Example"))
    let profile = try cli.json(["profile", "show"]) as! [String: Any]
    #expect((profile["accounts"] as? [[String: Any]])?.first?["name"] as? String == "Dr Example")

    // The whole thread, the doctor's reply included.
    let imported = try cli.json(["import", Self.export, "--case", ref, "--source-tz", "Europe/Dublin"]) as! [String: Any]
    #expect(imported["new"] as? Int == 4)
    let evidence = (try cli.json(["case", "show", ref]) as! [String: Any])["evidence"] as! [[String: Any]]
    let own = try #require(evidence.first { $0["author_handle"] as? String == "Dr Example" }?["ref"] as? String)

    let folder = cli.dir.url
    let platform = try cli.json(["export", "--case", ref, "--for", "platform", "--out", folder.appendingPathComponent("p.zip").path])
      as! [String: Any]
    #expect(platform["items"] as? Int == 3)
    let police = try cli.json(["export", "--case", ref, "--for", "police", "--out", folder.appendingPathComponent("q.zip").path])
      as! [String: Any]
    #expect(police["items"] as? Int == 3)
    let withReply = try cli.json([
      "export", "--case", ref, "--for", "platform", "--include-own", own, "--out", folder.appendingPathComponent("r.zip").path,
    ]) as! [String: Any]
    #expect(withReply["items"] as? Int == 4)
    let indemnifier = try cli.json(["export", "--case", ref, "--for", "indemnifier", "--out", folder.appendingPathComponent("i.zip").path])
      as! [String: Any]
    #expect(indemnifier["items"] as? Int == 4 && (indemnifier["package_refs"] as? [Any])?.isEmpty == true)
    #expect((platform["package_refs"] as? [[String: String]])?.contains { $0["package"] == "E-3" } == true)

    try cli.ok(["profile", "set", "--remove-account", "facebook:dr example"])
    #expect(try cli.ok(["profile", "show"]).contains("Own accounts:         (none)"))
    #expect(try cli.run(["profile", "set", "--remove-account", "facebook:Dr Example"]).status != 0)
  }
}
