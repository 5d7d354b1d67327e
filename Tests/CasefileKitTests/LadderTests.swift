import CasefileKit
import Foundation
import Testing

@Suite struct LadderTests {
  /// One case, through the whole ladder, through the library API.
  @Test func fullLadderOfOneCase() throws {
    let t = try TestStore()
    let store = t.store
    try store.setProfile(Profile(name: "Dr Test", indemnifier: "Example Defence Union", membershipNumber: "M-1"))
    let opened = try store.openCase(title: "DMs after a talk", category: .harassment, severity: .high)
    #expect(opened.ref == "C-2026-0001")
    #expect(try store.caseDetail(opened.ref).recommendation.step == .ignore)

    let first = try store.logItem(ItemDraft(
      caseRef: opened.ref, platform: .instagram, kind: .dm,
      author: ActorInput(handle: "@night_owl", displayName: "Night Owl", platformUserID: "998877"),
      occurredAt: try at("2026-11-20 21:15"), text: "first abusive message",
      attachments: [try t.file("shot.png", pngBytes)]))
    #expect(first.ref == "E-1")
    #expect(first.occurredAt == "2026-11-20T21:15:00.000Z")
    #expect(first.zoneSource == .assumed)
    #expect(first.captureMethod == .manual)
    #expect(first.capturedAt == "2026-11-25T12:00:00.000Z")
    #expect(first.attachments.count == 1)
    #expect(first.attachments[0].mediaType == "image/png")
    #expect(first.attachments[0].sha256 == Digest.sha256Hex(pngBytes))
    #expect(try store.blobs.read(first.attachments[0].sha256) == Data(pngBytes))

    // The same handle, written differently, reuses the actor.
    let second = try store.logItem(ItemDraft(
      caseRef: opened.ref, platform: .instagram, kind: .comment, author: ActorInput(handle: "Night_Owl"),
      occurredAt: try at("2026-11-21 08:00+00:00"), url: "https://instagram.example/p/1", text: "second"))
    #expect(second.authorRef == first.authorRef)

    #expect(try store.recordStep(caseRef: opened.ref, .ignore(decision: "No reply")).kind == "ignore")
    #expect(try store.caseDetail(opened.ref).recommendation.step == .block)
    let block = try store.recordStep(caseRef: opened.ref, .block(actors: [], platform: nil, action: .block))
    #expect(block.details["actors"] == "A-1")
    #expect(block.details["platform"] == "instagram")
    #expect(try store.caseDetail(opened.ref).recommendation.step == .report)
    let report = try store.recordStep(
      caseRef: opened.ref,
      .report(platform: nil, reference: "IG-555", policy: "bullying and harassment", channel: .inApp),
      on: try CalendarDay.parse("2026-11-22"))
    #expect(report.details["platform"] == "instagram")
    #expect(try store.caseDetail(opened.ref).recommendation.step == .indemnifier)
    let advice = try store.recordStep(
      caseRef: opened.ref, .indemnifier(organisation: nil, reference: "EDU/9", spokeTo: "Case handler", advice: "Do not respond"))
    #expect(advice.details["organisation"] == "Example Defence Union")
    #expect(advice.confidentiality == .confidential)
    #expect(try store.caseDetail(opened.ref).recommendation.kind == .awaitOutcome)

    _ = try store.recordOutcome(caseRef: opened.ref, report: nil, outcome: .pending)
    #expect(try store.caseDetail(opened.ref).recommendation.kind == .awaitOutcome)
    _ = try store.recordOutcome(caseRef: opened.ref, report: report.ref, outcome: .noViolationFound)
    #expect(try store.caseDetail(opened.ref).recommendation.kind == .escalate)
    _ = try store.recordOutcome(caseRef: opened.ref, report: report.ref, outcome: .appealed)
    _ = try store.recordOutcome(caseRef: opened.ref, report: report.ref, outcome: .appealUpheld)
    #expect(try store.caseDetail(opened.ref).recommendation.kind == .done)

    try store.setPatientFlag(actor: "A-1", flagged: true)
    try store.addNote(caseRef: opened.ref, text: "private thought")
    let detail = try store.caseDetail(opened.ref)
    #expect(detail.actors.map(\.patientFlag) == [true])
    #expect(detail.notes.map(\.confidentiality) == [.confidential])
    #expect(detail.evidence.map(\.ref) == ["E-1", "E-2"])
    #expect(detail.timeline.first?.kind == "report")  // dated 22 Nov, before the others recorded on the 25th

    try store.closeCase(opened.ref)
    #expect(try store.caseDetail(opened.ref).recommendation.kind == .closed)
    #expect(throws: CasefileError.self) { try store.recordStep(caseRef: opened.ref, .ignore(decision: "x")) }
    try store.reopenCase(opened.ref)
    #expect(try store.fsck().ok)
  }

