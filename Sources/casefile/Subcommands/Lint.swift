import ArgumentParser
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
    let report = try storeOptions.open().lint(request)
    if output.json {
      try Output.json(report)
    } else {
      printReport(report)
    }
    if report.profile == ExportProfile.indemnifier.rawValue { return }
    if !report.unusedAllowances.isEmpty {
      throw CasefileError(.usage, "--allow takes the id of a finding of this export; \(report.unusedAllowances.count) given match none")
    }
    if !report.blocking.isEmpty {
      throw CasefileError(.lintFindings, "\(report.blocking.count) finding(s) would stop the export")
    }
  }

  private func printReport(_ report: ExportLintReport) {
    print("\(report.caseRef), \(report.profile) bundle: \(report.textsChecked) text(s) checked, \(report.findings.count) finding(s), \(report.blocking.count) blocking")
    for finding in report.findings {
      print("  \(finding.allowed ? "allowed " : "")\(finding.id)  \(finding.source)  \(finding.rule)")
      print("      \(finding.explanation) (\(finding.preview))")
    }
    if report.profile == ExportProfile.indemnifier.rawValue {
      print("(An indemnifier bundle is not linted on export: it is the case file for your own adviser.)")
    }
  }
}
