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
  /// Every finding, listed or not.
  public var findingCount: Int
  /// Every finding not allowed, listed or not.
  public var blockingCount: Int
  /// Per rule, the findings not in ``findings`` when the list was cut.
  public var unlistedByRule: [String: Int]

  /// The findings that stop an export.
  public var blocking: [Finding] { findings.filter { !$0.allowed } }
}

extension BundleSelection {
  /// Every string of the selection that goes out, named by where it is: what the lint reads.
  ///
  /// What a platform or police bundle writes, field by field: the case title; each actor's
  /// handle, display name, platform id and profile URL; each item's text, thread,
  /// recipients, URL, platform message id, details, archive entry path, and each attachment's
  /// file name and media type; each step's details (the report reference among them); notes when
  /// they go. The rest is casefile's own vocabulary (kinds, platforms, directions, times,
  /// digests, references), an item's time as the export wrote it (a timestamp, which the date
  /// rules would flag in every item), or the doctor's own details in the sender block, which are
  /// meant to go.
  public var outgoingTexts: [LintText] {
    var texts: [LintText] = [LintText(caseRecord.ref, .caseTitle, caseRecord.title)]
    for actor in actors {
      texts.append(LintText(actor.ref, .actorHandle, actor.handle))
      if let name = actor.displayName { texts.append(LintText(actor.ref, .actorDisplayName, name)) }
      if let id = actor.platformUserId { texts.append(LintText(actor.ref, .actorPlatformUserID, id)) }
      if let url = actor.profileUrl { texts.append(LintText(actor.ref, .actorProfileURL, url)) }
    }
    for item in items {
      let ref = item.record.ref
      if let text = item.text?.value { texts.append(LintText(LintSource(ref, .text), text, thread: item.threadKey)) }
      if let url = item.record.url { texts.append(LintText(ref, .url, url)) }
      if let id = item.platformMessageID { texts.append(LintText(ref, .messageID, id)) }
      if let thread = item.thread { texts.append(LintText(ref, .thread, thread)) }
      for (number, recipient) in item.recipients.enumerated() { texts.append(LintText(ref, .recipient(number + 1), recipient)) }
      for (name, value) in item.details { texts.append(LintText(ref, .detail(name), value)) }
      if let entry = item.provenance?.entryPath { texts.append(LintText(ref, .entryPath, entry)) }
      for (number, attachment) in item.record.attachments.enumerated() {
        texts.append(LintText(ref, .attachmentName(number + 1), attachment.fileName))
        texts.append(LintText(ref, .attachmentType(number + 1), attachment.mediaType))
      }
    }
    for step in steps {
      for name in step.details.keys.sorted() {
        texts.append(LintText(caseRecord.ref, .stepDetail(step.ref, name), step.details[name] ?? ""))
      }
    }
    for note in notes ?? [] { texts.append(LintText(note.ref, .text, note.text)) }
    return texts.filter { !$0.text.isEmpty }
  }
}

extension LintText {
  fileprivate init(_ ref: String, _ field: LintField, _ text: String) {
    self.init(LintSource(ref, field), text)
  }
}

/// What the lint let through: warnings to print, and the ids of the findings allowed, as the lint
/// wrote them (never as the user typed them), for the bundle's `<allowed>`.
public struct LintGateResult: Sendable, Equatable {
  public var warnings: [String]
  public var allowedIDs: [String]
}

extension CaseStore {
  /// The user's own phrases for the lint (`casefile config set lint-phrases "a; b"`).
  public func lintPhrases() throws -> [CustomPhrase] {
    let value = try settings()[Setting.lintPhrases.rawValue] ?? ""
    return value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { CustomPhrase($0) }
  }

  /// The languages whose phrase lists the lint uses (`casefile config set lint-languages en,es`).
  public func lintLanguages() throws -> [String] {
    let value = try settings()[Setting.lintLanguages.rawValue] ?? "en"
    return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
  }

  /// The lint with the user's phrases and languages.
  public func confidentialityLint() throws -> ConfidentialityLint {
    try ConfidentialityLint(
      customPhrases: try lintPhrases(), languages: try lintLanguages(), today: CalendarDay.on(clock.now(), in: zone),
      idKey: try lintIDKey())
  }

  /// The store's secret that keys finding ids, made once when the store was created or upgraded.
  func lintIDKey() throws -> Data {
    guard let key = try read({ db in try Data.fetchOne(db, sql: "SELECT value FROM store_secrets WHERE name = 'lint-id'") }),
      key.count >= 16
    else {
      throw CasefileError(.internalError, "the store has no key for lint finding ids")
    }
    return key
  }

  /// Lints what a bundle for `request` would carry, after its redactions, without exporting.
  /// With `listing`, only the first `listing` blocking findings and every allowed one are listed,
  /// the rest counted per rule.
  public func lint(_ request: ExportRequest, listing: Int? = nil) throws -> ExportLintReport {
    let selection = try request.profile.select(try bundleContent(caseRef: request.caseRef), request: request)
    return try lint(selection, listing: listing)
  }

