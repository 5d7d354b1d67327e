import Crypto
import Foundation

/// SHA-256 helpers; every digest in casefile is lowercase hex.
public enum Digest {
  /// The SHA-256 of `bytes`, as lowercase hex.
  public static func sha256Hex<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
    hex(SHA256.hash(data: bytes))
  }

  private static let hexDigits = Array("0123456789abcdef".utf8)

  /// Lowercase hex of any byte sequence.
  public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digits = hexDigits
    var out = [UInt8]()
    out.reserveCapacity(Swift.max(64, bytes.underestimatedCount * 2))
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Bytes from lowercase or uppercase hex, or nil when the text is not hex.
  public static func bytes(fromHex text: String) -> [UInt8]? {
    let chars = Array(text.utf8)
    guard chars.count % 2 == 0 else { return nil }
    func nibble(_ c: UInt8) -> UInt8? {
      switch c {
      case 48...57: c - 48
      case 97...102: c - 87
      case 65...70: c - 55
      default: nil
      }
    }
    var out = [UInt8]()
    out.reserveCapacity(chars.count / 2)
    var index = 0
    while index < chars.count {
      guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
      out.append(high << 4 | low)
      index += 2
    }
    return out
  }

  /// Whether `text` has the shape of a SHA-256 hex digest.
  public static func isSHA256Hex(_ text: String) -> Bool {
    text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
  }
}
