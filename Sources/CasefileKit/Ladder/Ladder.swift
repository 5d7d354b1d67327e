/// The escalation ladder: its steps, the order in which they are recommended, what may follow
/// what, and the guidance that goes with each step. Everything about the ladder lives here.
///
/// The guidance follows the professional advice given to doctors who are abused online: do not
/// reply; never confirm or hint that someone is a patient; keep every piece of evidence; block,
/// then report under the platform's policy; contact the indemnifier before any response, and at
/// once for threats; go to the police for threats to safety or doxxing.
public enum Ladder {
  /// A rung of the ladder.
  public enum Step: String, Vocabulary {
    case ignore, block, report, indemnifier, police
    public static let noun = "step"

    /// A short imperative title.
    public var title: String {
      switch self {
      case .ignore: "Do not reply"
      case .block: "Block, mute or unfollow the account"
      case .report: "Report it to the platform"
      case .indemnifier: "Contact your indemnifier"
      case .police: "Report it to the police"
      }
    }

    /// What the doctor should know before taking this step.
    public var guidance: String {
      switch self {
      case .ignore:
        """
        Do not answer, publicly or privately, however unfair the message is. A reply, even a \
        polite one, can confirm that you know the sender and can feed the abuse. Never reply to a \
        review. Record your decision here, and keep every message: do not delete anything.
        """
      case .block:
        """
        Take screenshots or save the messages first, then block the account (or mute or unfollow \
        it where blocking would hide evidence you still need). Record which accounts, on which \
        platform, and what you did.
        """
      case .report:
        """
        Report the content through the platform's own channel, citing the policy it breaks \
        (harassment, threats, private information, impersonation, hateful conduct). Keep the \
        report reference or ticket number and record it here. Describe only the content: never \
        say or imply that the sender is, or was, your patient.
        """
      case .indemnifier:
        """
        Call or write to your indemnifier (medical defence organisation) for advice before you \
        respond in any way. Tell them about threats at once. Note who you spoke to, their case \
        reference and the advice given; the advice stays confidential.
        """
      case .police:
        """
        Threats to your safety or that of others, and the publishing of your private details, are \
        matters for the police. Call the emergency number if anyone is in immediate danger. Record \
        the force or station and the incident number.
        """
      }
    }

    /// Whether what this step records is confidential (the indemnifier's advice is privileged).
    public var confidentiality: Confidentiality {
      self == .indemnifier ? .confidential : .shareable
    }
  }

  /// The rules that hold whatever the case: shown with every recommendation.
  public static let standingAdvice: [String] = [
    "Do not reply, publicly or privately.",
    "Never confirm or hint that anyone is, or was, your patient.",
    "Keep every piece of evidence; delete nothing.",
    "Block, then report under the platform's own policy.",
    "Contact your indemnifier before any response, and at once for threats.",
    "Go to the police for threats to safety or doxxing.",
  ]

  /// The order in which the steps are recommended for a case.
  ///
  /// Threats and doxxing bring the police in and move the indemnifier forward: safety first.
  public static func sequence(for category: CaseCategory) -> [Step] {
    category.threatensSafety
      ? [.ignore, .police, .indemnifier, .block, .report]
      : [.ignore, .block, .report, .indemnifier]
  }

  /// Recommends what to do next, from the case's live (unretracted) events.
  public static func recommend(
    category: CaseCategory, status: CaseStatus, events: [StepRecord]
  ) -> Recommendation {
    guard status == .open else {
      return Recommendation(
        kind: .closed, step: nil, title: "The case is closed",
        guidance: "Keep the store and its backups. Reopen the case if the abuse starts again.",
        urgent: false, standingAdvice: standingAdvice)
    }
    let live = events.filter { $0.retractedBy == nil }
    let taken = Set(live.compactMap { Step(rawValue: $0.kind) })
    let urgent = category.threatensSafety
    if let next = sequence(for: category).first(where: { !taken.contains($0) }) {
      return Recommendation(
        kind: .step, step: next, title: next.title, guidance: next.guidance,
        urgent: urgent && (next == .police || next == .indemnifier), standingAdvice: standingAdvice)
    }
    let reports = live.filter { $0.kind == Step.report.rawValue }
    let latestOutcomes = reports.map { latestOutcome(of: $0.ref, in: live) }
    if reports.contains(where: { platformRefused($0, in: live) }) {
      return Recommendation(
        kind: .escalate, step: .indemnifier, title: "The platform did not act",
        guidance: """
          Tell your indemnifier what the platform answered, and record it with 'casefile step \
          indemnifier'. Ask the platform to review its decision if it offers an appeal, and record \
          the appeal with 'casefile outcome appealed'.
          """,
        urgent: urgent, standingAdvice: standingAdvice)
    }
    if latestOutcomes.contains(where: { $0 == nil || !$0!.isFinal }) {
      return Recommendation(
        kind: .awaitOutcome, step: nil, title: "Wait for the platform's answer",
        guidance: "Record what the platform replies with 'casefile outcome'. 'casefile due' lists reports left unanswered.",
        urgent: false, standingAdvice: standingAdvice)
    }
    return Recommendation(
      kind: .done, step: nil, title: "Every step has been taken",
      guidance: "Keep the evidence. Close the case when the matter is over; reopen it if the abuse returns.",
      urgent: false, standingAdvice: standingAdvice)
  }

