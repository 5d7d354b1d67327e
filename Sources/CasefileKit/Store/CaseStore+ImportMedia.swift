import Foundation
import GRDB

/// A media file that an imported message names as another entry of the export, waiting for the
/// pass that reads it.
struct PendingMedia {
  var evidenceID: Int64
  var name: String
  var mediaType: String
  /// The reference as the message wrote it, kept for a missing file.
  var reference: String
  /// Entry paths it may be at, best first.
  var candidates: [String]
  /// Whether a candidate plus any extension matches too.
  var anyExtension: Bool
}

extension CaseStore {
  /// Reads the media that stored messages name from the other entries of the export, in one
  /// more pass over it, and attaches them; what the export does not hold is recorded as missing.
  ///
  /// A candidate path matches an entry with exactly that path or, for an export that was packed
  /// inside a top folder (`facebook-jdoe-2026/messages/...`), an entry ending in `/` and that path.
  /// With `anyExtension`, the entry's path without its extension is matched as well (but never
  /// an HTML page, which is where such references come from). Exact matches win, then earlier
  /// candidates; among equals the first entry in the export wins. Each entry is read
  /// once, as a stream, into the blob store (which hashes it), whatever the number of messages
  /// that name it. This runs inside the import's transaction, so a failure stores nothing.
  func resolve(
    _ pending: [PendingMedia], from source: ExportSource?, db: Database, context: inout WriteContext,
    summary: inout ImportSummary
  ) throws {
    // Candidate path → the pending files that name it, with the candidate's rank for each.
    var wanted: [String: [(index: Int, rank: Int)]] = [:]
    for (index, media) in pending.enumerated() {
      for (rank, candidate) in media.candidates.enumerated() { wanted[candidate, default: []].append((index, rank)) }
    }
    // For each pending file: the best match so far (rank, exact or not) and the blob it gave.
    var found: [Int: (rank: Int, exact: Bool, stored: BlobStore.Stored, sniffed: String?)] = [:]
    // Blob files this pass created: one that a better match later replaced is removed again.
    var createdHere = Set<String>()
    if let source {
      try source.walk { entry, stream in
        // Which pending files this entry satisfies, and how well.
        var hits: [(index: Int, rank: Int, exact: Bool)] = []
        let parts = entry.path.split(separator: "/")
        let fileExtension = (entry.path as NSString).pathExtension.lowercased()
        let stripped = fileExtension.isEmpty || fileExtension == "html" || fileExtension == "htm"
          ? nil : String(entry.path.dropLast(fileExtension.count + 1)).split(separator: "/")
        for (path, extensionless) in [(parts, false), (stripped, true)] {
          guard let path else { continue }
          for start in path.indices {
            let suffix = path[start...].joined(separator: "/")
            for (index, rank) in wanted[suffix] ?? [] where !extensionless || pending[index].anyExtension {
              let exact = start == 0 && !extensionless
              if let best = found[index], (best.exact && !exact) || (best.exact == exact && best.rank <= rank) { continue }
              hits.append((index, rank, exact))
            }
          }
        }
        guard !hits.isEmpty else { return .next }
        var head: Data?
        var body = stream
        let stored = try blobs.put(chunks: {
          let chunk = try body.read(max: 1 << 16)
          if head == nil, let chunk { head = chunk }
          return chunk
        })
        if stored.created {
          context.createdBlobs.append(stored.sha256)
          createdHere.insert(stored.sha256)
        }
        let sniffed = head.flatMap { MediaType.sniff(Array($0.prefix(16))) }
        for hit in hits {
          // One entry can match a file through more than one suffix; keep the best match.
          if let best = found[hit.index], (best.exact && !hit.exact) || (best.exact == hit.exact && best.rank <= hit.rank) {
            continue
          }
          found[hit.index] = (hit.rank, hit.exact, stored, sniffed)
        }
        return .next
      }
    }
    let used = Set(found.values.map(\.stored.sha256))
    for sha256 in createdHere.subtracting(used) {
      blobs.discard(sha256)
      context.createdBlobs.removeAll { $0 == sha256 }
    }
    for (index, media) in pending.enumerated() {
      guard let match = found[index] else {
        _ = try context.insert(db, "missing_media", [("evidence_id", media.evidenceID), ("reference", media.reference)])
        summary.mediaMissing += 1
        continue
      }
      try recordBlob(BlobStore.Stored(sha256: match.stored.sha256, size: match.stored.size, created: false), db: db, context: &context)
      _ = try context.insert(db, "attachments", [
        ("evidence_id", media.evidenceID), ("blob_sha256", match.stored.sha256), ("file_name", media.name),
        ("media_type", match.sniffed ?? media.mediaType), ("size", match.stored.size), ("created_at", context.at),
      ])
      summary.mediaStored += 1
    }
  }
}
