/// What the doctor records for one rung of the ladder.
public enum StepInput: Sendable, Equatable {
  /// The decision not to reply.
  case ignore(decision: String)
  /// Blocking, muting or unfollowing accounts. Actors are `A-3`, `platform:handle` or a handle
  /// that is unique in the case; none means every author in the case.
  case block(actors: [String], platform: Platform?, action: BlockAction)
  /// A report to the platform. Without a platform, the case's single platform is used.
  case report(platform: Platform?, reference: String?, policy: String?, channel: ReportChannel)
  /// Advice from the indemnifier. Without an organisation, the profile's indemnifier is used.
  case indemnifier(organisation: String?, reference: String?, spokeTo: String?, advice: String?)
  /// A report to the police.
  case police(force: String, incident: String?)

  public var step: Ladder.Step {
    switch self {
    case .ignore: .ignore
    case .block: .block
    case .report: .report
    case .indemnifier: .indemnifier
    case .police: .police
    }
  }
}
