import Foundation

/// Marks what must never leave the doctor's machine for a platform.
///
/// Exports decide what to include by this flag, never by table or field names.
public enum Confidentiality: String, Sendable, Codable {
  /// Shareable with a platform, the indemnifier and the police.
  case shareable
  /// Private to the doctor (and the indemnifier's case file): patient flags, private notes,
  /// indemnifier advice.
  case confidential
}

/// The doctor's own details, needed for the indemnifier's case file.
public struct Profile: Sendable, Equatable, Codable {
  public var name: String?
  public var registrationNumber: String?
  public var indemnifier: String?
  public var membershipNumber: String?
  public var indemnifierContact: String?
  /// How to reach the doctor (a phone number, an email address): for the police.
  public var contact: String?
  /// The doctor's own accounts: their messages are sent, never abuse, and stay out of platform and
  /// police packages.
  public var accounts: [OwnAccount]
  public var updatedAt: String?

  public init(
    name: String? = nil, registrationNumber: String? = nil, indemnifier: String? = nil,
    membershipNumber: String? = nil, indemnifierContact: String? = nil, contact: String? = nil,
    accounts: [OwnAccount] = [], updatedAt: String? = nil
  ) {
    self.name = name
    self.registrationNumber = registrationNumber
    self.indemnifier = indemnifier
    self.membershipNumber = membershipNumber
    self.indemnifierContact = indemnifierContact
    self.contact = contact
    self.accounts = accounts
    self.updatedAt = updatedAt
  }
}

/// One of the doctor's own accounts on a platform: a handle, number or display name, compared as
/// actors are.
public struct OwnAccount: Sendable, Equatable, Hashable, Codable {
  public var platform: Platform
  public var name: String

  public init(platform: Platform, name: String) {
    self.platform = platform
    self.name = name
  }

  /// Reads `platform:name`, as `profile set --account` takes it.
  public static func parse(_ text: String) throws -> OwnAccount {
    guard let colon = text.firstIndex(of: ":") else {
      throw CasefileError(.badValue, "'\(text)' is not an account like facebook:\"Dr Example Clinician\"")
    }
    let platform = try Platform.parse(String(text[..<colon]).trimmingCharacters(in: .whitespaces))
    let name = String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespacesAndNewlines)
    guard !name.isEmpty, !name.contains(where: { $0.isNewline || $0 == "\t" }) else {
      throw CasefileError(.badValue, "an account needs a name on one line after the platform, like facebook:\"Dr Example Clinician\"")
    }
    return OwnAccount(platform: platform, name: name)
  }

  public var description: String { "\(platform.rawValue):\(name)" }

  /// Whether an author is this account: its handle or display name, compared as actors are.
  func matches(platform: Platform, handle: String, displayName: String?) -> Bool {
    guard platform == self.platform else { return false }
    let key = CaseStore.handleKey(name, platform: platform)
    return CaseStore.handleKey(handle, platform: platform) == key
      || displayName.map { CaseStore.handleKey($0, platform: platform) == key } == true
  }
}

/// One case, as listed.
public struct CaseRecord: Sendable, Equatable, Codable {
  public var ref: String
  public var title: String
  public var category: CaseCategory
  public var severity: Severity
  public var status: CaseStatus
  public var openedAt: String
  public var closedAt: String?
}

/// A row of `case list`: the case plus counts and its next step.
public struct CaseSummary: Sendable, Equatable, Codable {
  public var `case`: CaseRecord
  public var evidenceCount: Int
  public var lastActivity: String
  public var nextStep: String?
}

/// Someone who sent abuse, on one platform.
public struct ActorRecord: Sendable, Equatable, Codable {
  public var ref: String
  public var platform: Platform
  public var handle: String
  public var displayName: String?
  public var profileUrl: String?
  public var platformUserId: String?
  /// Whether the doctor marked this person as being, or possibly being, a patient. Confidential.
  public var patientFlag: Bool
  public var createdAt: String

