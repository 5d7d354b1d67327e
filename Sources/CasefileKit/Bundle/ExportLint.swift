import Foundation

/// The confidentiality lint as an export applies it: over every string a bundle would carry,
/// after redaction, for the platform and police profiles.
public struct ExportLintReport: Sendable, Codable, Equatable {
  public struct Finding: Sendable, Codable, Equatable {
    /// What `--allow` takes.
    public var id: String
    public var rule: String
    /// Where the text is: an item, the case, an actor or a step, and the field.
    public var source: String
    public var explanation: String
    /// The match alone, with its digits masked; never the text around it.
    public var preview: String
    public var allowed: Bool
  }

  public var caseRef: String
  public var profile: String
  public var textsChecked: Int
  public var findings: [Finding]
  /// `--allow` ids that matched no finding (a typo, or a text that changed).
  public var unusedAllowances: [String]

  /// The findings that stop an export.
  public var blocking: [Finding] { findings.filter { !$0.allowed } }
}

extension BundleSelection {
  /// Every string of the selection that goes out, named by where it is: what the lint reads.
  public var outgoingTexts: [LintText] {
    var texts: [LintText] = [LintText(caseRecord.ref, .caseTitle, caseRecord.title)]
    for actor in actors {
      texts.append(LintText(actor.ref, .actorHandle, actor.handle))
      if let name = actor.displayName { texts.append(LintText(actor.ref, .actorDisplayName, name)) }
      if let url = actor.profileUrl { texts.append(LintText(actor.ref, .actorProfileURL, url)) }
    }
    for item in items {
      let ref = item.record.ref
      if let text = item.text?.value { texts.append(LintText(ref, .text, text)) }
      if let url = item.record.url { texts.append(LintText(ref, .url, url)) }
      if let thread = item.thread { texts.append(LintText(ref, .thread, thread)) }
      for (number, recipient) in item.recipients.enumerated() { texts.append(LintText(ref, .recipient(number + 1), recipient)) }
      for (name, value) in item.details { texts.append(LintText(ref, .detail(name), value)) }
      for (number, attachment) in item.record.attachments.enumerated() {
        texts.append(LintText(ref, .attachmentName(number + 1), attachment.fileName))
      }
    }
    for step in steps {
      for name in step.details.keys.sorted() {
        texts.append(LintText(caseRecord.ref, .stepDetail(step.ref, name), step.details[name] ?? ""))
      }
    }
    for note in notes ?? [] { texts.append(LintText(note.ref, .text, note.text)) }
    return texts
  }
}

extension LintText {
  fileprivate init(_ ref: String, _ field: LintField, _ text: String) {
    self.init(LintSource(ref, field), text)
  }
}

extension CaseStore {
  /// The user's own phrases for the lint (`casefile config set lint-phrases "a; b"`).
  public func lintPhrases() throws -> [CustomPhrase] {
    let value = try settings()[Setting.lintPhrases.rawValue] ?? ""
    return value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { CustomPhrase($0) }
  }

  /// Lints what a bundle for `request` would carry, after its redactions, without exporting.
  public func lint(_ request: ExportRequest) throws -> ExportLintReport {
    let selection = try request.profile.select(try bundleContent(caseRef: request.caseRef), request: request)
    return try lint(selection)
  }

  /// Lints a selection against the built-in rules and the user's phrases.
  public func lint(_ selection: BundleSelection) throws -> ExportLintReport {
    let linter = try ConfidentialityLint(customPhrases: try lintPhrases(), today: CalendarDay.on(clock.now(), in: zone))
    let texts = selection.outgoingTexts
    let findings = try linter.lint(texts)
    let allowed = Set(selection.request.allowedFindings.map { $0.lowercased() })
    return ExportLintReport(
      caseRef: selection.caseRecord.ref, profile: selection.request.profile.rawValue, textsChecked: texts.count,
      findings: findings.map {
        .init(
          id: $0.id, rule: $0.ruleID, source: $0.source.description, explanation: $0.explanation, preview: $0.preview,
          allowed: allowed.contains($0.id.lowercased()))
      },
      unusedAllowances: ConfidentialityLint.unusedAllowances(Set(selection.request.allowedFindings), in: findings))
  }

  /// The export's gate: for a linted profile, any finding not allowed stops the export with an
  /// explanation that names each finding and never quotes the text around it.
  public func lintGate(_ selection: BundleSelection) throws -> [String] {
    guard selection.request.profile.isLinted else { return [] }
    let report = try lint(selection)
    let blocking = report.blocking
    guard blocking.isEmpty else {
      let lines = blocking.prefix(20).map { "  \($0.id): \($0.explanation) (\($0.preview))" }.joined(separator: "\n")
      throw CasefileError(
        .lintFindings,
        """
        the \(selection.request.profile.rawValue) bundle would carry \(blocking.count) text(s) that may reveal a patient relationship or identify someone:
        \(lines)\(blocking.count > 20 ? "\n  … and \(blocking.count - 20) more ('casefile lint' lists them all)" : "")
        Redact them with --redact REGEX, leave an item out with --exclude-item, or allow a finding you have checked with --allow ID.
        """)
    }
    var warnings = report.findings.filter(\.allowed).map { "allowed lint finding \($0.id)" }
    warnings += report.unusedAllowances.map { "--allow \($0) matched no finding" }
    return warnings
  }
}

extension CasefileError.Code {
  /// The lint found wording that could reveal a patient relationship: the export stopped.
  public static let lintFindings = CasefileError.Code("lint-findings", .badData)
}
