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
/// - **police**: the evidence (never the doctor's own messages), the steps and the doctor's
///   details. Private notes, the patient flag and confidential steps (the indemnifier's advice)
///   only with `--include-confidential`.
/// - **indemnifier**: the whole case file, raw fragments of imported items included.
///
/// The doctor's own messages (sent or unsent, or written by an account of the profile) go into a
/// platform or police bundle only one by one on request (`--include-own`). Platform and police
/// bundles number everything afresh (``PackageNumbering``) and list nothing they leave out.
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
  /// The doctor's own messages that go into a platform or police bundle all the same, as `E-n`
  /// (a reply that is needed as context).
  public var includeOwn: [String] = []

  public init(
    caseRef: String, profile: ExportProfile, platform: Platform? = nil, identify: Bool = false,
    includeConfidential: Bool = false, excludedItems: [String] = [], redactions: [String] = [],
    allowedFindings: [String] = [], includeOwn: [String] = []
  ) {
    self.caseRef = caseRef
    self.profile = profile
    self.platform = platform
    self.identify = identify
    self.includeConfidential = includeConfidential
    self.excludedItems = excludedItems
    self.redactions = redactions
    self.allowedFindings = allowedFindings
    self.includeOwn = includeOwn
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
    /// The thread the item was in, for the lint to read consecutive items together; never
    /// written into a bundle.
    public var threadKey: String? = nil
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
  /// The references the bundle writes: the store's, or numbered afresh within the package.
  public var numbering: PackageNumbering = .store
}

