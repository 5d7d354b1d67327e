import ArgumentParser
import Foundation
import CasefileKit

struct Lint: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show what would stop an export: wording that could reveal a patient relationship, and health or personal identifiers.",
    discussion: """
      Reads exactly what 'casefile export' would put into the bundle (same options), after \
      redaction, and lists each finding with the id that --allow takes. Never prints the text \
      around a finding. Add your own phrases with 'casefile config set lint-phrases "a; b"', and \
      other languages' lists with 'casefile config set lint-languages en,es'. Exits non-zero when \
      a finding would stop the export, or an --allow id names no finding.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Option(name: .customLong("case"), help: "The case, e.g. C-2026-0001.") var caseRef: String
  @Option(name: .customLong("for"), help: "platform, indemnifier or police.") var profile: String
  @Option(help: "For --for platform: the platform it goes to, when the case spans several.") var platform: String?
  @Flag(help: "As for export.") var identify = false
  @Flag(name: .customLong("include-confidential"), help: "As for export.") var includeConfidential = false
  @Option(name: .customLong("exclude-item"), help: "As for export (repeatable).") var excludeItem: [String] = []
  @Option(name: .customLong("include-own"), help: "As for export (repeatable).") var includeOwn: [String] = []
  @Option(help: "As for export (repeatable).") var redact: [String] = []
  @Option(help: "As for export (repeatable).") var allow: [String] = []
  @OptionGroup var output: JSONFlag

  func run() throws {
    let request = ExportRequest(
      caseRef: caseRef, profile: try ExportProfile.parse(profile), platform: try platform.map(Platform.parse), identify: identify,
      includeConfidential: includeConfidential, excludedItems: excludeItem, redactions: redact, allowedFindings: allow,
      includeOwn: includeOwn)
    // The text list stops at the first findings, the rest counted per rule: a long message can
    // have a million, each with an id and a preview to make. --json lists every one.
    let report = try storeOptions.open().lint(request, listing: output.json ? nil : Self.listed)
    if output.json {
      try Output.json(report)
    } else {
      printReport(report)
    }
    if report.profile == ExportProfile.indemnifier.rawValue { return }
    if !report.unusedAllowances.isEmpty {
      throw CasefileError(.usage, "--allow takes the id of a finding of this export; \(report.unusedAllowances.count) given match none")
    }
    let blocking = report.blockingCount
    if blocking > 0 {
      throw CasefileError(.lintFindings, "\(blocking) finding(s) would stop the export")
    }
  }

  /// The blocking findings listed in the text output; every allowed one is listed too.
  static let listed = 50

  private func printReport(_ report: ExportLintReport) {
    let blocking = report.blockingCount
    // Written in blocks: a long message can have a million findings, and a print per line
    // would take longer than the lint.
    var block: [UInt8] = []
    block.reserveCapacity(1 << 17)
    func put(_ part: String) { block.append(contentsOf: part.utf8) }
    put("\(report.caseRef), \(report.profile) bundle: \(report.textsChecked) text(s) checked, \(report.findingCount) finding(s), \(blocking) blocking\n")
    for finding in report.findings {
      put(finding.allowed ? "  allowed " : "  ")
      put(finding.id)
      put("  ")
      put(finding.source)
      put("  ")
      put(finding.rule)
      put("\n      ")
      put(finding.explanation)
      put(" (")
      put(finding.preview)
      put(")\n")
      if block.count >= 1 << 16 {
        FileHandle.standardOutput.write(Data(block))
        block.removeAll(keepingCapacity: true)
      }
    }
    let unlisted = report.unlistedByRule.values.reduce(0, +)
    if unlisted > 0 {
      put("  … and \(unlisted) more not listed:\n")
      for (rule, count) in report.unlistedByRule.sorted(by: { $0.key < $1.key }) { put("    \(rule): \(count)\n") }
      put("  'casefile lint --json' lists every finding with its id.\n")
    }
    FileHandle.standardOutput.write(Data(block))
    if report.profile == ExportProfile.indemnifier.rawValue {
      print("(An indemnifier bundle is not linted on export: it is the case file for your own adviser.)")
    }
  }
}
