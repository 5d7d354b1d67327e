import ArgumentParser
import CasefileKit
import Foundation

struct Scan: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Look inside a platform export without storing anything: formats, threads, senders, keyword hits.",
    discussion: "Supported formats: \(FormatRegistry.supportedList).")

  @OptionGroup var export: ExportOptions
  @Option(help: "A regular expression; messages that match are counted as hits.") var match: String?
  @Option(help: "A word to look for, case-insensitively (repeatable).") var contains: [String] = []
  @Flag(help: "List every thread and sender, not only the busiest 30.") var all = false
  @OptionGroup var output: JSONFlag

  func run() throws {
    let source = try export.open()
    var accumulator = try ScanAccumulator(match: match, contains: contains)
    let progress = ProgressLine()
    let context = ExportContext()
    let warnings = try ExportReading.read(
      source, format: export.forcedFormat(), sourceZone: export.zone(), context: context, progress: progress.update
    ) { accumulator.add($0) }
    progress.finish()
    let report = try accumulator.report(
      source: source.url.path, sourceSha256: source.sha256, warnings: warnings, blocked: context.blockedAccounts)
    if output.json { return try Output.json(report) }
    print("\(report.source)  (\(source.kind.rawValue), \(report.sourceSha256.map { "sha256 \($0)" } ?? "a folder: no single hash; each message keeps its fragment's"))")
    for format in report.formats {
      print("  format \(format.format): \(format.entries) entr\(format.entries == 1 ? "y" : "ies"), \(Self.count(format.messages, "message"))")
    }
    let limit = all ? Int.max : 30
    print("\nSenders (\(report.senders.count)), most messages first")
    for sender in report.senders.prefix(limit) {
      print("  \(sender.platform) \(sender.sender)" + (sender.displayName.map { " (\($0))" } ?? "")
        + "  \(Self.count(sender.messages, "msg"))  \(Output.short(sender.first)) .. \(Output.short(sender.last))"
        + (sender.hits > 0 ? "  hits: \(sender.hits)" : ""))
    }
    if report.senders.count > limit { print("  ... \(report.senders.count - limit) more (--all lists them)") }
    print("\nThreads (\(report.threads.count))")
    for thread in report.threads.prefix(limit) {
      print("  \(thread.platform) \(thread.thread)  \(Self.count(thread.messages, "msg")) from \(Self.count(thread.senders, "sender"))"
        + "  \(Output.short(thread.first)) .. \(Output.short(thread.last))" + (thread.hits > 0 ? "  hits: \(thread.hits)" : ""))
    }
    if report.threads.count > limit { print("  ... \(report.threads.count - limit) more (--all lists them)") }
    if match != nil || !contains.isEmpty { print("\nKeyword hits: \(report.hits)") }
    if let lists = report.blockLists {
      print("\nBlock lists (import --record-blocks records the block step for the case's authors in them)")
      for list in lists {
        print("  \(list.platform) \(list.entry): \(Self.count(list.accounts, "account")) \(list.action == "mute" ? "muted" : "blocked")")
      }
    }
    for warning in report.warnings { Output.notice("warning: \(warning.entry.map { "entry \($0): " } ?? "")\(warning.message)") }
  }

  /// `1 msg`, `2 msgs`.
  static func count(_ number: Int, _ noun: String) -> String {
    "\(number) \(noun)\(number == 1 ? "" : "s")"
  }
}
