import Foundation

/// Rewrites UTF-16 surrogate halves written as XML character references into something libxml2
/// accepts, before parsing.
///
/// Android backups write an emoji as two references, `&#55357;&#56832;`; libxml2 refuses the whole
/// file on the first one. A high half followed at once by a low half becomes one reference to the
/// code point (`&#128512;`); a half on its own becomes `&#65533;` (U+FFFD). Decimal and hex forms
/// are both handled. Everything else passes through byte for byte.
///
/// It works on a stream of chunks: a reference split across two chunks is held back until the
/// next chunk completes it, so memory stays at one chunk plus a few bytes.
public struct SurrogateRepair: Sendable {
  /// A reference that has started but not ended at the end of the last chunk.
  private var carry: [UInt8] = []
  /// A high half whose low half may follow.
  private var pendingHigh: (value: UInt32, text: [UInt8])?
  /// How many references were rewritten.
  public private(set) var repairs = 0

  public init() {}

  /// Repairs a whole buffer at once.
  public static func repair(_ data: Data) -> (data: Data, repairs: Int) {
    var repair = SurrogateRepair()
    var out = repair.push(data)
    out.append(repair.finish())
    return (out, repair.repairs)
  }

  /// Feeds the next chunk and returns the bytes that are now final.
  ///
  /// Runs without a `&` are copied in one go (found with `memchr`); a chunk with no surrogate
  /// reference in it comes back as it went in, without being copied at all.
  public mutating func push(_ chunk: Data) -> Data {
    if carry.isEmpty && pendingHigh == nil {
      // The common case: nothing held back. Look for a reference that needs rewriting, or one
      // cut off at the end; if there is none, the chunk is final as it is.
      let untouched = chunk.withUnsafeBytes { raw in
        Self.needsNoRepair(raw.bindMemory(to: UInt8.self))
      }
      if untouched { return chunk }
    }
    var input = carry
    carry = []
    input.append(contentsOf: chunk)
    return input.withUnsafeBufferPointer { repair($0) }
  }

  /// Whether `bytes` holds no surrogate reference and ends with no reference cut off.
  private static func needsNoRepair(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let p = bytes.baseAddress else { return true }
    let count = bytes.count
    var index = 0
    while index < count {
      guard let hit = memchr(p + index, Int32(UInt8(ascii: "&")), count - index) else { return true }
      index = p.distance(to: hit.assumingMemoryBound(to: UInt8.self))
      switch scanReference(bytes, at: index) {
      case .incomplete: return false
      case .notReference: index += 1
      case .reference(let value, let end):
        if (0xD800...0xDFFF).contains(value) { return false }
        index = end
      }
    }
    return true
  }

  /// Repairs `input` (the carry and a new chunk), holding back a reference cut off at its end.
  private mutating func repair(_ input: UnsafeBufferPointer<UInt8>) -> Data {
    var out = Data()
    out.reserveCapacity(input.count)
    guard let p = input.baseAddress else { return out }
    var index = 0
    let count = input.count
    while index < count {
      guard p[index] == UInt8(ascii: "&") else {
        flushPending(into: &out)
        // Copy the run up to the next '&' in one go.
        let end = memchr(p + index, Int32(UInt8(ascii: "&")), count - index)
          .map { p.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? count
        out.append(p + index, count: end - index)
        index = end
        continue
      }
      switch Self.scanReference(input, at: index) {
      case .incomplete:
        carry = Array(input[index...])
        return out
      case .notReference:
        flushPending(into: &out)
        out.append(p[index])
        index += 1
      case .reference(let value, let end):
        let text = Array(input[index..<end])
        index = end
        if (0xD800...0xDBFF).contains(value) {
          flushPending(into: &out)
          pendingHigh = (value, text)
        } else if (0xDC00...0xDFFF).contains(value) {
          if let high = pendingHigh {
            let scalar = 0x10000 + ((high.value - 0xD800) << 10) + (value - 0xDC00)
            out.append(contentsOf: Array("&#\(scalar);".utf8))
            pendingHigh = nil
            repairs += 1
          } else {
            out.append(contentsOf: Array("&#65533;".utf8))
            repairs += 1
          }
        } else {
          flushPending(into: &out)
          out.append(contentsOf: text)
        }
      }
    }
    return out
  }

  /// Returns what is still held back, at the end of the input.
  public mutating func finish() -> Data {
    var out = Data()
    flushPending(into: &out)
    out.append(contentsOf: carry)
    carry = []
    return out
  }

  /// A high half not followed by a low half stands alone: it becomes U+FFFD.
  private mutating func flushPending(into out: inout Data) {
    if pendingHigh != nil {
      out.append(contentsOf: Array("&#65533;".utf8))
      pendingHigh = nil
      repairs += 1
    }
  }

  private enum Scan {
    case reference(UInt32, end: Int)
    case notReference
    case incomplete
  }

  /// Reads `&#NNN;` or `&#xHHH;` at `start`. References longer than 12 bytes are not ours.
  private static func scanReference(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Scan {
    var index = start + 1
    guard index < bytes.count else { return .incomplete }
    guard bytes[index] == UInt8(ascii: "#") else { return .notReference }
    index += 1
    guard index < bytes.count else { return .incomplete }
    var hex = false
    if bytes[index] == UInt8(ascii: "x") || bytes[index] == UInt8(ascii: "X") {
      hex = true
      index += 1
    }
    var value: UInt32 = 0
    var digits = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: ";") {
        return digits > 0 ? .reference(value, end: index + 1) : .notReference
      }
      let digit: UInt32
      switch byte {
      case 48...57: digit = UInt32(byte - 48)
      case 97...102 where hex: digit = UInt32(byte - 87)
      case 65...70 where hex: digit = UInt32(byte - 55)
      default: return .notReference
      }
      digits += 1
      guard digits <= 8 else { return .notReference }
      value = value * (hex ? 16 : 10) + digit
      index += 1
    }
    return .incomplete
  }
}
