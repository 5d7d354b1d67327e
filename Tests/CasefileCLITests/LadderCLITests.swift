import Foundation
import Testing

@Suite struct LadderCLITests {
  /// One case through the whole ladder, through the built binary.
  @Test func fullLadderThroughTheBinary() throws {
    let dir = try TempDir()
    let cli = CLI(in: dir)
    #expect(try cli.ok(["init"]).contains("Created a store"))
    #expect(try cli.ok(["init"]).contains("already exists"))
    try cli.ok(["profile", "set", "--name", "Dr Test", "--indemnifier", "Example Defence Union", "--membership", "M-77"])
    let opened = try cli.json(["case", "open", "Texts from an unknown number", "--category", "threat", "--severity", "high"])
    let ref = (opened as! [String: Any])["ref"] as! String
    let year = Calendar(identifier: .gregorian).component(.year, from: Date())
    #expect(ref == "C-\(year)-0001")
    let listed = try cli.json(["case", "list"]) as! [[String: Any]]
    #expect(listed.map { ($0["case"] as! [String: Any])["ref"] as? String } == [ref])

    let shot = dir.url.appendingPathComponent("screenshot.png")
    try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]).write(to: shot)
    #expect(try cli.ok([
      "log", "--case", ref, "--platform", "sms", "--kind", "sms", "--author", "+44 7700 900123",
      "--at", "2026-11-20 22:10", "--text", "I know where you park", "--attach", shot.path,
    ]).contains("E-1"))
    #expect(try cli.ok(
      ["log", "--case", ref, "--platform", "sms", "--kind", "sms", "--author", "+447700900123", "--at", "2026-11-21T07:45:00Z"],
      stdin: "second text, from stdin\n").contains("E-2"))

    #expect(try cli.ok(["step", "ignore", "--case", ref]).contains("Next: Report it to the police"))
    try cli.ok(["step", "police", "--case", ref, "--force", "Example Constabulary", "--incident", "INC-1"])
    try cli.ok(["step", "indemnifier", "--case", ref, "--reference", "EDU-5", "--spoke-to", "Duty adviser", "--advice", "Keep records"])
    try cli.ok(["step", "block", "--case", ref])
    try cli.ok(["step", "report", "--case", ref, "--channel", "email", "--reference", "T-9", "--policy", "threats", "--on", "2026-11-21"])
    try cli.ok(["outcome", "--case", ref, "pending"])
    try cli.ok(["actor", "patient", "A-1"])
    try cli.ok(["note", "--case", ref], stdin: "a private thought")

    let show = try cli.ok(["case", "show", ref])
    #expect(show.contains("I know where you park"))
    #expect(show.contains("second text, from stdin\n"))
    #expect(show.contains("[CONFIDENTIAL: is or may be a patient]"))
    #expect(show.contains("Private notes (CONFIDENTIAL"))
    #expect(show.contains("Next: Wait for the platform's answer"))
    #expect(show.contains("Do not reply, publicly or privately."))

    let detail = try cli.json(["case", "show", ref]) as! [String: Any]
    let evidence = detail["evidence"] as! [[String: Any]]
    #expect(evidence.count == 2)
    #expect(evidence[0]["occurred_at"] as? String == "2026-11-20T22:10:00.000Z")
    #expect(evidence[0]["zone_source"] as? String == "assumed")
    #expect(evidence[0]["author_ref"] as? String == evidence[1]["author_ref"] as? String)
    #expect((evidence[1]["text"] as? String) == "second text, from stdin")
    let timeline = detail["timeline"] as! [[String: Any]]
    #expect(timeline.map { $0["kind"] as! String } == ["report", "ignore", "police", "indemnifier", "block", "outcome"])

    // Retract the outcome, entered by mistake; it stays in the timeline.
    let outcomeRef = timeline.last!["ref"] as! String
    try cli.ok(["step", "retract", "--case", ref, outcomeRef, "--reason", "entered on the wrong report"])
    let after = (try cli.json(["case", "show", ref]) as! [String: Any])["timeline"] as! [[String: Any]]
    #expect(after.count == 7)
    #expect(after.contains { $0["ref"] as? String == outcomeRef && $0["retracted_by"] != nil })

    try cli.ok(["case", "close", ref])
    #expect(try cli.ok(["case", "list", "--status", "closed"]).contains(ref))
    try cli.ok(["case", "reopen", ref])
    #expect(try cli.ok(["fsck"]).contains("OK"))
    #expect(try cli.ok(["--version"]).trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
  }

  @Test func dueListsUnansweredReports() throws {
    let dir = try TempDir()
    let cli = CLI(in: dir)
    try cli.ok(["init"])
    let ref = (try cli.json(["case", "open", "Review", "--category", "false-review"]) as! [String: Any])["ref"] as! String
    try cli.ok(["step", "report", "--case", ref, "--platform", "google-reviews", "--channel", "web-form", "--on", "2026-11-01"])
    let due = try cli.json(["due"]) as! [String: Any]
    #expect(due["report_due_days"] as? Int == 7)
    #expect((due["reports"] as! [[String: Any]]).map { $0["report"] as? String } == ["S-1"])
    #expect((due["cases"] as! [[String: Any]]).map { $0["next_step"] as? String } == ["ignore"])
    try cli.ok(["config", "set", "report-due-days", "365"])
    #expect(((try cli.json(["due"]) as! [String: Any])["reports"] as! [Any]).isEmpty)
    #expect((try cli.json(["config", "show"]) as! [String: String])["report-due-days"] == "365")
  }
}
