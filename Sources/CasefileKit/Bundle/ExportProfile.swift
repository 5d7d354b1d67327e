import Foundation

/// Who a bundle is for, and therefore what it may carry. Every rule about what leaves the machine
/// for whom is in this file.
///
/// - **platform**: a trust-and-safety team. Only the abusive items of one platform (never the
///   doctor's own messages), their authors, URLs, times and attachments, and the report steps to
///   that platform. No private note, no patient flag, no thread, recipient or detail (they can
///   name other people), no import path (a folder name can be a person's name), no indemnifier or
///   membership details, no registration number; the doctor's name only when asked
///   (`--identify`).
/// - **police**: the evidence, the steps and the doctor's details. Private notes, the patient flag
///   and confidential steps (the indemnifier's advice) only with `--include-confidential`.
/// - **indemnifier**: the whole case file, raw fragments of imported items included.
public enum ExportProfile: String, Vocabulary {
  case platform, indemnifier, police
  public static let noun = "export profile"

  /// Whether the outgoing texts are linted for patient-revealing wording before export.
  public var isLinted: Bool { self != .indemnifier }

  /// Whether attachments leave only as copies cleaned of metadata, so that one casefile cannot
  /// clean (a PDF, a video, a malformed image) stops the export until the item is left out. The
  /// indemnifier gets the originals: it holds the whole case file, and the originals are the
  /// evidence.
  public var cleansAttachments: Bool { self != .indemnifier }
}

/// What the doctor asked for, beyond the profile.
public struct ExportRequest: Sendable {
  public var caseRef: String
  public var profile: ExportProfile
  /// For the platform profile: the platform the bundle goes to. Needed when the case spans more
  /// than one platform.
  public var platform: Platform?
  /// Name the doctor in a platform bundle.
  public var identify: Bool
  /// Put notes, patient flags and confidential steps into a police bundle.
  public var includeConfidential: Bool
  /// Items left out, as `E-n`.
  public var excludedItems: [String]
  /// Regular expressions whose matches are replaced with `[redacted]` in outgoing texts.
  public var redactions: [String]
  /// Lint findings that may go out anyway, by id.
  public var allowedFindings: [String]

  public init(
    caseRef: String, profile: ExportProfile, platform: Platform? = nil, identify: Bool = false,
    includeConfidential: Bool = false, excludedItems: [String] = [], redactions: [String] = [],
    allowedFindings: [String] = []
  ) {
    self.caseRef = caseRef
    self.profile = profile
    self.platform = platform
    self.identify = identify
    self.includeConfidential = includeConfidential
    self.excludedItems = excludedItems
    self.redactions = redactions
    self.allowedFindings = allowedFindings
  }
}

/// The part of a case that goes into one bundle, after the profile's rules, exclusions and
/// redactions: exactly what the XML will hold.
public struct BundleSelection: Sendable {
  public struct Text: Sendable, Equatable {
    public var value: String
    public var redacted: Bool
    /// SHA-256 of the original text's UTF-8, when it was redacted and the profile records it.
    public var originalSha256: String?
  }

  public struct Item: Sendable {
    public var record: EvidenceItem
    public var text: Text?
    public var thread: String?
    public var direction: String?
    public var recipients: [String]
    public var platformMessageID: String?
    public var details: [(name: String, value: String)]
    /// nil for a manual item.
    public var provenance: Provenance?
  }

  public struct Provenance: Sendable {
    public var format: String
    public var archiveSha256: String?
    public var entryPath: String?
    public var fragmentSha256: String
    /// The raw fragment itself: indemnifier only.
    public var fragment: Data?
  }

  public struct Sender: Sendable {
    public var name: String?
    public var registrationNumber: String?
    public var contact: String?
    public var indemnifier: (organisation: String, membershipNumber: String?, contact: String?)?
  }

  public var request: ExportRequest
  public var caseRecord: CaseRecord
  public var sender: Sender
  public var actors: [ActorRecord]
  /// Whether each actor's patient flag goes out.
  public var patientFlags: Bool
  public var items: [Item]
  public var steps: [StepRecord]
  public var notes: [NoteRecord]?
  public var auditHead: String
  /// Items of the case left out on request, by reference.
  public var excluded: [String]
  public var identified: Bool
  public var confidentialIncluded: Bool
}

