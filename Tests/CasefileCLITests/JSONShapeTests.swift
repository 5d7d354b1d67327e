import Foundation
import Testing

/// Every `--json` output parses and carries the keys README.md documents.
@Suite struct JSONShapeTests {
  @Test func readCommandsHaveTheDocumentedKeys() throws {
    let dir = try TempDir()
    let cli = CLI(in: dir)
    try cli.ok(["init"])
    try cli.ok(["profile", "set", "--name", "Dr J", "--registration", "R1", "--indemnifier", "EDU", "--membership", "M1", "--indemnifier-contact", "call"])
    let opened = try cli.json(["case", "open", "Shape", "--category", "doxxing", "--severity", "critical"]) as! [String: Any]
    #expect(Set(opened.keys) == ["ref", "title", "category", "severity", "status", "opened_at"])
    let ref = opened["ref"] as! String
    let logged = try cli.json(["log", "--case", ref, "--platform", "facebook", "--kind", "post", "--author", "someone", "--at", "2026-11-20 10:00", "--url", "https://facebook.example/p/1"]) as! [String: Any]
    #expect(Set(logged.keys) == ["ref", "case_ref", "author_ref", "occurred_at", "attachments"])
    let step = try cli.json(["step", "ignore", "--case", ref]) as! [String: Any]
    #expect(Set(step.keys) == ["ref", "kind", "on", "details", "confidentiality", "recorded_at"])

    let profile = try cli.json(["profile", "show"]) as! [String: Any]
    #expect(Set(profile.keys) == ["name", "registration_number", "indemnifier", "membership_number", "indemnifier_contact", "updated_at", "accounts"])
    try cli.ok(["profile", "set", "--contact", "07700 900000"])
    #expect((try cli.json(["profile", "show"]) as! [String: Any])["contact"] as? String == "07700 900000")

    let list = try cli.json(["case", "list"]) as! [[String: Any]]
    #expect(Set(list[0].keys) == ["case", "evidence_count", "last_activity", "next_step"])

    let detail = try cli.json(["case", "show", ref]) as! [String: Any]
    #expect(Set(detail.keys) == ["case", "actors", "evidence", "timeline", "notes", "recommendation"])
    let item = (detail["evidence"] as! [[String: Any]])[0]
    #expect(Set(item.keys) == [
      "ref", "case_ref", "platform", "kind", "author_ref", "author_handle", "occurred_at", "occurred_at_text",
      "occurred_zone", "zone_source", "url", "captured_at", "capture_method", "attachments",
    ])
    let actor = (detail["actors"] as! [[String: Any]])[0]
    #expect(Set(actor.keys) == ["ref", "platform", "handle", "patient_flag", "created_at"])
    let recommendation = detail["recommendation"] as! [String: Any]
    #expect(Set(recommendation.keys) == ["kind", "step", "title", "guidance", "urgent", "standing_advice"])
    #expect(recommendation["step"] as? String == "police")
    #expect(recommendation["urgent"] as? Bool == true)

    let actors = try cli.json(["actor", "list"]) as! [[String: Any]]
    #expect(actors.count == 1)
    let due = try cli.json(["due"]) as! [String: Any]
    #expect(Set(due.keys) == ["today", "report_due_days", "reports", "cases"])
    let fsck = try cli.json(["fsck"]) as! [String: Any]
    #expect(Set(fsck.keys) == ["ok", "audit_rows", "head_hash", "rows_checked", "blobs_checked", "problems"])
    let config = try cli.json(["config", "show"]) as! [String: Any]
    #expect(config["report-due-days"] as? String == "7")
    let backup = try cli.json(["backup", dir.url.appendingPathComponent("copy").path]) as! [String: Any]
    #expect(Set(backup.keys) == ["directory", "blobs_copied", "fsck"])
  }
}
