import Foundation

/// Synthetic SMS Backup & Restore files, written for these tests. Every number is from a
/// fictional range and every message is invented.
enum SMSFixtures {
  /// A 1x1 PNG, base64, for the MMS image part.
  static let pngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

  /// The folder of fixture files shared by the test targets.
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/sms-backup")

  /// Received and sent SMS, an MMS with SMIL, text and image parts, a group MMS, surrogate-pair
  /// emoji, a lone surrogate, `null` strings, `(Unknown)` contacts and an escaped newline.
  static let sms = try! String(contentsOf: folder.appendingPathComponent("sms-20261120.xml"), encoding: .utf8)

  /// Missed, incoming, rejected and outgoing calls.
  static let calls = try! String(contentsOf: folder.appendingPathComponent("calls-20261120.xml"), encoding: .utf8)
}
