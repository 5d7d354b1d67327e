/// A closed list of values that the doctor types on the command line and that the store keeps as text.
public protocol Vocabulary: RawRepresentable, CaseIterable, Sendable, Codable, Hashable
where RawValue == String {
  /// What the value names, for error messages ("category", "platform", ...).
  static var noun: String { get }
}

extension Vocabulary {
  /// Parses a value, or fails with an error that lists every accepted value.
  public static func parse(_ text: String) throws -> Self {
    // What the store holds is the raw value itself: take it without trimming or lowering.
    if let value = Self(rawValue: text) { return value }
    let key = text.trimmingCharacters(in: .whitespaces).lowercased()
    if let value = Self(rawValue: key) { return value }
    let accepted = allCases.map(\.rawValue).joined(separator: ", ")
    throw CasefileError(.badValue, "unknown \(noun) '\(text)'; expected one of: \(accepted)")
  }
}

/// What kind of abuse a case is about.
public enum CaseCategory: String, Vocabulary {
  case harassment
  case threat
  case sexualHarassment = "sexual-harassment"
  case hatefulConduct = "hateful-conduct"
  case defamation
  case falseReview = "false-review"
  case doxxing
  case impersonation
  case other
  public static let noun = "category"

  /// Categories that put someone's safety at risk and bring in the police branch of the ladder.
  public var threatensSafety: Bool { self == .threat || self == .doxxing }
}

/// How serious the doctor judges a case to be.
public enum Severity: String, Vocabulary {
  case low, medium, high, critical
  public static let noun = "severity"
}

/// Where a message was received.
public enum Platform: String, Vocabulary {
  case x, facebook, instagram, tiktok, linkedin, youtube
  case googleReviews = "google-reviews"
  case email, sms, whatsapp, telegram, discord, mastodon, other
  public static let noun = "platform"
}

/// The shape of one abusive item.
public enum ItemKind: String, Vocabulary {
  case dm, comment, reply, post, review, sms, mms, call, voicemail, email
  public static let noun = "kind"
}

/// How an evidence item came into the store.
public enum CaptureMethod: String, Vocabulary {
  case manual
  case `import`
  public static let noun = "capture method"
}

/// Whether a case is still being worked.
public enum CaseStatus: String, Vocabulary {
  case open, closed
  public static let noun = "case status"
}

/// What the doctor did to stop seeing an account.
public enum BlockAction: String, Vocabulary {
  case block, mute, unfollow
  public static let noun = "block action"
}

/// How a report was made to a platform.
public enum ReportChannel: String, Vocabulary {
  case inApp = "in-app"
  case webForm = "web-form"
  case email
  public static let noun = "report channel"
}

/// What came back from a platform report.
public enum ReportOutcome: String, Vocabulary {
  case pending
  case removed
  case accountSuspended = "account-suspended"
  case noViolationFound = "no-violation-found"
  case appealed
  case appealUpheld = "appeal-upheld"
  case appealRejected = "appeal-rejected"
  public static let noun = "outcome"

  /// Whether the platform has given a decision that ends the wait on this report.
  public var isFinal: Bool {
    switch self {
    case .pending, .appealed: false
    case .removed, .accountSuspended, .noViolationFound, .appealUpheld, .appealRejected: true
    }
  }
}
