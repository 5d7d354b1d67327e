import Foundation

/// The policy area a case most likely breaches, and what each platform calls it in its rules and
/// report forms. One table for every platform.
public enum PolicyArea: String, Sendable, CaseIterable {
  case harassment, violentThreats, privateInformation, impersonation, hatefulConduct

  /// The area for a case's category.
  public init(_ category: CaseCategory) {
    switch category {
    case .threat: self = .violentThreats
    case .doxxing: self = .privateInformation
    case .impersonation: self = .impersonation
    case .hatefulConduct: self = .hatefulConduct
    case .harassment, .sexualHarassment, .defamation, .falseReview, .other: self = .harassment
    }
  }

  /// What the platform calls this area; a plain name for platforms not in the table.
  public func name(on platform: Platform) -> String {
    switch (platform, self) {
    case (.x, .harassment): "Abuse and harassment"
    case (.x, .violentThreats): "Violent speech"
    case (.x, .privateInformation): "Private information and media"
    case (.x, .impersonation): "Misleading and deceptive identities"
    case (.x, .hatefulConduct): "Hateful conduct"
    case (.facebook, .harassment), (.instagram, .harassment): "Bullying and harassment"
    case (.facebook, .violentThreats), (.instagram, .violentThreats): "Violence and incitement"
    case (.facebook, .privateInformation), (.instagram, .privateInformation): "Privacy violations"
    case (.facebook, .impersonation), (.instagram, .impersonation): "Account integrity and authentic identity"
    case (.facebook, .hatefulConduct), (.instagram, .hatefulConduct): "Hateful conduct"
    case (.youtube, .harassment): "Harassment and cyberbullying"
    case (.youtube, .violentThreats): "Violent or dangerous content"
    case (.youtube, .privateInformation): "Privacy"
    case (.youtube, .impersonation): "Impersonation"
    case (.youtube, .hatefulConduct): "Hate speech"
    case (.tiktok, .harassment): "Harassment and bullying"
    case (.tiktok, .violentThreats): "Violent behaviors and criminal activities"
    case (.tiktok, .privateInformation): "Personal information"
    case (.tiktok, .impersonation): "Impersonation"
    case (.tiktok, .hatefulConduct): "Hate speech and hateful behaviors"
    case (.linkedin, .harassment): "Harassment"
    case (.linkedin, .violentThreats): "Violent threats"
    case (.linkedin, .privateInformation): "Private information"
    case (.linkedin, .impersonation): "Fake profiles and impersonation"
    case (.linkedin, .hatefulConduct): "Hateful speech"
    case (.googleReviews, .harassment): "Harassment"
    case (.googleReviews, .violentThreats): "Dangerous content and threats"
    case (.googleReviews, .privateInformation): "Personal information"
    case (.googleReviews, .impersonation): "Impersonation"
    case (.googleReviews, .hatefulConduct): "Hate speech"
    case (_, .harassment): "Harassment and bullying"
    case (_, .violentThreats): "Violent threats"
    case (_, .privateInformation): "Sharing private information"
    case (_, .impersonation): "Impersonation"
    case (_, .hatefulConduct): "Hateful conduct"
    }
  }
}

extension CaseStore {
  /// Text to paste into a platform's report form: the policy area, and the items by time, link
  /// and author. It carries no message text, nothing about the doctor, and it must pass the
  /// confidentiality lint like a platform bundle.
  public func draftReport(caseRef: String, platform: Platform) throws -> String {
    let request = ExportRequest(caseRef: caseRef, profile: .platform, platform: platform)
    let selection = try ExportProfile.platform.select(try bundleContent(caseRef: caseRef), request: request)
    let area = PolicyArea(selection.caseRecord.category)
    let handles = Dictionary(uniqueKeysWithValues: selection.actors.map { ($0.ref, $0.handle) })
    var lines = [
      "Policy: \(area.name(on: platform))",
      "",
      "I am reporting \(selection.items.count == 1 ? "a message" : "\(selection.items.count) messages") sent to me on \(platform.rawValue) that break your \(area.name(on: platform)) policy.",
    ]
    let authors = Set(selection.items.compactMap(\.record.authorRef)).sorted().compactMap { handles[$0] }
    if !authors.isEmpty { lines.append("Account\(authors.count == 1 ? "" : "s") responsible: \(authors.joined(separator: ", "))") }
    lines.append("")
    for item in selection.items {
      var line = "- \(Self.minute(item.record.occurredAt)) UTC, \(item.record.kind.rawValue)"
      if let author = item.record.authorRef.flatMap({ handles[$0] }) { line += " from \(author)" }
      if let url = item.record.url {
        line += ": \(url)"
      } else if let id = item.platformMessageID {
        line += " (message id \(id))"
      }
      lines.append(line)
    }
    if let earlier = selection.steps.last(where: { $0.details["reference"] != nil }), let reference = earlier.details["reference"] {
      lines += ["", "An earlier report of mine has the reference \(reference)."]
    }
    lines += ["", "I have kept the original messages and screenshots and can send a signed evidence file if you need it."]
    // What the draft takes from the case (handles, links, ids, the reference) is linted; its own
    // wording and its times are casefile's.
    var pieces = authors + selection.items.compactMap(\.record.url) + selection.items.compactMap(\.platformMessageID)
    pieces += selection.steps.compactMap { $0.details["reference"] }
    try Self.lintDraft(pieces, linter: try confidentialityLint())
    return lines.joined(separator: "\n")
  }

