import CasefileKit
import Foundation

/// A real store in a fresh temporary directory, removed when the test ends.
final class TestStore {
  let root: URL
  let store: CaseStore

  init(now: Date = TestStore.defaultNow, zone: String = "Europe/Dublin") throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("casefile-test-\(UUID().uuidString)")
    store = try CaseStore.initialize(
      at: StoreLocation(directory: root.appendingPathComponent("store")), clock: .fixed(now),
      zone: TimeZone(identifier: zone)!
    ).store
  }

  /// 2026-11-25 12:00 UTC.
  static let defaultNow = Date(timeIntervalSince1970: 1_795_608_000)

  /// The same store reopened with another clock.
  func reopened(now: Date) throws -> CaseStore {
    try CaseStore.open(at: store.location, clock: .fixed(now), zone: store.zone)
  }

  /// Writes a small file to attach.
  func file(_ name: String, _ bytes: [UInt8]) throws -> URL {
    let url = root.appendingPathComponent("files").appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: url)
    return url
  }

  /// Everything that must not change when a command fails: the audit head, row counts, blob files.
  func fingerprint() throws -> String {
    let head = try store.auditHead()
    let report = try store.fsck()
    let files = (FileManager.default.enumerator(atPath: store.location.blobsURL.path)?.allObjects as? [String] ?? []).sorted()
    return "\(head) rows=\(report.rowsChecked) blobs=\(report.blobsChecked) files=\(files)"
  }

  deinit {
    try? FileManager.default.removeItem(at: root)
  }
}

/// A time in a zone, for drafts.
func at(_ text: String, zone: String = "Europe/Dublin") throws -> OccurredAt {
  try OccurredAt.parse(text, defaultZone: TimeZone(identifier: zone)!)
}

let pngBytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
