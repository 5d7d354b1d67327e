import ArgumentParser
import CasefileKit
import Foundation

struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Store the selected messages of a platform export as evidence of a case, with their provenance.",
    discussion: """
      One import is one transaction: all or nothing. Messages already in the case are not stored \
      twice. Select with --from, --thread, --since, --until and --match; everything else is \
      skipped and stored nowhere. Supported formats: \(FormatRegistry.supportedList).
      """)

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var export: ExportOptions
  @Option(name: .customLong("case"), help: "The case, e.g. C-2026-0001.") var caseRef: String
  @Option(help: "A sender to keep: handle, number or display name (repeatable).") var from: [String] = []
  @Option(help: "A thread to keep: a number, a group or a chat.") var thread: String?
  @Option(help: "Keep messages from this day or time on (YYYY-MM-DD or a time as for 'log --at').") var since: String?
  @Option(help: "Keep messages up to this day or time.") var until: String?
  @Option(help: "Keep messages whose text matches this regular expression.") var match: String?
  @Flag(
    name: .customLong("record-blocks"),
    help: "Record the block step for the case's authors that the export's block or mute list names (Mastodon).")
  var recordBlocks = false
  @Option(
    help: "Your own name, handle or number in this export, where it does not say which messages are yours (repeatable); your messages are stored as sent.")
  var owner: [String] = []
  @Flag(name: .customLong("dry-run"), help: "Show what would be stored, and store nothing.") var dryRun = false
  @OptionGroup var output: JSONFlag

  func run() throws {
    let zone = try LocalZone.fromEnvironment()
    let filter = ImportFilter(
      from: from, thread: thread, since: try since.map { try Self.bound($0, zone: zone, endOfDay: false) },
      until: try until.map { try Self.bound($0, zone: zone, endOfDay: true) }, match: match)
    let store = try storeOptions.open()
    let source = try export.open()
    let format = try export.forcedFormat()
    let sourceZone = try export.zone()
    let progress = ProgressLine()
    let context = ExportContext()
    let summary = try store.importMessages(
      caseRef: caseRef,
      source: ImportSourceInfo(path: source.url.path, kind: source.kind.rawValue, sha256: try source.sha256),
      filter: filter, dryRun: dryRun, mediaSource: source, blockList: recordBlocks ? { context.blockedAccounts } : nil,
      owners: owner
    ) { emit in
      defer { progress.finish() }
      return try ExportReading.read(
        source, format: format, sourceZone: sourceZone, context: context, progress: progress.update, emit: emit)
    }
    if output.json { return try Output.json(summary) }
    print((dryRun ? "Dry run, nothing stored: would import " : "Imported ") + "into \(summary.caseRef) from \(summary.source)")
    print("  \(summary.new) new, \(summary.alreadyPresent) already present, \(summary.skipped) skipped (\(summary.read) read)")
    if summary.mediaStored + summary.mediaMissing > 0 {
      print("  media: \(summary.mediaStored) stored, \(summary.mediaMissing) named but missing from the export")
    }
    for item in summary.wouldStore.prefix(200) {
      var line = "  would store: \(item.occurredAt)  \(item.platform) \(item.kind)"
      line += item.sender.map { "  from \($0)" + (item.direction == "sent" ? " (you)" : "") }
        ?? (item.direction == "sent" ? "  (sent by you)" : "  (sender unknown)")
      line += item.thread.map { "  thread \($0)" } ?? ""
      line += "  \(item.textLength) characters" + (item.media > 0 ? ", \(item.media) media" : "")
      print(line)
    }
    if summary.wouldStore.count > 200 { print("  ... (\(summary.wouldStore.count) in all; --json lists every one)") }
    if !summary.newItems.isEmpty {
      let shown = summary.newItems.prefix(20).joined(separator: " ")
      print("  new items: \(shown)" + (summary.newItems.count > 20 ? " ... (\(summary.newItems.count) in all)" : ""))
    }
    if let blocks = summary.blockList {
      print("  block lists: \(blocks.listed) accounts; \(blocks.matched.count) of them authors in this case")
      for match in blocks.matched {
        print("    \(match.actor) \(match.handle): \(match.action == "mute" ? "muted" : "blocked") (\(match.entry))")
      }
      if !blocks.stepsRecorded.isEmpty {
        print("  block step recorded: \(blocks.stepsRecorded.joined(separator: " "))")
      }
      if !blocks.alreadyRecorded.isEmpty {
        print("  block step already recorded: \(blocks.alreadyRecorded.joined(separator: " "))")
      }
      if dryRun && !blocks.matched.isEmpty && blocks.alreadyRecorded.isEmpty {
        print("  would record the block step for them")
      }
    }
    for warning in summary.warnings {
      Output.notice("warning: \(warning.entry.map { "entry \($0): " } ?? "")\(warning.message)")
    }
    for owner in summary.unmatchedOwners {
      Output.notice(
        "warning: --owner '\(owner)' is no sender of this export, so no message was marked as yours by it; "
          + "if you wrote in these threads, check the spelling against the senders that scan lists")
    }
  }

  /// A day (its start, or its end) or a full time, for --since and --until.
  static func bound(_ text: String, zone: TimeZone, endOfDay: Bool) throws -> Date {
    if let day = try? CalendarDay.parse(text) {
      var calendar = Calendar(identifier: .gregorian)
      calendar.timeZone = zone
      let start = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
      return endOfDay ? calendar.date(byAdding: .day, value: 1, to: start)!.addingTimeInterval(-0.001) : start
    }
    return try OccurredAt.parse(text, defaultZone: zone).utc
  }
}
