import ArgumentParser
import CasefileKit
import Foundation

struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write a case as a signed evidence package (zip) for a platform, the indemnifier or the police.",
    discussion: """
      platform: only the abusive items of one platform, their authors, URLs, times and \
      attachments, and the report reference; the doctor is named only with --identify. \
      indemnifier: the whole case file, raw fragments included. police: the evidence, the steps \
      and the doctor's details; notes and patient flags only with --include-confidential. \
      Platform and police bundles are linted first: wording that could reveal a patient \
      relationship stops the export until it is redacted (--redact), left out (--exclude-item) \
      or allowed (--allow). Needs a signing key: 'casefile keys init'.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Option(name: .customLong("case"), help: "The case, e.g. C-2026-0001.") var caseRef: String
  @Option(name: .customLong("for"), help: "platform, indemnifier or police.") var profile: String
  @Option(help: "The package to write (.zip).") var out: String
  @Option(help: "For --for platform: the platform it goes to, when the case spans several.") var platform: String?
  @Flag(help: "Name the doctor in a platform bundle.") var identify = false
  @Flag(name: .customLong("include-confidential"), help: "Put notes, patient flags and the indemnifier's advice into a police bundle.")
  var includeConfidential = false
  @Option(name: .customLong("exclude-item"), help: "Leave this item out (repeatable).") var excludeItem: [String] = []
  @Option(
    name: .customLong("include-own"),
    help: "Put this one of your own messages into a platform or police bundle all the same, as context (repeatable).")
  var includeOwn: [String] = []
  @Option(help: "Replace matches of this regular expression with [redacted] in the outgoing copy (repeatable).") var redact: [String] = []
  @Option(help: "Let this lint finding go out, by its id from 'casefile lint' (repeatable).") var allow: [String] = []
  @Flag(help: "Replace the file at --out if it exists.") var force = false
  @OptionGroup var output: JSONFlag

  func run() throws {
    let request = ExportRequest(
      caseRef: caseRef, profile: try ExportProfile.parse(profile), platform: try platform.map(Platform.parse), identify: identify,
      includeConfidential: includeConfidential, excludedItems: excludeItem, redactions: redact, allowedFindings: allow,
      includeOwn: includeOwn)
    if request.includeConfidential && request.profile != .police {
      throw ValidationError("--include-confidential is for --for police (an indemnifier bundle always carries everything)")
    }
    if request.identify && request.profile != .platform {
      throw ValidationError("--identify is for --for platform (the other profiles always name the doctor)")
    }
    let result = try storeOptions.open().exportBundle(
      request, to: URL(fileURLWithPath: out), overwrite: force)
    for warning in result.warnings { Output.notice("warning: \(warning)") }
    if output.json { return try Output.json(result) }
    print("Exported \(result.caseRef) for the \(result.profile) to \(result.file)")
    print("  \(result.items) item(s), \(result.attachments) attachment(s)" + (result.excluded.isEmpty ? "" : "; left out: \(result.excluded.joined(separator: " "))"))
    print("  signed with the key \(result.keyFingerprint)")
    print("  package SHA-256 \(result.packageSha256)")
    print("The recipient checks it with VERIFY.txt inside, or: casefile verify \(result.file) --fingerprint \(result.keyFingerprint)")
  }
}
