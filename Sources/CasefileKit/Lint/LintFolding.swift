import Foundation

/// A text in the form the phrase rules compare: only its letters and digits, folded so that the
/// ways of writing a word that look or read alike become one, each unit tied to the characters
/// of the original it came from.
///
/// The folding, per character: default-ignorable and format characters (zero-width space and
/// joiners, word joiner, BOM, soft hyphen, bidi controls, variation selectors) are dropped;
/// combining marks are dropped after compatibility decomposition (NFKD, so fullwidth and
/// mathematical letters become plain ones); letters are lower-cased; look-alikes from other
/// scripts map to their Latin prototype (Unicode's confusables, UTS #39, in
/// `Resources/lint/confusables.txt`); digits read as letters (`0` o, `1` i, `3` e, `4` a, `5` s,
/// `7` t, `8` b, `9` g), and `l` reads as `i` as `1` and `I` do; `@`, `$`, `|` and `!` read as
/// `a`, `s`, `i`, `i` inside a word. Everything else (spaces, punctuation, `_`, `.`, `-`, `#`,
/// symbols) is a separator: it leaves no unit, only a mark that a word ended there.
struct FoldedText: Sendable {
  /// The folded units: ASCII letters and digits, or letters of scripts without Latin look-alikes.
  var units: [UInt32] = []
  /// Where each unit's character starts in the original, in UTF-8 bytes.
  var starts: [Int32] = []
  /// Where it ends (after any combining marks on it), in UTF-8 bytes.
  var ends: [Int32] = []
  /// Per unit: ``separatorBefore``, ``fromDigit``.
  var flags: [UInt8] = []

  /// A separator (or the start) stands before the unit.
  static let separatorBefore: UInt8 = 1
  /// The unit was a digit in the original, so it also counts as a word's edge.
  static let fromDigit: UInt8 = 2

  var count: Int { units.count }

  init() {}

  init(_ text: String) {
    let estimate = text.utf8.count
    units.reserveCapacity(estimate)
    starts.reserveCapacity(estimate)
    ends.reserveCapacity(estimate)
    flags.reserveCapacity(estimate)
    var cache: [UInt32: FoldClass] = [:]
    var offset: Int32 = 0
    var separator = true
    var pending: (unit: UInt32, start: Int32)? = nil

    func emit(_ unit: UInt32, start: Int32, end: Int32, digit: Bool) {
      if let held = pending {
        if !separator {
          units.append(held.unit)
          starts.append(held.start)
          ends.append(held.start + 1)
          flags.append(0)
        }
        pending = nil
      }
      units.append(unit)
      starts.append(start)
      ends.append(end)
      flags.append((separator ? Self.separatorBefore : 0) | (digit ? Self.fromDigit : 0))
      separator = false
    }

    // A right-to-left override shows what follows it reversed: `your \u{202E}tneitap` reads as
    // "your patient". Its units are put in the order they are seen.
    var overrideFrom: Int? = nil
    func endOverride() {
      guard let from = overrideFrom else { return }
      overrideFrom = nil
      let to = units.count
      guard to - from > 1 else { return }
      let oldFlags = Array(flags[from..<to])
      units[from..<to].reverse()
      starts[from..<to].reverse()
      ends[from..<to].reverse()
      for k in 1..<(to - from) {
        let old = to - 1 - k
        flags[from + k] = (oldFlags[old + 1 - from] & Self.separatorBefore) | (oldFlags[old - from] & Self.fromDigit)
      }
      flags[from] = (oldFlags[0] & Self.separatorBefore) | (oldFlags[to - 1 - from] & Self.fromDigit)
    }

    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x202E:
        endOverride()
        overrideFrom = units.count
      case 0x202C, 0x2069, 0x0A, 0x0D, 0x2029:
        endOverride()
      default:
        break
      }
      let start = offset
      let width = Int32(UTF8.width(scalar))
      offset += width
      let value = scalar.value
      if value < 0x80 {
        let byte = UInt8(value)
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
          emit(UInt32(Self.asciiFold[Int(byte)]), start: start, end: offset, digit: false)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
          emit(UInt32(Self.asciiFold[Int(byte)]), start: start, end: offset, digit: true)
        case UInt8(ascii: "@"), UInt8(ascii: "$"), UInt8(ascii: "|"), UInt8(ascii: "!"):
          // A letter only between two letters (`p@tient`); `@handle` and `wow!` are separators.
          if !separator, pending == nil, !units.isEmpty {
            pending = (UInt32(Self.asciiFold[Int(byte)]), start)
          } else {
            pending = nil
            separator = true
          }
        default:
          pending = nil
          separator = true
        }
        continue
      }
      let kind: FoldClass
      if let known = cache[value] {
        kind = known
      } else {
        kind = FoldClass(scalar)
        cache[value] = kind
      }
      switch kind {
      case .ignorable:
        continue
      case .mark:
        if !separator, let last = ends.indices.last { ends[last] = offset }
      case .separator:
        pending = nil
        separator = true
      case .units(let folded, let digit):
        for unit in folded { emit(unit, start: start, end: offset, digit: digit) }
      }
    }
    endOverride()
  }

  /// The last `count` units, with where they came from.
  func suffix(_ count: Int) -> FoldedText {
    var tail = FoldedText()
    tail.units = Array(units.suffix(count))
    tail.starts = Array(starts.suffix(count))
    tail.ends = Array(ends.suffix(count))
    tail.flags = Array(flags.suffix(count))
    return tail
  }

  /// The units of a phrase, separators dropped: what a phrase rule looks for.
  static func units(of phrase: String) -> [UInt32] {
    FoldedText(phrase).units
  }

  /// The folded form as a string, for tests and for comparing phrases.
  static func string(of phrase: String) -> String {
    var out = ""
    for unit in units(of: phrase) { out.unicodeScalars.append(Unicode.Scalar(unit) ?? "?") }
    return out
  }

  /// ASCII letters and digits in the folded alphabet; other bytes map to themselves.
  static let asciiFold: [UInt8] = {
    var table = (0..<128).map { UInt8($0) }
    for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(byte)] = byte + 32 }
    let reads: [(Character, Character)] = [
      ("l", "i"), ("L", "i"), ("0", "o"), ("1", "i"), ("3", "e"), ("4", "a"), ("5", "s"), ("7", "t"), ("8", "b"),
      ("9", "g"), ("@", "a"), ("$", "s"), ("|", "i"), ("!", "i"),
    ]
    for (from, to) in reads { table[Int(from.asciiValue!)] = to.asciiValue! }
    return table
  }()
}