extension ExportProfile {
  /// Applies the profile's rules, the exclusions and the redactions to a case.
  public func select(_ content: BundleContent, request: ExportRequest) throws -> BundleSelection {
    let known = Set(content.items.map(\.record.ref))
    var excluded: [String] = []
    for reference in request.excludedItems {
      let ref = try Refs.make(.evidence, Refs.parse(reference, .evidence))
      guard known.contains(ref) else {
        throw CasefileError(.usage, "\(content.caseRecord.ref) has no item \(ref) to exclude")
      }
      if !excluded.contains(ref) { excluded.append(ref) }
    }
    let redactor = try Redactor(patterns: request.redactions)
    /// A message's text as it goes out: redacted, and marked so (with the original's digest in the
    /// indemnifier's copy).
    func outgoing(_ text: String?) -> BundleSelection.Text? {
      guard let text else { return nil }
      let result = redactor.redact(text)
      return .init(
        value: result.text, redacted: result.changed,
        originalSha256: result.changed && self == .indemnifier ? Digest.sha256Hex(Data(text.utf8)) : nil)
    }
    /// Any other free text as it goes out.
    func plain(_ text: String) -> String { redactor.redact(text).text }

    var items = content.items.filter { !excluded.contains($0.record.ref) }
    var platformSteps = content.steps
    if self == .platform {
      // The doctor's own messages are not abuse, and can hold what a patient told them.
      items = items.filter { $0.direction != Direction.sent.rawValue && $0.direction != Direction.unsent.rawValue }
      let platforms = Set(items.map(\.record.platform))
      let platform: Platform
      if let chosen = request.platform {
        platform = chosen
      } else if platforms.count == 1, let only = platforms.first {
        platform = only
      } else {
        throw CasefileError(
          .usage,
          platforms.isEmpty
            ? "\(content.caseRecord.ref) has no item to send to a platform"
            : "\(content.caseRecord.ref) has items on \(platforms.map(\.rawValue).sorted().joined(separator: ", ")); say which platform the bundle is for with --platform")
      }
      items = items.filter { $0.record.platform == platform }
      guard !items.isEmpty else {
        throw CasefileError(.usage, "\(content.caseRecord.ref) has no item on \(platform.rawValue) to send")
      }
      // Only the report steps to that platform, and nothing retracted.
      platformSteps = content.steps.filter { step in
        step.kind == Ladder.Step.report.rawValue && step.retractedBy == nil && step.details["platform"] == platform.rawValue
      }
    }

    let confidential = self == .indemnifier || (self == .police && request.includeConfidential)
    let steps = (self == .platform ? platformSteps : content.steps.filter { confidential || $0.confidentiality == .shareable })
      .map { step -> StepRecord in
        var step = step
        step.details = step.details.mapValues(plain)
        return step
      }
    let authors = Set(items.compactMap(\.record.authorRef))
    let profile = content.profile
    var sender = BundleSelection.Sender()
    switch self {
    case .platform:
      sender.name = request.identify ? profile.name : nil
    case .police:
      sender.name = profile.name
      sender.registrationNumber = profile.registrationNumber
      sender.contact = profile.contact
    case .indemnifier:
      sender.name = profile.name
      sender.registrationNumber = profile.registrationNumber
      sender.contact = profile.contact
      if let organisation = profile.indemnifier {
        sender.indemnifier = (organisation, profile.membershipNumber, profile.indemnifierContact)
      }
    }

    var caseRecord = content.caseRecord
    caseRecord.title = plain(caseRecord.title)
    return BundleSelection(
      request: request, caseRecord: caseRecord, sender: sender,
      actors: content.actors.filter { authors.contains($0.ref) }, patientFlags: confidential,
      items: items.map { item in
        let full = self != .platform
        return BundleSelection.Item(
          record: item.record, text: outgoing(item.record.text), thread: full ? item.thread.map(plain) : nil,
          direction: item.direction, recipients: full ? item.recipients.map(plain) : [],
          platformMessageID: item.platformMessageID, details: full ? item.details.map { ($0.name, plain($0.value)) } : [],
          provenance: item.provenance.map { source in
            BundleSelection.Provenance(
              format: source.format, archiveSha256: full ? source.archiveSha256 : nil, entryPath: full ? source.entryPath : nil,
              fragmentSha256: source.fragmentSha256, fragment: self == .indemnifier ? source.fragment : nil)
          })
      },
      steps: steps,
      notes: confidential ? content.notes.map { note in
        var note = note
        note.text = plain(note.text)
        return note
      } : nil, auditHead: content.auditHead, excluded: excluded,
      identified: sender.name != nil, confidentialIncluded: confidential)
  }
}
