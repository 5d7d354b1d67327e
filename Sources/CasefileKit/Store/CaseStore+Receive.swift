import Foundation
import GRDB

/// What `casefile receive` loaded.
public struct ReceiveResult: Sendable, Codable, Equatable {
  /// The new case in this store, and the case it was in the sender's.
  public var caseRef: String
  public var fromCaseRef: String
  public var profile: String
  public var items: Int
  public var attachments: Int
  public var steps: Int
  public var notes: Int
  public var keyFingerprint: String
  public var signerProven: Bool
  /// As in ``VerifyReport``: `pinned`, `own-key`, `trusted` or `unverified`.
  public var signer: String
  public var signerName: String?
}

extension CaseStore {
  /// Verifies a package and loads its case into this store as a new case, in one transaction:
  /// actors, items with their provenance (the raw fragments of an indemnifier bundle, each checked
  /// against its digest), attachments (each hashed again as it is stored), steps, notes and patient
  /// flags. Times, texts and digests are kept exactly as the bundle gives them. A package that
  /// fails verification is refused and nothing is stored; the same package is received only once.
  public func receive(_ url: URL, pin: BundleVerifier.Pin) throws -> ReceiveResult {
    var (report, tree) = try BundleVerifier.verify(url, pin: pin)
    try judgeSigner(&report)
    // A package this store signed is an anchor for it: its audit head and its items must still
    // be in the store as they were.
    if let own = try? SigningKey.load(from: location), own.publicKey.fingerprint == report.keyFingerprint,
      let problem = try checkAnchor(tree, package: url.path).problems.first
    {
      throw CasefileError(
        .integrity, "this store signed the package, but no longer holds what it exported (\(problem.message)); run 'casefile fsck --against'",
        location: .init(file: url.path))
    }
    let bundle = try ReceivedBundle(verified: tree)
    let source = try ExportSource(url: url)
    let packageSha256 = try source.sha256
    let year = CalendarDay.on(clock.now(), in: zone).year

    return try write { db, context in
      if let earlier = try String.fetchOne(
        db,
        sql: """
          SELECT c.ref FROM imports i JOIN cases c ON c.id = i.case_id
          WHERE i.source_kind = 'bundle' AND i.source_sha256 = ? LIMIT 1
          """,
        arguments: [packageSha256])
      {
        throw CasefileError(.notAllowed, "this package was received before, as \(earlier)", location: .init(file: url.path))
      }
      let received = bundle.caseRecord
      let seq = (try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM cases WHERE year = ?", arguments: [year]) ?? 0) + 1
      let ref = String(format: "C-%04d-%04d", year, seq)
      let caseID = try context.insert(db, "cases", [
        ("ref", ref), ("year", year), ("seq", seq), ("title", received.title), ("category", received.category.rawValue),
        ("severity", received.severity.rawValue), ("status", received.status.rawValue), ("opened_at", received.openedAt),
        ("closed_at", received.closedAt),
      ])
      let importID = try context.insert(db, "imports", [
        ("case_id", caseID), ("source_name", url.path), ("source_kind", "bundle"), ("source_sha256", packageSha256),
        ("started_at", context.at),
      ])

      var actors: [String: Int64] = [:]
      for actor in bundle.actors {
        let id = try Self.upsertActor(db, &context, platform: actor.platform, input: actor.input)
        actors[actor.ref] = id
        if let flagged = actor.patientFlag {
          _ = try context.insert(db, "patient_flags", [
            ("actor_id", id), ("flagged", flagged ? 1 : 0), ("confidential", 1), ("created_at", context.at),
          ])
        }
      }

      // Attachments wait for their files, which one more walk over the package streams into the
      // blob store (hashed again as they are stored), one at a time.
      var pending: [String: [(evidenceID: Int64, name: String, mediaType: String, sha256: String)]] = [:]
      for item in bundle.items {
        var details = item.details
        if item.textRedacted { details.append(("received_redacted", "true")) }
        if let source = item.provenance, source.fragment == nil {
          // Only an indemnifier bundle carries the raw fragment; keep what ties the item to it.
          details.append(("received_fragment_sha256", source.fragmentSha256))
          details.append(("received_format", source.format))
        }
        let evidenceID = try context.insert(db, "evidence", [
          ("case_id", caseID), ("platform", item.platform.rawValue), ("kind", item.kind.rawValue),
          ("actor_id", item.author.flatMap { actors[$0] }), ("occurred_at", item.occurredAt.utc),
          ("occurred_at_text", item.occurredAt.original), ("occurred_zone", item.occurredAt.zone),
          ("zone_source", item.occurredAt.zoneSource), ("url", item.url), ("text", item.text),
          ("captured_at", item.capturedAt), ("capture_method", item.method.rawValue), ("identity", nil),
          ("thread", item.thread), ("direction", item.direction), ("platform_message_id", item.platformMessageID),
          ("recipients", item.recipients.isEmpty ? nil : item.recipients.joined(separator: "\n")),
          ("details", details.isEmpty ? nil : Canonical.object(details.map { ($0.name, .text($0.value)) })),
        ])
        if let source = item.provenance, let fragment = source.fragment {
          guard Digest.sha256Hex(fragment) == source.fragmentSha256 else {
            throw CasefileError(.integrity, "the raw fragment of \(item.ref) does not match its digest", location: .init(file: url.path))
          }
          _ = try context.insert(db, "provenance", [
            ("evidence_id", evidenceID), ("import_id", importID), ("format", source.format),
            ("archive_sha256", source.archiveSha256), ("entry_path", source.entry ?? ""), ("fragment", fragment),
            ("fragment_sha256", source.fragmentSha256),
          ])
        }
        for attachment in item.attachments {
          pending[attachment.path, default: []].append((evidenceID, attachment.name, attachment.mediaType, attachment.sha256))
        }
      }
      var attachments = 0
      try source.walk { entry, stream in
        guard let wanted = pending.removeValue(forKey: entry.path) else { return .next }
        var stream = stream
        let stored = try blobs.put(chunks: { try stream.read(max: BlobStore.chunkSize) })
        try recordBlob(stored, db: db, context: &context)
        for attachment in wanted {
          guard stored.sha256 == attachment.sha256 else {
            throw CasefileError(.integrity, "\(entry.path) changed after it was verified", location: .init(file: url.path, entry: entry.path))
          }
          _ = try context.insert(db, "attachments", [
            ("evidence_id", attachment.evidenceID), ("blob_sha256", stored.sha256), ("file_name", attachment.name),
            ("media_type", attachment.mediaType), ("size", stored.size), ("created_at", context.at),
          ])
          attachments += 1
        }
        return .next
      }
      if let lost = pending.keys.sorted().first {
        throw CasefileError(.integrity, "the package lost \(lost) after it was verified", location: .init(file: url.path))
      }

      var steps: [String: Int64] = [:]
      for step in bundle.steps {
        steps[step.ref] = try context.insert(db, "steps", [
          ("case_id", caseID), ("kind", step.kind), ("on_date", step.on),
          ("details", Canonical.object(step.details.map { ($0.name, .text($0.value)) })),
          ("refers_to", step.refersTo.flatMap { steps[$0] }), ("confidential", step.confidential ? 1 : 0),
          ("recorded_at", step.recordedAt),
        ])
      }
      for note in bundle.notes {
        _ = try context.insert(db, "notes", [
          ("case_id", caseID), ("text", note.text), ("confidential", 1), ("created_at", note.createdAt),
        ])
      }
      return ReceiveResult(
        caseRef: ref, fromCaseRef: received.ref, profile: bundle.profile, items: bundle.items.count, attachments: attachments,
        steps: bundle.steps.count, notes: bundle.notes.count, keyFingerprint: report.keyFingerprint,
        signerProven: report.signerProven, signer: report.signer, signerName: report.signerName)
    }
  }
}
