import Foundation
import Testing

/// keys, lint, export, verify, receive and drafts through the built binary.
@Suite struct BundleCLITests {
  func seeded() throws -> (CLI, String, String) {
    let cli = CLI(in: try TempDir())
    try cli.ok(["init"])
    try cli.ok(["profile", "set", "--name", "Dr Example", "--membership", "M-1", "--indemnifier", "Example Defence"])
    let ref = (try cli.json(["case", "open", "Reviews", "--category", "harassment"]) as! [String: Any])["ref"] as! String
    try cli.ok([
      "log", "--case", ref, "--platform", "google-reviews", "--kind", "review", "--author", "Angry Reviewer",
      "--at", "2026-11-20 10:00", "--url", "https://maps.example/review/1", "--text", "Worst GP. Your results were wrong, she said.",
    ])
    try cli.ok(["note", "--case", ref, "Private: I think this is a patient."])
    let keys = try cli.json(["keys", "init", "--json"]) as! [String: Any]
    return (cli, ref, keys["fingerprint"] as! String)
  }

  @Test func exportIsLintedThenVerifiedAndReceivedElsewhere() throws {
    let (cli, ref, fingerprint) = try seeded()
    let dir = cli.dir.url
    // `casefile lint` lists the finding and exits non-zero: it would stop the export.
    let linted = try cli.run(["lint", "--case", ref, "--for", "platform", "--json"])
    #expect(linted.status == 65)
    let lint = try JSONSerialization.jsonObject(with: Data(linted.stdout.utf8)) as! [String: Any]
    let findings = lint["findings"] as! [[String: Any]]
    #expect(findings.map { "\($0["source"] as? String ?? "")/\($0["rule"] as? String ?? "")" } == ["E-1/text/phrase:your-results"])
    let out = dir.appendingPathComponent("reviews.zip").path
    let stopped = try cli.run(["export", "--case", ref, "--for", "platform", "--out", out])
    #expect(stopped.status == 65)
    #expect(stopped.stderr.contains("\(findings[0]["id"] as? String ?? "-") in E-1/text") && !stopped.stderr.contains("were wrong"))
    #expect(!FileManager.default.fileExists(atPath: out))
    let exported = try cli.json(["export", "--case", ref, "--for", "platform", "--out", out, "--redact", "(?i)your results", "--json"]) as! [String: Any]
    #expect(exported["items"] as? Int == 1)
    let verified = try cli.json(["verify", out, "--fingerprint", fingerprint, "--json"]) as! [String: Any]
    #expect(verified["signer_proven"] as? Bool == true)
    let other = String(repeating: "ab", count: 32)
    #expect(try cli.run(["verify", out, "--fingerprint", other]).status == 80)
    #expect(try cli.run(["verify", out]).stderr.contains("unproven"))

    let full = dir.appendingPathComponent("full.zip").path
    try cli.ok(["export", "--case", ref, "--for", "indemnifier", "--out", full])
    let desk = CLI(in: try TempDir())
    try desk.ok(["init"])
    let received = try desk.json(["receive", full, "--fingerprint", fingerprint, "--json"]) as! [String: Any]
    #expect(received["items"] as? Int == 1 && received["notes"] as? Int == 1)
    #expect(try desk.run(["receive", full, "--fingerprint", fingerprint]).status == 65)

    let draft = try cli.ok(["draft", "report", "--case", ref, "--platform", "google-reviews"])
    #expect(draft.contains("Policy: Harassment") && draft.contains("https://maps.example/review/1") && !draft.contains("Worst GP"))
    let advice = try cli.ok(["draft", "indemnifier", "--case", ref, "--bundle", full])
    #expect(advice.contains("Membership number: M-1") && advice.contains(fingerprint))
  }
}

@Suite struct ExampleBundleTests {
  static let bundles = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("examples/bundles")

  @Test func theCommittedExamplesVerifyWithTheirFingerprint() throws {
    let cli = CLI(in: try TempDir())
    let fingerprint = "90aaa16211d119cf7d83f2a53a1f4e5f6cdf9ef55f21f4a5bbd9f93726ffee1b"
    for name in ["example-platform-instagram.zip", "example-indemnifier.zip"] {
      let path = Self.bundles.appendingPathComponent(name).path
      let report = try cli.json(["verify", path, "--fingerprint", fingerprint, "--json"]) as! [String: Any]
      #expect(report["signer_proven"] as? Bool == true, "\(name)")
      #expect(report["items"] as? Int == 3, "\(name)")
    }
  }
}
