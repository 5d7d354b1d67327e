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
  private var pendingHigh: UInt32?
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
  /// One pass: `memchr` finds each `&`, and bytes are copied only from the first reference that
  /// changes on; a chunk with nothing to rewrite comes back as it went in, uncopied.
  public mutating func push(_ chunk: Data) -> Data {
    if carry.isEmpty {
      return chunk.withUnsafeBytes { raw in repair(raw.bindMemory(to: UInt8.self), original: chunk) }
    }
    var input = carry
    carry = []
    input.append(contentsOf: chunk)
    return input.withUnsafeBufferPointer { repair($0, original: nil) }
  }

  /// Repairs `input`, holding back a reference cut off at its end. `original` is `input` as
  /// `Data` where there is one, handed back as it is when nothing changes.
  private mutating func repair(_ input: UnsafeBufferPointer<UInt8>, original: Data?) -> Data {
    guard let p = input.baseAddress, !input.isEmpty else { return Data() }
    let count = input.count
    // Made at the first change; `input[..<copied]` is then in it.
    var out: Data?
    var copied = 0
    func copy(upTo end: Int) {
      if out == nil {
        out = Data()
        out!.reserveCapacity(count + 16)
      }
      if end > copied { out!.append(p + copied, count: end - copied) }
      copied = end
    }
    var index = 0
    while index < count {
      let amp = memchr(p + index, Int32(UInt8(ascii: "&")), count - index)
        .map { p.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? count
      if amp > index && pendingHigh != nil {
        // A high half followed by anything but a low half stands alone.
        copy(upTo: index)
        flushPending(into: &out!)
      }
      index = amp
      guard amp < count else { break }
      switch Self.scanReference(input, at: amp) {
      case .incomplete:
        copy(upTo: amp)
        carry = Array(input[amp...])
        return out!
      case .notReference:
        if pendingHigh != nil {
          copy(upTo: amp)
          flushPending(into: &out!)
        }
        index = amp + 1
      case .reference(let value, let end):
        if (0xD800...0xDBFF).contains(value) {
          copy(upTo: amp)
          flushPending(into: &out!)
          pendingHigh = value
          copied = end
        } else if (0xDC00...0xDFFF).contains(value) {
          copy(upTo: amp)
          if let high = pendingHigh {
            Self.appendReference(to: &out!, 0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00))
            pendingHigh = nil
          } else {
            out!.append(contentsOf: Self.replacement)
          }
          repairs += 1
          copied = end
        } else if pendingHigh != nil {
          copy(upTo: amp)
          flushPending(into: &out!)
        }
        index = end
      }
    }
    guard out != nil else { return original ?? Data(input) }
    copy(upTo: count)
    return out!
  }

  /// `&#65533;`, the reference that replaces a lone half.
  private static let replacement = Array("&#65533;".utf8)

  /// Appends `&#N;` for a code point, in decimal.
  private static func appendReference(to out: inout Data, _ scalar: UInt32) {
    var digits: [UInt8] = []
    var rest = scalar
    repeat {
      digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
      rest /= 10
    } while rest > 0
    out.append(contentsOf: [UInt8(ascii: "&"), UInt8(ascii: "#")] + digits.reversed() + [UInt8(ascii: ";")])
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
      out.append(contentsOf: Self.replacement)
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
