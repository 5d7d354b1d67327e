import Foundation
import GRDB

/// Which messages of an export to keep. Everything not selected is counted as skipped and stored
/// nowhere: an export holds many ordinary conversations, often with patients.
public struct ImportFilter: Sendable {
  /// Senders to keep (handles, numbers or display names); empty keeps every sender.
  public var from: [String] = []
  /// A thread to keep (a number, a group, a chat); nil keeps all.
  public var thread: String?
  public var since: Date?
  public var until: Date?
  /// A regular expression the text must match.
  public var match: String?

  public init(from: [String] = [], thread: String? = nil, since: Date? = nil, until: Date? = nil, match: String? = nil) {
    self.from = from
    self.thread = thread
    self.since = since
    self.until = until
    self.match = match
  }

  /// The filter made ready to test messages.
  func compiled() throws -> (ImportedMessage) -> Bool {
    let regex = try match.map { pattern in
      do { return try NSRegularExpression(pattern: pattern) } catch {
        throw CasefileError(.badValue, "--match '\(pattern)' is not a regular expression")
      }
    }
    let wanted = from.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    // Handle keys depend on the platform; work out the wanted ones once for each.
    var wantedKeys: [Platform: Set<String>] = [:]
    var threadKeys: [Platform: String] = [:]
    for platform in Platform.allCases {
      wantedKeys[platform] = Set(wanted.map { CaseStore.handleKey($0, platform: platform) })
      threadKeys[platform] = thread.map { CaseStore.handleKey($0, platform: platform) }
    }
    // Whether a handle or display name is one of the wanted senders, remembered per name: an
    // export has millions of messages but only thousands of distinct senders.
    let known = SenderMemo()
    func isWanted(_ name: String, _ platform: Platform) -> Bool {
      let memoKey = SenderMemo.Key(platform: platform, name: name)
      if let answer = known.answers[memoKey] { return answer }
      let answer = wantedKeys[platform]?.contains(CaseStore.handleKey(name, platform: platform)) == true
      if known.answers.count >= SenderMemo.limit { known.answers.removeAll(keepingCapacity: true) }
      known.answers[memoKey] = answer
      return answer
    }
    return { message in
      if !wanted.isEmpty {
        guard let sender = message.sender else { return false }
        guard isWanted(sender.handle, message.platform)
          || sender.displayName.map({ isWanted($0, message.platform) }) == true
        else { return false }
      }
      if let threadKey = threadKeys[message.platform] ?? nil,
        CaseStore.handleKey(message.thread ?? "", platform: message.platform) != threadKey
      {
        return false
      }
      if let since, message.occurredAt.utc < since { return false }
      if let until, message.occurredAt.utc > until { return false }
      if let regex {
        let text = message.text ?? ""
        guard regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil else { return false }
      }
      return true
    }
  }
}

extension CasefileError.Code {
  /// An export that does not say which messages are the doctor's has a thread of several senders,
  /// none known as the doctor's: the import needs `--owner` or an own account in the profile.
  public static let ownerUnknown = CasefileError.Code("owner-unknown", .usage)
}

/// Which messages of an import are the doctor's own: those of the profile's accounts and of the
/// `--owner` names, compared as actors are. It also gathers, for messages whose direction the
/// export does not give, each thread's senders, so that an import of a thread whose owner is
/// unknown can be refused (``check()``).
private final class Ownership {
  private let keys: [Platform: Set<String>]
  private var answers: [SenderMemo.Key: Bool] = [:]
  private struct Thread: Hashable {
    var platform: Platform
    var name: String
  }
  private struct Senders {
    var names: [String] = []
    var keys: Set<String> = []
    var own = false
    var selected = false
  }
  private var threads: [Thread: Senders] = [:]
  private var order: [Thread] = []
  /// Whether the doctor named themselves for this import: then a thread without them simply
  /// holds none of their messages (a chat they never answered).
  private let named: Bool
  /// The `--owner` names, and the keys of the senders found to be the doctor's.
  private let owners: [String]
  private var matched: Set<String> = []