/// What one non-ASCII character becomes in the folded form.
enum FoldClass: Sendable {
  /// Dropped without a trace: it cannot be seen, or only shapes its neighbours.
  case ignorable
  /// A combining mark: dropped, and counted as part of the character before it.
  case mark
  /// Ends a word.
  case separator
  /// One or more units.
  case units([UInt32], digit: Bool)

  init(_ scalar: Unicode.Scalar) {
    let properties = scalar.properties
    switch properties.generalCategory {
    case .format:
      self = .ignorable
      return
    case .nonspacingMark, .enclosingMark:
      self = properties.isDefaultIgnorableCodePoint ? .ignorable : .mark
      return
    default:
      if properties.isDefaultIgnorableCodePoint {
        self = .ignorable
        return
      }
    }
    if let prototype = Confusables.table[scalar.value] {
      self = .units(Self.ascii(prototype), digit: false)
      return
    }
    var folded: [UInt32] = []
    var digit = false
    let decomposed = String(scalar).decomposedStringWithCompatibilityMapping.lowercased()
      .decomposedStringWithCompatibilityMapping
    for part in decomposed.unicodeScalars {
      let category = part.properties.generalCategory
      if category == .nonspacingMark || category == .enclosingMark || category == .format { continue }
      if let prototype = Confusables.table[part.value] {
        folded += Self.ascii(prototype)
      } else if part.isASCII {
        guard let character = Character(part).asciiValue, character.isASCIILetterOrDigit else { continue }
        if Character(part).isNumber { digit = true }
        folded.append(UInt32(FoldedText.asciiFold[Int(character)]))
      } else if properties.isAlphabetic || part.properties.isAlphabetic || part.properties.numericType != nil {
        folded.append(part.value)
      }
    }
    self = folded.isEmpty ? .separator : .units(folded, digit: digit)
  }

  private static func ascii(_ prototype: String) -> [UInt32] {
    prototype.utf8.map { UInt32(FoldedText.asciiFold[Int($0)]) }
  }
}

extension UInt8 {
  fileprivate var isASCIILetterOrDigit: Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
      || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
  }
}

/// Unicode's confusables that have a Latin prototype, read once from the generated table.
enum Confusables {
  static let table: [UInt32: String] = {
    guard let url = Bundle.module.url(forResource: "confusables", withExtension: "txt", subdirectory: "lint"),
      let text = try? String(contentsOf: url, encoding: .utf8)
    else {
      preconditionFailure("casefile's resource lint/confusables.txt is missing from its installation")
    }
    var table: [UInt32: String] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let parts = line.split(separator: " ")
      guard parts.count == 2, let code = UInt32(parts[0], radix: 16) else { continue }
      table[code] = String(parts[1])
    }
    return table
  }()
}
