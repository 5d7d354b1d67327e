import ArgumentParser
import CasefileKit

struct CaseShow: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "Show a case: actors, evidence, the timeline of steps, private notes, and the next step.",
    discussion: "Message texts, patient flags and private notes are printed: this is the doctor's own view.")

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: "The case, e.g. C-2026-0001.") var caseRef: String
  @OptionGroup var output: JSONFlag

  func run() throws {
    let store = try storeOptions.open()
    let detail = try store.caseDetail(caseRef)
    if output.json { return try Output.json(detail) }
    let record = detail.case
    print("\(record.ref)  \(record.title)")
    print("  \(record.status.rawValue), \(record.category.rawValue), severity \(record.severity.rawValue)")
    print("  opened \(Output.short(record.openedAt))" + (record.closedAt.map { ", closed \(Output.short($0))" } ?? ""))

    print("\nActors (\(detail.actors.count))")
    for actor in detail.actors {
      var line = "  \(actor.ref)  \(actor.platform.rawValue) \(actor.handle)"
      if let name = actor.displayName { line += " (\(name))" }
      if let id = actor.platformUserId { line += "  id \(id)" }
      if let url = actor.profileUrl { line += "  \(url)" }
      if actor.patientFlag { line += "  [CONFIDENTIAL: is or may be a patient]" }
      print(line)
    }

    print("\nEvidence (\(detail.evidence.count))")
    for item in detail.evidence {
      // A stated zone is already in the text; an assumed one is named.
      let given = item.zoneSource == .assumed ? "\(item.occurredAtText), assumed \(item.occurredZone)" : item.occurredAtText
      print("  \(item.ref)  \(Output.short(item.occurredAt))  (\(given))  \(item.platform.rawValue) \(item.kind.rawValue)"
        + (item.authorHandle.map { "  from \($0) \(item.authorRef ?? "")" } ?? "  author unknown"))
      if let text = item.text {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { print("      | \(line)") }
      }
      if let url = item.url { print("      url: \(url)") }
      for attachment in item.attachments {
        print("      attachment: \(attachment.fileName)  \(attachment.mediaType)  \(attachment.size) bytes  sha256 \(attachment.sha256)")
      }
      print("      captured \(Output.short(item.capturedAt)) (\(item.captureMethod.rawValue))")
    }

    print("\nTimeline (\(detail.timeline.count))")
    for event in detail.timeline {
      var line = "  \(event.on)  \(event.ref)  \(event.kind)"
      if let target = event.refersTo { line += " of \(target)" }
      let fields = event.details.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
      if !fields.isEmpty { line += "  (" + fields.joined(separator: "; ") + ")" }
      if event.confidentiality == .confidential { line += "  [CONFIDENTIAL]" }
      if let by = event.retractedBy { line += "  [RETRACTED by \(by)]" }
      print(line)
    }

    if !detail.notes.isEmpty {
      print("\nPrivate notes (CONFIDENTIAL, never sent to a platform)")
      for note in detail.notes {
        print("  \(note.ref)  \(Output.short(note.createdAt))")
        for line in note.text.split(separator: "\n", omittingEmptySubsequences: false) { print("      | \(line)") }
      }
    }

    let next = detail.recommendation
    print("\nNext: \(next.title)" + (next.step.map { " (casefile step \($0.rawValue))" } ?? "") + (next.urgent ? "  -- do this now" : ""))
    print(Output.wrap(next.guidance, indent: "  "))
    print("\nAlways:")
    for advice in next.standingAdvice { print("  - \(advice)") }
    // Written down or sent, it shows later whether the store's history was rewritten since.
    print("\nStore audit head: \(try store.auditHead().prefix(16)) (note it down: 'casefile fsck' can then show the history since is unchanged)")
  }
}