  init(accounts: [OwnAccount], owners: [String]) {
    let owners = owners.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    self.owners = owners
    named = !owners.isEmpty
    var keys: [Platform: Set<String>] = [:]
    for platform in Platform.allCases {
      let names = accounts.filter { $0.platform == platform }.map(\.name) + owners
      keys[platform] = Set(names.map { CaseStore.handleKey($0, platform: platform) })
    }
    self.keys = keys
  }

  private func isOwnName(_ name: String, _ platform: Platform) -> Bool {
    let key = SenderMemo.Key(platform: platform, name: name)
    if let answer = answers[key] { return answer }
    let handleKey = CaseStore.handleKey(name, platform: platform)
    let answer = keys[platform]?.contains(handleKey) == true
    if answer { matched.insert(handleKey) }
    if answers.count >= SenderMemo.limit { answers.removeAll(keepingCapacity: true) }
    answers[key] = answer
    return answer
  }

  func isOwn(_ message: ImportedMessage) -> Bool {
    guard let sender = message.sender, keys[message.platform]?.isEmpty == false else { return false }
    return isOwnName(sender.handle, message.platform) || sender.displayName.map { isOwnName($0, message.platform) } == true
  }

  func note(_ message: ImportedMessage, own: Bool, selected: Bool) {
    guard message.direction == .unknown || own, let sender = message.sender else { return }
    let thread = Thread(platform: message.platform, name: message.thread ?? "")
    // Taken out and put back, so that the set is changed in place rather than copied.
    var senders = threads.removeValue(forKey: thread) ?? Senders()
    if senders.keys.isEmpty { order.append(thread) }
    if own { senders.own = true }
    if selected && !own { senders.selected = true }
    if senders.keys.insert(CaseStore.handleKey(sender.handle, platform: message.platform)).inserted, senders.names.count < 10 {
      let shown = sender.displayName.map { $0 == sender.handle ? sender.handle : "\(sender.handle) (\($0))" }
      senders.names.append(shown ?? sender.handle)
    }
    threads[thread] = senders
  }

  /// The `--owner` names that no sender of the export had: a misspelt name would otherwise
  /// leave the doctor's own messages unmarked, to go out as the abuse.
  var unmatchedOwners: [String] {
    owners.filter { owner in !Platform.allCases.contains { matched.contains(CaseStore.handleKey(owner, platform: $0)) } }
  }

  /// Throws when a thread the import takes from needs its owner named.
  func check() throws {
    guard !named else { return }
    let unknown = order.compactMap { thread in threads[thread].map { (thread, $0) } }
      .filter { $0.1.selected && !$0.1.own && $0.1.keys.count >= 2 }
    guard let (thread, senders) = unknown.first else { return }
    let more = senders.keys.count > senders.names.count ? ", … (\(senders.keys.count) in all)" : ""
    let others = unknown.count > 1 ? " (and \(unknown.count - 1) more thread(s) like it)" : ""
    throw CasefileError(
      .ownerUnknown,
      "the export does not say which messages are yours, and the \(thread.platform.rawValue) thread '\(thread.name)' has "
        + "\(senders.keys.count) senders: \(senders.names.joined(separator: ", "))\(more)\(others). Say which is you with "
        + "--owner NAME, or add your account to the profile: casefile profile set --account \(thread.platform.rawValue):NAME")
  }
}

/// The answers of a compiled filter's sender test, by platform and name as the message gives it.
private final class SenderMemo {
  struct Key: Hashable {
    var platform: Platform
    var name: String
  }
  /// Past this many names the memo starts again, so that memory stays bounded.
  static let limit = 100_000
  var answers: [Key: Bool] = [:]
}

/// Something an import noticed that the doctor should know, such as a lossy HTML parse.
public struct ImportWarning: Sendable, Equatable, Codable {
  public var entry: String?
  public var message: String
  /// The entry's whole raw bytes, when the warning is about a page read lossily; an import keeps
  /// them in the blob store. Never part of the JSON output.
  public var raw: Data?

