import Foundation

/// Finds the exact bytes of the JSON values at a path in a document, for provenance: the raw
/// fragment of each message is the object as it stood in the file, and JSONSerialization decodes
/// each fragment on its own.
///
/// One pass over the bytes, with no recursion (a hostile depth cannot exhaust the stack): strings
/// are skipped with their escapes (any escape, so Telegram's invalid `\xNN` does not stop it), and
/// every value whose path from the root matches the pattern is noted with its byte range. A
/// document that is not well-formed (an unclosed string, an unbalanced bracket, a truncated file)
/// is an error naming the line.
struct JSONFragments {
  /// One step of a path: a member of an object, any member of an object, or any element of an
  /// array.
  enum Step: Equatable {
    case key(String)
    case anyKey
    case anyElement
  }

  /// The byte ranges (into the scanned data) of the values at the path, in document order.
  static func ranges(in data: Data, at path: [Step], location: CasefileError.Location) throws -> [Range<Int>] {
    try data.withUnsafeBytes { buffer -> [Range<Int>] in
      let bytes = buffer.bindMemory(to: UInt8.self)
      return try scan(bytes, path: path, location: location)
    }
  }

  /// The line each range starts on, counted in one forward pass over the data. The ranges must be
  /// in document order, as ``ranges(in:at:location:)`` gives them; `firstLine` is the line that
  /// the data's first byte is on (a part cut out of a larger file starts further down).
  static func lines(of ranges: [Range<Int>], in data: Data, firstLine: Int = 1) -> [Int] {
    var lines: [Int] = []
    lines.reserveCapacity(ranges.count)
    var line = firstLine
    var offset = 0
    for range in ranges {
      precondition(range.lowerBound >= offset, "ranges out of document order")
      line += data[(data.startIndex + offset)..<(data.startIndex + range.lowerBound)].count(where: { $0 == 0x0A })
      offset = range.lowerBound
      lines.append(line)
    }
    return lines
  }

  /// Where the scanner is: inside an object (with the key of the member being read) or an array.
  private struct Frame {
    var isObject: Bool
    var key: String?
    /// Whether this container itself stands at a matching position along the path so far.
    var onPath: Bool
  }

  private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, path: [Step], location: CasefileError.Location) throws -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var stack: [Frame] = []
    var index = 0
    var line = 1
    /// Start of a value being recorded, with the stack depth at which it began.
    var recording: (start: Int, depth: Int)?
    let count = bytes.count

    func fail(_ why: String) -> CasefileError {
      var located = location
      located.line = line
      return CasefileError(.badExport, "the JSON is not well-formed: \(why)", location: located)
    }
    /// Whether a value starting now, inside the current stack, stands at the path's end.
    func valueMatches() -> Bool {
      guard stack.count == path.count, stack.allSatisfy(\.onPath) else { return false }
      return stepMatches(path[stack.count - 1], stack[stack.count - 1])
    }
    func stepMatches(_ step: Step, _ frame: Frame) -> Bool {
      switch step {
      case .key(let name): frame.isObject && frame.key == name
      case .anyKey: frame.isObject
      case .anyElement: !frame.isObject
      }
    }
    /// Whether a container starting now lies along the path (so values deeper may match).
    func containerOnPath() -> Bool {
      if stack.isEmpty { return true }
      guard stack.count <= path.count, stack.allSatisfy(\.onPath) else { return false }
      return stepMatches(path[stack.count - 1], stack[stack.count - 1])
    }
    /// Skips a string starting at `index` (on its opening quote); returns the index after it.
    func skipString(_ start: Int) throws -> Int {
      var cursor = start + 1
      while cursor < count {
        let byte = bytes[cursor]
        if byte == UInt8(ascii: "\\") {
          cursor += 2
          continue
        }
        if byte == UInt8(ascii: "\"") { return cursor + 1 }
        if byte == 0x0A { throw fail("a string runs past the end of its line") }
        cursor += 1
      }
      throw fail("a string is not closed before the end of the file")
    }
    func endValue(at end: Int) {
      if let current = recording, current.depth == stack.count {
        ranges.append(current.start..<end)
        recording = nil
      }
    }
    func beginValue(at start: Int) {
      if recording == nil, valueMatches() { recording = (start, stack.count) }
    }

    while index < count {
      let byte = bytes[index]
      switch byte {
      case 0x0A:
        line += 1
        index += 1
      case 0x20, 0x09, 0x0D, UInt8(ascii: ","), UInt8(ascii: ":"):
        index += 1
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        beginValue(at: index)
        stack.append(Frame(isObject: byte == UInt8(ascii: "{"), key: nil, onPath: containerOnPath()))
        index += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        guard let top = stack.popLast(), top.isObject == (byte == UInt8(ascii: "}")) else {
          throw fail("a closing '\(Character(UnicodeScalar(byte)))' does not match what it closes")
        }
        index += 1
        endValue(at: index)
      case UInt8(ascii: "\""):
        let end = try skipString(index)
        if let top = stack.last, top.isObject, isKeyPosition(bytes, after: end) {
          // A member's name (taken as written: the names a path uses are plain ASCII); its value follows.
          stack[stack.count - 1].key = String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 1)..<(end - 1)]), as: UTF8.self)
          index = end
          continue
        }
        beginValue(at: index)
        index = end
        endValue(at: index)
      default:
        // A number, true, false or null: up to the next delimiter.
        let start = index
        while index < count, ![0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ":")].contains(bytes[index]) {
          index += 1
        }
        beginValue(at: start)
        endValue(at: index)
      }
    }
    guard stack.isEmpty else { throw fail("the file ends inside an unclosed \(stack.last!.isObject ? "object" : "array")") }
    return ranges
  }

  /// Whether the next non-space byte after `end` is a colon, which makes the string a key.
  private static func isKeyPosition(_ bytes: UnsafeBufferPointer<UInt8>, after end: Int) -> Bool {
    var cursor = end
    while cursor < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[cursor]) { cursor += 1 }
    return cursor < bytes.count && bytes[cursor] == UInt8(ascii: ":")
  }
}