extension BundleContent {
  /// The doctor's own messages, by reference: sent or unsent as stored, or written by one of the
  /// profile's own accounts (one added after the import, which then could not tell).
  public var ownItems: Set<String> {
    let actors = Dictionary(self.actors.map { ($0.ref, $0) }, uniquingKeysWith: { first, _ in first })
    return Set(items.filter { item in
      if item.direction == Direction.sent.rawValue || item.direction == Direction.unsent.rawValue { return true }
      guard let author = item.record.authorRef.flatMap({ actors[$0] }) else { return false }
      return profile.accounts.contains { $0.matches(platform: author.platform, handle: author.handle, displayName: author.displayName) }
    }.map(\.record.ref))
  }
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
    let actorsByRef = Dictionary(content.actors.map { ($0.ref, $0) }, uniquingKeysWith: { first, _ in first })
    let own = content.ownItems
    var includedOwn: Set<String> = []
    for reference in request.includeOwn {
      let ref = try Refs.make(.evidence, Refs.parse(reference, .evidence))
      guard known.contains(ref) else {
        throw CasefileError(.usage, "\(content.caseRecord.ref) has no item \(ref) to include")
      }
      guard own.contains(ref) else {
        throw CasefileError(.usage, "\(ref) is not one of your own messages; --include-own is only for those")
      }
      includedOwn.insert(ref)
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
    if self != .indemnifier {
      // The doctor's own messages are not abuse, and can hold what a patient told them: only
      // those asked for one by one go out.
      items = items.filter { !own.contains($0.record.ref) || includedOwn.contains($0.record.ref) }
    }
    var platformSteps = content.steps
    if self == .platform {
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
    var steps = (self == .platform ? platformSteps : content.steps.filter { confidential || $0.confidentiality == .shareable })
      .map { step -> StepRecord in
        var step = step
        step.details = step.details.mapValues(plain)
        return step
      }
    if self != .indemnifier {
      // An outcome or a retraction of a step that stays behind would point at what is left out:
      // it stays behind too (and so would one about it).
      while true {
        let kept = Set(steps.map(\.ref))
        let next = steps.filter { $0.refersTo.map(kept.contains) ?? true }
        if next.count == steps.count { break }
        steps = next
      }
    }
    let authors = Set(items.compactMap(\.record.authorRef))
    // Actors in the order their first item appears, so that fresh numbers follow the items.
    var authorOrder: [String] = []
    var seen: Set<String> = []
    for author in items.compactMap(\.record.authorRef) where seen.insert(author).inserted { authorOrder.append(author) }
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
    // --redact reaches every field that goes out, not only the texts.
    let chosen = self == .indemnifier
      ? content.actors.filter { authors.contains($0.ref) }
      : authorOrder.compactMap { actorsByRef[$0] }
    let actors = chosen.map { actor -> ActorRecord in
      var actor = actor
      actor.handle = plain(actor.handle)
      actor.displayName = actor.displayName.map(plain)
      actor.profileUrl = actor.profileUrl.map(plain)
      actor.platformUserId = actor.platformUserId.map(plain)
      return actor
    }
    func outgoingRecord(_ record: EvidenceItem) -> EvidenceItem {
      var record = record
      record.url = record.url.map(plain)
      record.occurredAtText = plain(record.occurredAtText)
      record.attachments = record.attachments.map { attachment in
        var attachment = attachment
        attachment.fileName = plain(attachment.fileName)
        return attachment
      }
      return record
    }
    let notes = confidential ? content.notes.map { note in
      var note = note
      note.text = plain(note.text)
      return note
    } : nil
    var selection = BundleSelection(
      request: request, caseRecord: caseRecord, sender: sender,
      actors: actors, patientFlags: confidential,
      items: items.map { item in
        let full = self != .platform
        var selected = BundleSelection.Item(
          record: outgoingRecord(item.record), text: outgoing(item.record.text), thread: full ? item.thread.map(plain) : nil,
          // An own message is marked sent, also where the import could not tell.
          direction: own.contains(item.record.ref) && item.direction != Direction.unsent.rawValue ? Direction.sent.rawValue : item.direction,
          recipients: full ? item.recipients.map(plain) : [],
          platformMessageID: item.platformMessageID.map(plain), details: full ? item.details.map { ($0.name, plain($0.value)) } : [],
          provenance: item.provenance.map { source in
            BundleSelection.Provenance(
              format: source.format, archiveSha256: full ? source.archiveSha256 : nil, entryPath: full ? plain(source.entryPath) : nil,
              fragmentSha256: source.fragmentSha256, fragment: self == .indemnifier ? source.fragment : nil)
          })
        selected.threadKey = "\(item.record.platform.rawValue)/\(item.thread ?? "")"
        return selected
      },
      steps: steps, notes: notes, auditHead: content.auditHead, excluded: excluded,
      identified: sender.name != nil, confidentialIncluded: confidential)
    selection.numbering = self == .indemnifier
      ? .store
      : .fresh(
        actors: actors.map(\.ref), items: items.map(\.record.ref), steps: steps.map(\.ref), notes: (notes ?? []).map(\.ref))
    if self != .indemnifier {
      for index in selection.steps.indices {
        Self.renumberActors(in: &selection.steps[index].details, selection.numbering)
      }
    }
    return selection
  }

  /// A block step names its accounts by actor reference (`actors`, with their `handles` in the
  /// same order): in a package numbered afresh, those the package holds get their package
  /// references, and the others (whose items stay behind) are not named at all.
  static func renumberActors(in details: inout [String: String], _ numbering: PackageNumbering) {
    guard let listed = details["actors"] else { return }
    let actors = listed.split(separator: ",").map(String.init)
    let handles = details["handles"].map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let kept = actors.indices.filter { numbering.ref(actors[$0]) != nil }
    if kept.isEmpty {
      details["actors"] = nil
      details["handles"] = nil
      return
    }
    details["actors"] = kept.compactMap { numbering.ref(actors[$0]) }.joined(separator: ",")
    if kept.count < actors.count {
      // Handles go with their actors; when they cannot be paired, none is named.
      details["handles"] = handles.flatMap { list in list.count == actors.count ? kept.map { list[$0] }.joined(separator: ",") : nil }
    }
  }
}