  public init(entry: String?, message: String, raw: Data? = nil) {
    self.entry = entry
    self.message = message
    self.raw = raw
  }

  enum CodingKeys: String, CodingKey {
    case entry, message
  }
}

/// The export being imported, as provenance records it.
public struct ImportSourceInfo: Sendable {
  public var path: String
  public var kind: String
  /// SHA-256 of the archive or single file; nil for a folder.
  public var sha256: String?

  public init(path: String, kind: String, sha256: String?) {
    self.path = path
    self.kind = kind
    self.sha256 = sha256
  }
}

/// What an import did (or, with a dry run, would do).
public struct ImportSummary: Sendable, Equatable, Codable {
  public var caseRef: String
  public var source: String
  public var sourceSha256: String?
  public var dryRun: Bool
  /// Messages read from the export, selected or not.
  public var read: Int
  public var new: Int
  public var alreadyPresent: Int
  public var skipped: Int
  /// Media files stored, and media the export named but did not hold.
  public var mediaStored: Int
  public var mediaMissing: Int
  /// The references of the new items.
  public var newItems: ItemRefs
  /// With a dry run, the messages that would be stored, described without their text.
  public var wouldStore: [PlannedItem] = []
  public var warnings: [ImportWarning]
  /// The `--owner` names that no sender of the export had (a chat the doctor never answered, or
  /// a misspelt name, which would leave the doctor's messages unmarked).
  public var unmatchedOwners: [String] = []
  /// With `--record-blocks`: the authors of the case that the export's block lists name, and the
  /// block steps recorded for them.
  public var blockList: BlockListResult?
}

/// A message a dry run would store: where and when it is from, never what it says.
public struct PlannedItem: Sendable, Equatable, Codable {
  public var occurredAt: String
  public var platform: String
  public var kind: String
  /// The sender's handle; nil for the doctor's own messages, or when the export does not say.
  public var sender: String?
  /// received, sent, unsent or unknown.
  public var direction: String
  public var thread: String?
  public var entry: String
  /// The length of the text in characters, and the number of media files named.
  public var textLength: Int
  public var media: Int
}