  @Test func threatsBringThePoliceInFirst() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Threat by text", category: .threat, severity: .critical).ref
    #expect(Ladder.sequence(for: .threat) == [.ignore, .police, .indemnifier, .block, .report])
    #expect(Ladder.sequence(for: .doxxing).contains(.police))
    #expect(!Ladder.sequence(for: .falseReview).contains(.police))
    _ = try t.store.recordStep(caseRef: ref, .ignore(decision: ""))
    let next = try t.store.caseDetail(ref).recommendation
    #expect(next.step == .police)
    #expect(next.urgent)
    _ = try t.store.recordStep(caseRef: ref, .police(force: "Example Garda Station", incident: "INC-42"))
    #expect(try t.store.caseDetail(ref).recommendation.step == .indemnifier)
  }

  @Test func retractionWithdrawsWithoutDeleting() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "x", category: .harassment, severity: .low).ref
    let ignore = try t.store.recordStep(caseRef: ref, .ignore(decision: "No reply"))
    #expect(try t.store.caseDetail(ref).recommendation.step == .block)
    let retraction = try t.store.retract(caseRef: ref, step: ignore.ref, reason: "wrong case")
    #expect(retraction.kind == "retraction")
    #expect(retraction.refersTo == ignore.ref)
    let timeline = try t.store.caseDetail(ref).timeline
    #expect(timeline.count == 2)
    #expect(timeline.first { $0.ref == ignore.ref }?.retractedBy == retraction.ref)
    #expect(try t.store.caseDetail(ref).recommendation.step == .ignore)
    // A step is retracted once; a retraction is not itself retracted.
    #expect(throws: CasefileError.self) { try t.store.retract(caseRef: ref, step: ignore.ref, reason: "again") }
    #expect(throws: CasefileError.self) { try t.store.retract(caseRef: ref, step: retraction.ref, reason: "undo") }
    // Steps may repeat.
    _ = try t.store.recordStep(caseRef: ref, .ignore(decision: "No reply, again"))
    _ = try t.store.recordStep(caseRef: ref, .ignore(decision: "Still no reply"))
    #expect(try t.store.caseDetail(ref).recommendation.step == .block)
  }

  @Test func outcomesFollowTheirReport() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "x", category: .harassment, severity: .low).ref
    let noReport = #expect(throws: CasefileError.self) {
      try t.store.recordOutcome(caseRef: ref, report: nil, outcome: .removed)
    }
    #expect(noReport?.code == .stepNotFound)
    let report = try t.store.recordStep(
      caseRef: ref, .report(platform: .x, reference: nil, policy: nil, channel: .webForm), on: try CalendarDay.parse("2026-11-20"))
    let ignore = try t.store.recordStep(caseRef: ref, .ignore(decision: "No reply"))
    #expect(throws: CasefileError.self) { try t.store.recordOutcome(caseRef: ref, report: ignore.ref, outcome: .removed) }
    #expect(throws: CasefileError.self) { try t.store.recordOutcome(caseRef: ref, report: report.ref, outcome: .appealUpheld) }
    #expect(throws: CasefileError.self) { try t.store.recordOutcome(caseRef: ref, report: report.ref, outcome: .appealed) }
    #expect(throws: CasefileError.self) {
      try t.store.recordOutcome(caseRef: ref, report: report.ref, outcome: .removed, on: try CalendarDay.parse("2026-11-19"))
    }
    #expect(throws: CasefileError.self) {
      try t.store.recordStep(caseRef: ref, .ignore(decision: ""), on: try CalendarDay.parse("2026-12-01"))
    }
    #expect(try t.store.recordOutcome(caseRef: ref, report: report.ref, outcome: .removed).details["outcome"] == "removed")
  }

  @Test func aRefusalAsksForTheIndemnifierUntilTheyAreTold() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "x", category: .falseReview, severity: .medium).ref
    _ = try t.store.logItem(ItemDraft(
      caseRef: ref, platform: .googleReviews, kind: .review, author: ActorInput(handle: "A Reviewer"),
      occurredAt: try at("2026-11-01 10:00"), text: "one star"))
    let early = try CalendarDay.parse("2026-11-02")
    _ = try t.store.recordStep(caseRef: ref, .ignore(decision: "No reply"), on: early)
    _ = try t.store.recordStep(caseRef: ref, .block(actors: [], platform: nil, action: .block), on: early)
    let report = try t.store.recordStep(caseRef: ref, .report(platform: nil, reference: nil, policy: "fake engagement", channel: .webForm), on: early)
    _ = try t.store.recordStep(caseRef: ref, .indemnifier(organisation: "Example Defence Union", reference: nil, spokeTo: nil, advice: nil), on: early)
    _ = try t.store.recordOutcome(caseRef: ref, report: report.ref, outcome: .noViolationFound, on: try CalendarDay.parse("2026-11-10"))
    let escalate = try t.store.caseDetail(ref).recommendation
    #expect(escalate.kind == .escalate)
    #expect(escalate.step == .indemnifier)
    // The earlier call to the indemnifier does not count: they have not heard of the refusal.
    #expect(try t.store.due().cases.map(\.nextStep) == [.indemnifier])
    #expect(try t.store.listCases().first?.nextStep == "indemnifier")
    _ = try t.store.recordStep(caseRef: ref, .indemnifier(organisation: "Example Defence Union", reference: "EDU-2", spokeTo: nil, advice: nil))
    #expect(try t.store.caseDetail(ref).recommendation.kind == .done)
    #expect(try t.store.due().cases.isEmpty)
    // An appeal, rejected, asks again.
    _ = try t.store.recordOutcome(caseRef: ref, report: report.ref, outcome: .appealed)
    #expect(try t.store.caseDetail(ref).recommendation.kind == .awaitOutcome)
    _ = try t.store.recordOutcome(caseRef: ref, report: report.ref, outcome: .appealRejected)
    #expect(try t.store.caseDetail(ref).recommendation.kind == .escalate)
  }

  @Test func dueListsOldReportsAndUntakenSteps() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "x", category: .harassment, severity: .low).ref
    let quiet = try t.store.openCase(title: "y", category: .defamation, severity: .low).ref
    _ = try t.store.recordStep(
      caseRef: ref, .report(platform: .x, reference: "R1", policy: nil, channel: .inApp), on: try CalendarDay.parse("2026-11-10"))
    _ = try t.store.recordStep(
      caseRef: ref, .report(platform: .x, reference: "R2", policy: nil, channel: .inApp), on: try CalendarDay.parse("2026-11-24"))
    var due = try t.store.due()
    #expect(due.reportDueDays == 7)
    #expect(due.reports.map(\.reference) == ["R1"])
    #expect(due.reports.first?.daysWaiting == 15)
    #expect(Set(due.cases.map(\.caseRef)) == [ref, quiet])
    #expect(try t.store.due(reportDueDays: 0).reports.count == 2)

    // A pending answer restarts the wait; a final answer ends it.
    _ = try t.store.recordOutcome(caseRef: ref, report: "S-1", outcome: .pending, on: try CalendarDay.parse("2026-11-20"))
    #expect(try t.store.due().reports.isEmpty)
    try t.store.setSetting(.reportDueDays, to: "3")
    due = try t.store.due()
    #expect(due.reportDueDays == 3)
    #expect(due.reports.map(\.lastOutcome) == [.pending])
    _ = try t.store.recordOutcome(caseRef: ref, report: "S-1", outcome: .accountSuspended)
    #expect(try t.store.due().reports.isEmpty)
    #expect(throws: CasefileError.self) { try t.store.setSetting(.reportDueDays, to: "soon") }
  }

  @Test func caseReferencesCountPerYear() throws {
    let t = try TestStore()
    #expect(try t.store.openCase(title: "a", category: .other, severity: .low).ref == "C-2026-0001")
    #expect(try t.store.openCase(title: "b", category: .other, severity: .low).ref == "C-2026-0002")
    let nextYear = try t.reopened(now: Date(timeIntervalSince1970: 1_799_000_000))  // 2027
    #expect(try nextYear.openCase(title: "c", category: .other, severity: .low).ref == "C-2027-0001")
    #expect(try nextYear.caseDetail("c-2026-2").case.title == "b")
    #expect(try nextYear.listCases().map(\.case.ref) == ["C-2027-0001", "C-2026-0002", "C-2026-0001"])
  }
}