  /// Whether the platform's last word on a report was a refusal (no violation found, or an appeal
  /// rejected) that the indemnifier has not been told about since.
  static func platformRefused(_ report: StepRecord, in live: [StepRecord]) -> Bool {
    guard
      let refusal = live.lastIndex(where: {
        $0.kind == "outcome" && $0.refersTo == report.ref
      }),
      let outcome = live[refusal].details["outcome"].flatMap(ReportOutcome.init(rawValue:)),
      outcome == .noViolationFound || outcome == .appealRejected
    else { return false }
    return !live[(refusal + 1)...].contains { $0.kind == Step.indemnifier.rawValue }
  }

  /// The newest live outcome recorded against a report step.
  public static func latestOutcome(of reportRef: String, in events: [StepRecord]) -> ReportOutcome? {
    events.last { $0.kind == "outcome" && $0.refersTo == reportRef && $0.retractedBy == nil }
      .flatMap { $0.details["outcome"].flatMap(ReportOutcome.init(rawValue:)) }
  }

  // MARK: - What may follow what

  /// Checks that a new ladder step may be recorded on a case.
  static func checkStep(_ step: Step, status: CaseStatus, caseRef: String) throws {
    guard status == .open else {
      throw CasefileError(.notAllowed, "\(caseRef) is closed; reopen it before recording the \(step.rawValue) step")
    }
  }

  /// Checks that an outcome may follow what is already recorded against its report.
  static func checkOutcome(
    _ outcome: ReportOutcome, report: StepRecord, on day: CalendarDay, events: [StepRecord],
    status: CaseStatus, caseRef: String
  ) throws {
    guard status == .open else {
      throw CasefileError(.notAllowed, "\(caseRef) is closed; reopen it before recording an outcome")
    }
    guard report.kind == Step.report.rawValue else {
      throw CasefileError(.notAllowed, "\(report.ref) is a \(report.kind) step; outcomes belong to report steps")
    }
    guard report.retractedBy == nil else {
      throw CasefileError(.notAllowed, "\(report.ref) was retracted; outcomes cannot be recorded against it")
    }
    guard day >= report.on else {
      throw CasefileError(.badTime, "the outcome date \(day) is before the report date \(report.on)")
    }
    let previous = events.filter { $0.kind == "outcome" && $0.refersTo == report.ref && $0.retractedBy == nil }
      .compactMap { $0.details["outcome"].flatMap(ReportOutcome.init(rawValue:)) }
    switch outcome {
    case .appealed:
      guard previous.contains(where: { $0 == .noViolationFound || $0 == .removed || $0 == .accountSuspended || $0 == .appealRejected }) else {
        throw CasefileError(.notAllowed, "an appeal follows a decision; record the platform's decision on \(report.ref) first")
      }
    case .appealUpheld, .appealRejected:
      guard previous.last == .appealed else {
        throw CasefileError(.notAllowed, "record 'appealed' on \(report.ref) before the appeal's result")
      }
    case .pending, .removed, .accountSuspended, .noViolationFound:
      break
    }
  }

  /// Checks that an event may be retracted.
  static func checkRetraction(_ target: StepRecord, caseRef: String) throws {
    guard target.kind != "retraction" else {
      throw CasefileError(.notAllowed, "\(target.ref) is itself a retraction; record the step again instead")
    }
    guard target.retractedBy == nil else {
      throw CasefileError(.notAllowed, "\(target.ref) was already retracted by \(target.retractedBy!)")
    }
  }
}

/// What the doctor should do next on a case.
public struct Recommendation: Sendable, Equatable, Codable {
  public enum Kind: String, Sendable, Codable {
    /// Take ``step``.
    case step
    /// The platform has not given a final answer yet.
    case awaitOutcome = "await-outcome"
    /// The platform did not act: appeal and tell the indemnifier.
    case escalate
    /// Every step has been taken.
    case done
    case closed
  }

  public var kind: Kind
  public var step: Ladder.Step?
  public var title: String
  public var guidance: String
  /// Set for threats and doxxing: do it now.
  public var urgent: Bool
  public var standingAdvice: [String]
}