  /// The request for advice to the indemnifier: membership, a chronology, risk flags, what was
  /// done (and that nothing was replied to, or what was), and the bundle with its fingerprint.
  public func draftIndemnifier(caseRef: String, bundle: (file: String, fingerprint: String)?) throws -> String {
    let content = try bundleContent(caseRef: caseRef)
    let record = content.caseRecord
    let profile = content.profile
    var lines = ["Request for advice: \(record.title) (\(record.ref))", ""]
    lines.append("Member: \(profile.name ?? "(name not set: casefile profile set --name)")")
    lines.append("Membership number: \(profile.membershipNumber ?? "(not set: casefile profile set --membership-number)")")
    if let registration = profile.registrationNumber { lines.append("Registration number: \(registration)") }
    lines.append("")

    var flags: [String] = []
    if record.category == .threat || content.steps.contains(where: { $0.kind == Ladder.Step.police.rawValue }) {
      flags.append("threat: messages that threaten harm")
    }
    if record.category == .doxxing { flags.append("doxxing: personal information shared") }
    if record.category == .sexualHarassment { flags.append("sexual content") }
    let own = content.ownItems
    let received = content.items.filter { !own.contains($0.record.ref) }
    let authors = Set(received.compactMap(\.record.authorRef))
    if authors.count >= 3 { flags.append("pile-on: \(authors.count) different accounts") }
    lines.append("Risk flags: " + (flags.isEmpty ? "none recorded" : flags.joined(separator: "; ")))
    lines.append("")

    lines.append("Chronology (UTC):")
    // Steps have a day, messages a time: a day's steps come before its messages.
    var events: [(key: String, when: String, what: String)] = received.map { item in
      let author = item.record.authorHandle.map { " from \($0)" } ?? ""
      return (
        item.record.occurredAt, Self.minute(item.record.occurredAt),
        "\(item.record.platform.rawValue) \(item.record.kind.rawValue)\(author) (\(item.record.ref))"
      )
    }
    for step in content.steps where step.retractedBy == nil && step.kind != "retraction" {
      let what = step.kind == "outcome" ? "report outcome: \(step.details["outcome"] ?? "")" : "step: \(step.kind)"
      events.append((step.on.description, step.on.description, what + (step.details["platform"].map { " (\($0))" } ?? "")))
    }
    for event in events.sorted(by: { $0.key < $1.key }) {
      lines.append("- \(event.when): \(event.what)")
    }
    lines.append("")

    let done = Set(content.steps.filter { $0.retractedBy == nil }.map(\.kind))
    lines.append("Done so far: " + Ladder.Step.allCases.filter { done.contains($0.rawValue) }.map(\.title).joined(separator: "; "))
    let replies = content.items.filter { own.contains($0.record.ref) && $0.direction != Direction.unsent.rawValue }
    lines.append(
      replies.isEmpty
        ? "I have not replied to any of these messages, publicly or privately."
        : "I sent \(replies.count) message(s) in these conversations; they are in the case file (\(replies.map(\.record.ref).joined(separator: ", "))).")
    lines.append("")
    if let bundle {
      lines.append("The signed case file is \(bundle.file); its signing key's fingerprint is \(bundle.fingerprint).")
    } else {
      lines.append("The signed case file: export it with 'casefile export --case \(record.ref) --for indemnifier --out FILE'.")
    }
    lines.append("Please advise on next steps, including whether to involve the police.")
    return lines.joined(separator: "\n")
  }

  /// `2026-11-20T21:30:05.000Z` as `2026-11-20 21:30`.
  private static func minute(_ utc: String) -> String {
    String(utc.prefix(16)).replacingOccurrences(of: "T", with: " ")
  }

  private static func lintDraft(_ pieces: [String], linter: ConfidentialityLint) throws {
    let findings = pieces.flatMap { linter.lint($0, source: LintSource("draft", .text)) }
    guard findings.isEmpty else {
      throw CasefileError(
        .lintFindings,
        "the draft would carry wording that may reveal a patient relationship: "
          + findings.map { "\($0.ruleID) (\($0.preview))" }.joined(separator: ", ")
          + "; change the case title or the items, or report by hand")
    }
  }
}