  /// The patient flag is confidential; the rest of an actor is shareable.
  public static let patientFlagConfidentiality = Confidentiality.confidential
}

/// The handle and optional details of a message's author, as typed by the doctor.
public struct ActorInput: Sendable, Equatable {
  public var handle: String
  public var displayName: String?
  public var profileURL: String?
  public var platformUserID: String?

  public init(handle: String, displayName: String? = nil, profileURL: String? = nil, platformUserID: String? = nil) {
    self.handle = handle
    self.displayName = displayName
    self.profileURL = profileURL
    self.platformUserID = platformUserID
  }
}

/// A file attached to an evidence item, kept in the blob store.
public struct AttachmentRecord: Sendable, Equatable, Codable {
  public var fileName: String
  public var mediaType: String
  public var size: Int64
  public var sha256: String
}

/// One abusive message kept as evidence.
public struct EvidenceItem: Sendable, Equatable, Codable {
  public var ref: String
  public var caseRef: String
  public var platform: Platform
  public var kind: ItemKind
  public var authorRef: String?
  public var authorHandle: String?
  /// When it was sent, UTC.
  public var occurredAt: String
  /// The time exactly as given, and the zone it was read in.
  public var occurredAtText: String
  public var occurredZone: String
  public var zoneSource: OccurredAt.ZoneSource
  public var url: String?
  public var text: String?
  /// When it entered the store, UTC, and how.
  public var capturedAt: String
  public var captureMethod: CaptureMethod
  public var attachments: [AttachmentRecord]
}

/// What the doctor types to log one message.
public struct ItemDraft: Sendable {
  public var caseRef: String
  public var platform: Platform
  public var kind: ItemKind
  public var author: ActorInput?
  public var occurredAt: OccurredAt
  public var url: String?
  public var text: String?
  public var attachments: [URL]

  public init(
    caseRef: String, platform: Platform, kind: ItemKind, author: ActorInput?, occurredAt: OccurredAt,
    url: String? = nil, text: String? = nil, attachments: [URL] = []
  ) {
    self.caseRef = caseRef
    self.platform = platform
    self.kind = kind
    self.author = author
    self.occurredAt = occurredAt
    self.url = url
    self.text = text
    self.attachments = attachments
  }
}

/// A private note on a case. Always confidential.
public struct NoteRecord: Sendable, Equatable, Codable {
  public var ref: String
  public var text: String
  public var createdAt: String
  public var confidentiality: Confidentiality
}

/// One event on the escalation ladder: a step, a report outcome or a retraction.
public struct StepRecord: Sendable, Equatable, Codable {
  public var ref: String
  /// `ignore`, `block`, `report`, `indemnifier`, `police`, `outcome` or `retraction`.
  public var kind: String
  /// The day it happened, as the doctor stated it.
  public var on: CalendarDay
  /// The step's fields, such as `platform`, `reference` or `advice`.
  public var details: [String: String]
  /// The step that an outcome or a retraction is about.
  public var refersTo: String?
  public var confidentiality: Confidentiality
  public var recordedAt: String
  /// The retraction that withdrew this event, if any.
  public var retractedBy: String?
}

/// Everything `case show` prints.
public struct CaseDetail: Sendable, Equatable, Codable {
  public var `case`: CaseRecord
  public var actors: [ActorRecord]
  public var evidence: [EvidenceItem]
  public var timeline: [StepRecord]
  public var notes: [NoteRecord]
  public var recommendation: Recommendation
}

/// A shortened view of an evidence item, for command output that must not print message bodies.
public struct LoggedItem: Sendable, Equatable, Codable {
  public var ref: String
  public var caseRef: String
  public var authorRef: String?
  public var occurredAt: String
  public var attachments: [AttachmentRecord]

  public init(ref: String, caseRef: String, authorRef: String?, occurredAt: String, attachments: [AttachmentRecord]) {
    self.ref = ref
    self.caseRef = caseRef
    self.authorRef = authorRef
    self.occurredAt = occurredAt
    self.attachments = attachments
  }
}
