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
    // Without a pin, the store's own key is known.
    let own = try cli.run(["verify", out])
    #expect(own.status == 0 && own.stdout.contains("signer verified: this store's own key"), "\(own.stderr)")

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

/// Without --fingerprint, a package whose key nothing vouches for is verified but flagged, with
/// its own exit code, until the key is trusted in the store.
@Suite struct UnverifiedSignerCLITests {
  @Test func verifyAndReceiveSayTheSignerIsNotVerifiedUntilTheKeyIsTrusted() throws {
    let (cli, ref, fingerprint) = try BundleCLITests().seeded()
    let full = cli.dir.url.appendingPathComponent("full.zip").path
    try cli.ok(["export", "--case", ref, "--for", "indemnifier", "--out", full])
    let desk = CLI(in: try TempDir())
    try desk.ok(["init"])

    let unverified = try desk.run(["verify", full])
    #expect(unverified.status == 81, "\(unverified.stderr)")
    #expect(unverified.stdout.contains("signer NOT verified") && unverified.stderr.contains("WARNING: signer NOT verified"))
    let json = try desk.run(["verify", full, "--json"])
    #expect(json.status == 81 && json.stdout.contains("\"signer\" : \"unverified\""), "\(json.stdout)")
    #expect(try desk.run(["verify", full, "--fingerprint", fingerprint]).status == 0)

    // Received all the same, but flagged.
    let received = try desk.run(["receive", full])
    #expect(received.status == 81 && received.stderr.contains("signer NOT verified"), "\(received.stderr)")
    #expect(received.stdout.contains("Received"))

    try desk.ok(["keys", "trust", fingerprint, "--name", "Dr Example (checked by phone)"])
    let listed = try desk.ok(["keys", "list"])
    #expect(listed.contains(fingerprint) && listed.contains("Dr Example (checked by phone)"))
    let trusted = try desk.run(["verify", full])
    #expect(trusted.status == 0 && trusted.stdout.contains("signer verified: a trusted key (Dr Example (checked by phone))"))
    #expect(!trusted.stderr.contains("NOT verified"))
    // The trust is audited: fsck still passes with the new rows.
    try desk.ok(["fsck"])

    try desk.ok(["keys", "untrust", fingerprint])
    #expect(try desk.run(["verify", full]).status == 81)
    #expect(!(try desk.ok(["keys", "list"])).contains(fingerprint))
    #expect(try desk.run(["keys", "untrust", fingerprint]).status == 66)
    #expect(try desk.run(["keys", "trust", "abc", "--name", "x"]).status == 64)
    #expect(try desk.run(["keys", "trust", fingerprint, "--name", "evil\u{1b}]0;title\u{07}"]).status == 64)
  }

  @Test func fsckAgainstAPackageAndTheAuditHeadInCaseShowAndTheDraft() throws {
    let (cli, ref, _) = try BundleCLITests().seeded()
    let full = cli.dir.url.appendingPathComponent("full.zip").path
    try cli.ok(["export", "--case", ref, "--for", "indemnifier", "--out", full])
    let checked = try cli.ok(["fsck", "--against", full])
    #expect(checked.contains("is audit record") && checked.contains("1 of 1") && checked.contains("OK: everything matches."))
    let head = (try cli.json(["fsck"]) as! [String: Any])["head_hash"] as! String
    #expect(try cli.ok(["case", "show", ref]).contains("Store audit head: \(head.prefix(16))"))
    #expect(try cli.ok(["draft", "indemnifier", "--case", ref]).contains("Audit head of my case store today: \(head.prefix(16))"))
    // Another store's package is not an anchor for this one.
    let (other, otherRef, _) = try BundleCLITests().seeded()
    let foreign = other.dir.url.appendingPathComponent("other.zip").path
    try other.ok(["export", "--case", otherRef, "--for", "indemnifier", "--out", foreign])
    #expect(try cli.run(["fsck", "--against", foreign]).status == 80)
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