extension CaseStore {
  /// Imports the selected messages that `produce` reads, in ONE transaction: if reading fails
  /// anywhere, nothing is stored and earlier evidence is untouched. A message already in the
  /// case (same identity) is counted and not stored again.
  ///
  /// `produce` reads the export and hands every message to its argument; it returns the
  /// warnings it gathered.
  ///
  /// Media that messages name as other entries of the export are read from `mediaSource` in one
  /// more pass once every message is read; without one they are recorded as missing. With
  /// `blockList`, the accounts it gives once the export is read are matched against the case's
  /// authors, and the block step recorded for them in the same transaction.
  ///
  /// Messages by one of the profile's own accounts, or by one of `owners` (`--owner`), are stored
  /// as sent. Where the export does not say which messages are the doctor's (direction unknown)
  /// and no `owners` are given, a thread with a selected message, two or more senders and none of
  /// them one of the profile's accounts stops the import (``CasefileError/Code/ownerUnknown``),
  /// naming the senders: the account may be spelt otherwise in this export.
  public func importMessages(
    caseRef: String, source: ImportSourceInfo, filter: ImportFilter, dryRun: Bool, mediaSource: ExportSource? = nil,
    blockList: (() -> [BlockedAccount])? = nil, owners: [String] = [],
    produce: ((ImportedMessage) throws -> Void) throws -> [ImportWarning]
  ) throws -> ImportSummary {
    let accepts = try filter.compiled()
    return try write { db, context in
      let (caseID, record) = try Self.findCase(db, ref: caseRef)
      guard record.status == .open else {
        throw CasefileError(.notAllowed, "\(record.ref) is closed; reopen it to import into it")
      }
      let ownership = Ownership(accounts: try Self.fetchProfile(db).accounts, owners: owners)
      var summary = ImportSummary(
        caseRef: record.ref, source: source.path, sourceSha256: source.sha256, dryRun: dryRun, read: 0, new: 0,
        alreadyPresent: 0, skipped: 0, mediaStored: 0, mediaMissing: 0, newItems: ItemRefs(), warnings: [])
      // The import's own row is written with its first new item, so that importing the same
      // export again leaves the store exactly as it was.
      var importID: Int64?
      func importRow() throws -> Int64 {
        if let importID { return importID }
        let id = try context.insert(db, "imports", [
          ("case_id", caseID), ("source_name", source.path), ("source_kind", source.kind),
          ("source_sha256", source.sha256), ("started_at", context.at),
        ])
        importID = id
        return id
      }
      var seenInDryRun = Set<String>()
      var pendingMedia: [PendingMedia] = []
      let exists = try db.makeStatement(sql: "SELECT 1 FROM evidence WHERE case_id = ? AND identity = ?")
      let warnings = try produce { message in
        summary.read += 1
        var message = message
        let own = ownership.isOwn(message)
        if own { message.direction = .sent }
        let selected = accepts(message)
        ownership.note(message, own: own, selected: selected)
        guard selected else {
          summary.skipped += 1
          return
        }
        let identity = message.identity
        if try Bool.fetchOne(exists, arguments: [caseID, identity]) == true || seenInDryRun.contains(identity) {
          summary.alreadyPresent += 1
          return
        }
        summary.new += 1
        if dryRun {
          seenInDryRun.insert(identity)
          summary.wouldStore.append(PlannedItem(
            occurredAt: UTCStamp.format(message.occurredAt.utc), platform: message.platform.rawValue, kind: message.kind.rawValue,
            sender: message.sender?.handle, direction: message.direction.rawValue, thread: message.thread, entry: message.entryPath, textLength: message.text?.count ?? 0,
            media: message.mediaCount))
          return
        }
        let id = try self.store(
          message, identity: identity, caseID: caseID, importID: importRow(), source: source, db: db,
          context: &context, summary: &summary, pendingMedia: &pendingMedia)
        summary.newItems.append(id: id)
      }
      try ownership.check()
      summary.warnings = warnings.map { ImportWarning(entry: $0.entry, message: $0.message) }
      summary.unmatchedOwners = ownership.unmatchedOwners
      if !pendingMedia.isEmpty {
        try self.resolve(pendingMedia, from: mediaSource, db: db, context: &context, summary: &summary)
      }
      if let blockList {
        summary.blockList = try Self.recordBlockList(
          blockList(), caseID: caseID, caseRecord: record, source: source, today: CalendarDay.on(clock.now(), in: zone),
          dryRun: dryRun, db: db, context: context)
      }
      if let importID {
        // Warnings are kept with an import that stored something; a re-import that adds nothing
        // only reports them.
        for warning in warnings {
          var rawSHA256: String?
          if let raw = warning.raw {
            let stored = try blobs.put(data: raw)
            try recordBlob(stored, db: db, context: &context)
            rawSHA256 = stored.sha256
          }
          _ = try context.insert(db, "import_warnings", [
            ("import_id", importID), ("entry_path", warning.entry), ("message", warning.message), ("raw_sha256", rawSHA256),
          ])
        }
      }
      return summary
    }
  }