  /// Lints a selection against the built-in rules and the user's phrases; `listing` as for
  /// ``lint(_:listing:)-(ExportRequest,_)``.
  public func lint(_ selection: BundleSelection, listing: Int? = nil) throws -> ExportLintReport {
    let linter = try confidentialityLint()
    let texts = selection.outgoingTexts
    let all = try linter.lint(texts)
    let allowed = Set(selection.request.allowedFindings.map(ConfidentialityLint.allowKey))
    // Ids and previews are made only for the findings listed: a long message has a million
    // findings. Every id is still compared with the allowances, so any finding can be allowed.
    let isAllowed = all.map { !allowed.isEmpty && allowed.contains(ConfidentialityLint.allowKey($0.id)) }
    var findings: [LintFinding] = []
    var findingAllowed: [Bool] = []
    var unlistedByNumber: [(name: String, count: Int)] = []
    var listedBlocking = 0
    for (index, finding) in all.enumerated() {
      if !isAllowed[index] {
        if let listing, listedBlocking >= listing {
          // Counted by rule number, not by name: a million string hashes would show.
          let number = finding.ruleNumber
          if number >= unlistedByNumber.count { unlistedByNumber += Array(repeating: (finding.ruleID, 0), count: number + 1 - unlistedByNumber.count) }
          if unlistedByNumber[number].count == 0 { unlistedByNumber[number].name = finding.ruleID }
          unlistedByNumber[number].count += 1
          continue
        }
        listedBlocking += 1
      }
      findings.append(finding)
      findingAllowed.append(isAllowed[index])
    }
    var unlisted: [String: Int] = [:]
    for rule in unlistedByNumber where rule.count > 0 { unlisted[rule.name, default: 0] += rule.count }
    // One text's findings come together: its source is spelled once, not once per finding.
    var lastSource: (LintSource, String)? = nil
    func spelled(_ source: LintSource) -> String {
      if let lastSource, lastSource.0 == source { return lastSource.1 }
      let text = source.description
      lastSource = (source, text)
      return text
    }
    return ExportLintReport(
      caseRef: selection.caseRecord.ref, profile: selection.request.profile.rawValue, textsChecked: texts.count,
      findings: zip(findings, findingAllowed).map { finding, allowed in
        .init(
          id: finding.id, rule: finding.ruleID, source: (finding.continuesFrom.map { "\($0) + " } ?? "") + spelled(finding.source),
          explanation: finding.explanation, preview: finding.preview, allowed: allowed)
      },
      unusedAllowances: ConfidentialityLint.unusedAllowances(Set(selection.request.allowedFindings), in: all),
      findingCount: all.count, blockingCount: isAllowed.count { !$0 }, unlistedByRule: unlisted)
  }

  /// The export's gate: for a linted profile, any finding not allowed stops the export with an
  /// explanation that names each finding and never quotes the text around it. An `--allow` id
  /// that names no finding of this export is an error: ids are opaque, so anything else is a typo,
  /// a stale id, or text that must not go into the package.
  public func lintGate(_ selection: BundleSelection) throws -> LintGateResult {
    guard selection.request.profile.isLinted else {
      guard selection.request.allowedFindings.isEmpty else {
        throw CasefileError(.usage, "--allow is for platform and police bundles: an indemnifier bundle is not linted")
      }
      return LintGateResult(warnings: [], allowedIDs: [])
    }
    let report = try lint(selection, listing: 20)
    guard report.unusedAllowances.isEmpty else {
      throw CasefileError(
        .usage,
        "--allow takes the id of a finding of this export, as 'casefile lint' lists it (such as L3-0a1b2c3d4e); \(report.unusedAllowances.count) given match none")
    }
    let blocking = report.blocking
    let blockingCount = report.blockingCount
    guard blockingCount == 0 else {
      let lines = blocking.prefix(20).map { "  \($0.id) in \($0.source): \($0.explanation) (\($0.preview))" }.joined(separator: "\n")
      throw CasefileError(
        .lintFindings,
        """
        the \(selection.request.profile.rawValue) bundle would carry \(blockingCount) text(s) that may reveal a patient relationship or identify someone:
        \(lines)\(blockingCount > 20 ? "\n  … and \(blockingCount - 20) more ('casefile lint' lists them all)" : "")
        Redact them with --redact REGEX, leave an item out with --exclude-item, or allow a finding you have checked with --allow ID.
        """)
    }
    let allowed = report.findings.filter(\.allowed)
    return LintGateResult(warnings: allowed.map { "allowed lint finding \($0.id)" }, allowedIDs: allowed.map(\.id).sorted())
  }
}

extension CasefileError.Code {
  /// The lint found wording that could reveal a patient relationship: the export stopped.
  public static let lintFindings = CasefileError.Code("lint-findings", .badData)
}