  /// Stores one imported message with its provenance and media; returns its row id.
  private func store(
    _ message: ImportedMessage, identity: String, caseID: Int64, importID: Int64, source: ImportSourceInfo,
    db: Database, context: inout WriteContext, summary: inout ImportSummary, pendingMedia: inout [PendingMedia]
  ) throws -> Int64 {
    let actorID = try message.sender.map { try Self.upsertActor(db, &context, platform: message.platform, input: $0) }
    let details = message.details.isEmpty ? nil : Canonical.object(message.details.map { ($0.key, .text($0.value)) })
    let evidenceID = try context.insert(db, "evidence", [
      ("case_id", caseID), ("platform", message.platform.rawValue), ("kind", message.kind.rawValue),
      ("actor_id", actorID), ("occurred_at", UTCStamp.format(message.occurredAt.utc)),
      ("occurred_at_text", message.occurredAt.original), ("occurred_zone", message.occurredAt.zone),
      ("zone_source", message.occurredAt.zoneSource.rawValue), ("url", message.url), ("text", message.text),
      ("captured_at", context.at), ("capture_method", CaptureMethod.import.rawValue), ("identity", identity),
      ("thread", message.thread), ("direction", message.direction.rawValue),
      ("platform_message_id", message.platformMessageID),
      ("recipients", message.recipients.isEmpty ? nil : message.recipients.joined(separator: "\n")),
      ("details", details),
    ])
    // The fragment is copied out of the read buffers here, once: only kept messages pay for it.
    let fragment = message.fragment
    _ = try context.insert(db, "provenance", [
      ("evidence_id", evidenceID), ("import_id", importID), ("format", message.format),
      ("archive_sha256", source.sha256), ("entry_path", message.entryPath), ("fragment", fragment),
      ("fragment_sha256", Digest.sha256Hex(fragment)),
    ])
    // Media a format deferred are read now; if they cannot be, the import fails as a whole.
    for media in try message.loadMedia() {
      switch media.content {
      case .inline(let bytes):
        let stored = try blobs.put(data: bytes)
        try recordBlob(stored, db: db, context: &context)
        _ = try context.insert(db, "attachments", [
          ("evidence_id", evidenceID), ("blob_sha256", stored.sha256), ("file_name", media.name),
          ("media_type", media.mediaType), ("size", stored.size), ("created_at", context.at),
        ])
        summary.mediaStored += 1
      case .entry(let reference, let candidates, let anyExtension):
        pendingMedia.append(PendingMedia(
          evidenceID: evidenceID, name: media.name, mediaType: media.mediaType, reference: reference, candidates: candidates,
          anyExtension: anyExtension))
      case .missing(let reference):
        _ = try context.insert(db, "missing_media", [("evidence_id", evidenceID), ("reference", reference)])
        summary.mediaMissing += 1
      }
    }
    return evidenceID
  }

  /// Notes a blob file that `put` just wrote or found: the blobs row, and the file to remove if
  /// the transaction fails.
  func recordBlob(_ stored: BlobStore.Stored, db: Database, context: inout WriteContext) throws {
    if stored.created { context.createdBlobs.append(stored.sha256) }
    if try Bool.fetchOne(db, sql: "SELECT 1 FROM blobs WHERE sha256 = ?", arguments: [stored.sha256]) != true {
      _ = try context.insert(db, "blobs", [("sha256", stored.sha256), ("size", stored.size), ("created_at", context.at)])
    }
  }

  /// Where an item came from, for an imported item.
  public func provenance(of itemRef: String) throws -> ProvenanceRecord? {
    let id = try Refs.parse(itemRef, .evidence)
    return try read { db in
      guard let row = try Row.fetchOne(
        db,
        sql: """
          SELECT p.*, i.source_name, i.source_kind FROM provenance p JOIN imports i ON i.id = p.import_id
          WHERE p.evidence_id = ?
          """,
        arguments: [id])
      else { return nil }
      let fragment: Data = row["fragment"]
      let digest: String = row["fragment_sha256"]
      guard Digest.sha256Hex(fragment) == digest else {
        throw CasefileError(.integrity, "the raw fragment of \(itemRef) does not match its hash: it was altered")
      }
      return ProvenanceRecord(
        itemRef: Refs.make(.evidence, id), format: row["format"], source: row["source_name"], sourceKind: row["source_kind"],
        archiveSha256: row["archive_sha256"], entryPath: row["entry_path"], fragmentSha256: digest, fragment: fragment)
    }
  }
}

/// Where an imported item came from: the export, the entry, and the raw bytes it stood as.
public struct ProvenanceRecord: Sendable, Equatable {
  public var itemRef: String
  public var format: String
  public var source: String
  public var sourceKind: String
  public var archiveSha256: String?
  public var entryPath: String
  public var fragmentSha256: String
  /// The fragment exactly as it stood in the file; checked against its hash when read.
  public var fragment: Data
}
