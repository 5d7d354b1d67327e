/// A text as the identifier rules (NHS and PPS numbers, dates, birth keywords) read it: one byte
/// per character, digits of every kind as ASCII digits, invisible characters gone, each byte tied
/// to where its character starts in the original.
///
/// The folding, per character: ASCII stays, with letters lower-cased; a character whose
/// compatibility decomposition is one ASCII character becomes it (fullwidth and mathematical
/// digits and letters, superscripts, `／`); decimal digits of other scripts become their value;
/// default-ignorable and format characters (zero-width space and joiners, word joiner, BOM, soft
/// hyphen, bidi controls) and combining marks leave nothing, so `1\u{200B}2` reads `12`; dashes
/// read `-`, curly apostrophes `'`, white space a space or a line break; other letters and digits
/// are ``otherWord``, anything else ``otherSymbol``.
///
/// The rules then run as hand-written scanners over these bytes: each start is tried once, at a
/// word's edge, and each try reads a bounded stretch (plus at most one run of white space, which
/// only the token before it can start), so the whole takes time linear in the text.
struct IdentifierText {
  /// The folded characters.
  var codes: [UInt8] = []
  /// Where each code's character starts in the original, in UTF-8 bytes; nil when the text is
  /// ASCII and code `i` is byte `i`.
  var starts: [Int32]? = nil
  /// The original's length in UTF-8 bytes.
  var byteCount = 0

  /// A letter or digit with no ASCII form: part of a word, never of an identifier.
  static let otherWord: UInt8 = 0x01
  /// A symbol with no ASCII form.
  static let otherSymbol: UInt8 = 0x02

  var count: Int { codes.count }

  init(_ text: String) {
    var text = text
    text.makeContiguousUTF8()
    byteCount = text.utf8.count
    let isASCII = text.utf8.withContiguousStorageIfAvailable { bytes in bytes.allSatisfy { $0 < 0x80 } } ?? false
    if isASCII {
      codes = text.utf8.withContiguousStorageIfAvailable { bytes in
        bytes.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
      } ?? []
      return
    }
    codes.reserveCapacity(byteCount)
    var starts: [Int32] = []
    starts.reserveCapacity(byteCount)
    var cache: [UInt32: UInt8] = [:]
    var offset: Int32 = 0
    for scalar in text.unicodeScalars {
      let start = offset
      offset += Int32(UTF8.width(scalar))
      let value = scalar.value
      let code: UInt8
      if value < 0x80 {
        let byte = UInt8(value)
        code = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
      } else if let known = cache[value] {
        code = known
      } else {
        code = Self.fold(scalar)
        cache[value] = code
      }
      guard code != 0 else { continue }
      codes.append(code)
      starts.append(start)
    }
    self.starts = starts
  }

  /// The code for one non-ASCII character; 0 for one that leaves nothing.
  static func fold(_ scalar: Unicode.Scalar) -> UInt8 {
    let properties = scalar.properties
    switch properties.generalCategory {
    case .format, .nonspacingMark, .enclosingMark, .spacingMark: return 0
    default: if properties.isDefaultIgnorableCodePoint { return 0 }
    }
    switch scalar.value {
    case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D: return UInt8(ascii: "-")
    case 0x2018, 0x2019, 0x02BC: return UInt8(ascii: "'")
    case 0x85, 0x2028, 0x2029: return UInt8(ascii: "\n")
    default: break
    }
    let decomposed = String(scalar).decomposedStringWithCompatibilityMapping.unicodeScalars.filter {
      let category = $0.properties.generalCategory
      return category != .nonspacingMark && category != .enclosingMark && category != .format
    }
    if decomposed.count == 1, let only = decomposed.first, only.isASCII {
      let byte = UInt8(only.value)
      return byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
    if properties.generalCategory == .decimalNumber, let value = properties.numericValue, value >= 0, value <= 9 {
      return UInt8(ascii: "0") + UInt8(value)
    }
    if properties.isWhitespace { return UInt8(ascii: " ") }
    if properties.isAlphabetic || properties.numericType != nil { return otherWord }
    return otherSymbol
  }

  /// Where code `index` starts in the original, in UTF-8 bytes (the original's end for `count`).
  func byteOffset(_ index: Int) -> Int {
    guard index < codes.count else { return byteCount }
    return starts.map { Int($0[index]) } ?? index
  }

  /// The UTF-8 range of the original that codes `range` came from, with any invisible characters
  /// and marks after the last one.
  func byteRange(_ range: Range<Int>) -> Range<Int> {
    byteOffset(range.lowerBound)..<byteOffset(range.upperBound)
  }
}

/// The identifier rules' scanners over an ``IdentifierText``.
///
/// Each mirrors one regular expression (written beside it) exactly, apart from the folding: a
/// match needs a word's edge (no letter, digit or `_` next to it) at both ends.
struct IdentifierScanner {
  let text: IdentifierText
  private let codes: [UInt8]
  private let count: Int

  init(_ text: IdentifierText) {
    self.text = text
    self.codes = text.codes
    self.count = text.codes.count
  }

  // MARK: Character classes

  @inline(__always) func code(_ index: Int) -> UInt8 { index >= 0 && index < count ? codes[index] : 0 }

  @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
  @inline(__always) static func isLetter(_ c: UInt8) -> Bool { c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") }
  @inline(__always) static func isWord(_ c: UInt8) -> Bool {
    isDigit(c) || isLetter(c) || c == UInt8(ascii: "_") || c == IdentifierText.otherWord
  }
  /// `\s`.
  @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
  /// `[/.\-]`, the separators of a numeric date.
  @inline(__always) static func isDateSeparator(_ c: UInt8) -> Bool {
    c == UInt8(ascii: "/") || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
  }

  /// No word character just before `index`.
  @inline(__always) func edgeBefore(_ index: Int) -> Bool { index == 0 || !Self.isWord(codes[index - 1]) }
  /// No word character at `index`.
  @inline(__always) func edgeAt(_ index: Int) -> Bool { index >= count || !Self.isWord(codes[index]) }

  func run(from index: Int, while test: (UInt8) -> Bool) -> Int {
    var end = index
    while end < count && test(codes[end]) { end += 1 }
    return end - index
  }

  func digits(from index: Int) -> Int { run(from: index, while: Self.isDigit) }
  func spaces(from index: Int) -> Int { run(from: index, while: Self.isSpace) }

  func matches(_ literal: StaticString, at index: Int) -> Bool {
    let length = literal.utf8CodeUnitCount
    guard index + length <= count else { return false }
    return literal.withUTF8Buffer { bytes in
      for k in 0..<length where codes[index + k] != bytes[k] { return false }
      return true
    }
  }

  func number(_ range: Range<Int>) -> Int {
    codes[range].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
  }

  /// Every match of `scanner`, tried at each index where `first` holds and a word starts; the
  /// search goes on after a match's end, as a regular expression's does.
  func all<T>(where first: (UInt8) -> Bool, _ scanner: (Int) -> (end: Int, value: T)?) -> [T] {
    var found: [T] = []
    var index = 0
    while index < count {
      if first(codes[index]), edgeBefore(index), let match = scanner(index) {
        found.append(match.value)
        index = max(match.end, index + 1)
      } else {
        index += 1
      }
    }
    return found
  }

  /// ``all(where:_:)`` for scanners that find only a range.
  func ranges(where first: (UInt8) -> Bool, _ scanner: (Int) -> Int?) -> [Range<Int>] {
    all(where: first) { i in scanner(i).map { ($0, i..<$0) } }
  }

  // MARK: NHS and PPS numbers

  /// `(?<![0-9][ \-.])([0-9]{3})((?:[ ]{1,3}|[\-.])?)([0-9]{3})\2([0-9]{4})(?![ \-.][0-9])`, a
  /// no-break space read as a space and every dash as `-`.
  func nhsNumbers() -> [Range<Int>] {
    ranges(where: Self.isDigit) { i in
      if i >= 2, Self.isDigit(codes[i - 2]), Self.isNHSSeparator(codes[i - 1]) { return nil }
      let first = digits(from: i)
      let end: Int
      if first == 10 {
        end = i + 10
      } else if first == 3 {
        let separator = code(i + 3)
        let width: Int
        if separator == 0x20 {
          width = run(from: i + 3) { $0 == 0x20 }
          guard (1...3).contains(width) else { return nil }
        } else if separator == UInt8(ascii: "-") || separator == UInt8(ascii: ".") {
          width = 1
        } else {
          return nil
        }
        let second = i + 3 + width
        guard digits(from: second) == 3 else { return nil }
        for k in 0..<width where code(second + 3 + k) != separator { return nil }
        let third = second + 3 + width
        guard digits(from: third) == 4 else { return nil }
        end = third + 4
      } else {
        return nil
      }
      guard edgeAt(end), !(Self.isNHSSeparator(code(end)) && Self.isDigit(code(end + 1))) else { return nil }
      return end
    }
  }

  @inline(__always) static func isNHSSeparator(_ c: UInt8) -> Bool {
    c == 0x20 || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
  }

  /// The ten digits of an NHS number match.
  func nhsDigits(_ range: Range<Int>) -> String {
    String(decoding: codes[range].filter(Self.isDigit), as: UTF8.self)
  }

  /// `[0-9]{7}[A-W]{1,2}`, any case.
  func ppsns() -> [Range<Int>] {
    ranges(where: Self.isDigit) { i in
      guard digits(from: i) == 7 else { return nil }
      let letters = run(from: i + 7, while: Self.isLetter)
      guard (1...2).contains(letters), edgeAt(i + 7 + letters) else { return nil }
      for k in 0..<letters where codes[i + 7 + k] > UInt8(ascii: "w") { return nil }
      return i + 7 + letters
    }
  }

  /// A PPS number match as `isValidPPSN` reads it.
  func ppsnText(_ range: Range<Int>) -> String {
    String(decoding: codes[range], as: UTF8.self).uppercased()
  }

  // MARK: Dates

  /// A date's parts.
  struct DateParts {
    /// In codes.
    var range: Range<Int>
    var day: Int
    var month: Int
    var year: Int
    var yearDigits: Int
    /// Day and month may be either way round.
    var eitherOrder: Bool
  }

  /// After a date's last digits: a word's edge, and not `[/.\-][0-9]`.
  private func dateEnds(_ end: Int) -> Bool {
    edgeAt(end) && !(Self.isDateSeparator(code(end)) && Self.isDigit(code(end + 1)))
  }

  /// Not just after `[0-9][/.\-]`.
  private func dateStarts(_ i: Int) -> Bool {
    !(i >= 2 && Self.isDigit(codes[i - 2]) && Self.isDateSeparator(codes[i - 1]))
  }

  /// `(?<![0-9][/.\-])([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})(?![/.\-][0-9])`:
  /// day and month in either order.
  func numericDMY() -> [DateParts] {
    all(where: Self.isDigit) { i in
      guard dateStarts(i) else { return nil }
      let first = digits(from: i)
      guard (1...2).contains(first) else { return nil }
      let separator = code(i + first)
      guard Self.isDateSeparator(separator) else { return nil }
      let secondStart = i + first + 1
      let second = digits(from: secondStart)
      guard (1...2).contains(second), code(secondStart + second) == separator else { return nil }
      let yearStart = secondStart + second + 1
      let year = digits(from: yearStart)
      guard year == 4 || year == 2, dateEnds(yearStart + year) else { return nil }
      let end = yearStart + year
      return (
        end,
        DateParts(
          range: i..<end, day: number(i..<(i + first)), month: number(secondStart..<(secondStart + second)),
          year: number(yearStart..<end), yearDigits: year, eitherOrder: true)
      )
    }
  }

  /// `(?<![0-9][/.\-])([0-9]{4})([/.\-])([0-9]{1,2})\2([0-9]{1,2})(?![/.\-][0-9])`.
  func numericYMD() -> [DateParts] {
    all(where: Self.isDigit) { i in
      guard dateStarts(i), digits(from: i) == 4 else { return nil }
      let separator = code(i + 4)
      guard Self.isDateSeparator(separator) else { return nil }
      let month = digits(from: i + 5)
      guard (1...2).contains(month), code(i + 5 + month) == separator else { return nil }
      let dayStart = i + 5 + month + 1
      let day = digits(from: dayStart)
      guard (1...2).contains(day), dateEnds(dayStart + day) else { return nil }
      let end = dayStart + day
      return (
        end,
        DateParts(
          range: i..<end, day: number(dayStart..<end), month: number((i + 5)..<(i + 5 + month)),
          year: number(i..<(i + 4)), yearDigits: 4, eitherOrder: false)
      )
    }
  }

  /// The letters a month's name starts with, by code.
  static let monthInitial: [Bool] = (0..<256).map { "jfmasond".utf8.contains(UInt8($0)) }

  static let monthForms: [String: Int] = [
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
  ]

  /// A month's name or abbreviation at `index`, a whole run of letters: its number and end.
  func monthName(at index: Int) -> (month: Int, end: Int)? {
    guard index < count, Self.monthInitial[Int(codes[index])] else { return nil }
    let length = run(from: index, while: Self.isLetter)
    guard (3...9).contains(length) else { return nil }
    let word = String(decoding: codes[index..<(index + length)], as: UTF8.self)
    return Self.monthForms[word].map { ($0, index + length) }
  }

  /// `st`, `nd`, `rd` or `th` at `index`: its end, or `index`.
  private func ordinal(at index: Int) -> Int {
    for suffix: StaticString in ["st", "nd", "rd", "th"] where matches(suffix, at: index) { return index + 2 }
    return index
  }

  /// `\s+([0-9]{4}|['’]?[0-9]{2})` then a word's edge: the year's digits.
  private func writtenYear(at index: Int) -> Range<Int>? {
    let gap = spaces(from: index)
    guard gap > 0 else { return nil }
    let start = index + gap
    let run = digits(from: start)
    if run == 4 || run == 2 { return edgeAt(start + run) ? start..<(start + run) : nil }
    guard code(start) == UInt8(ascii: "'"), digits(from: start + 1) == 2, edgeAt(start + 3) else { return nil }
    return (start + 1)..<(start + 3)
  }

  /// `([0-9]{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+<month>\.?,?\s+<year>`: `4 July 1985`,
  /// `4th of July, 1985`, `4 Jul '85`.
  func textDMY() -> [DateParts] {
    all(where: Self.isDigit) { i in
      let dayDigits = digits(from: i)
      guard (1...2).contains(dayDigits) else { return nil }
      let afterDay = ordinal(at: i + dayDigits)
      let gap = spaces(from: afterDay)
      guard gap > 0 else { return nil }
      var monthStart = afterDay + gap
      if matches("of", at: monthStart) {
        let gapAfterOf = spaces(from: monthStart + 2)
        if gapAfterOf > 0, monthName(at: monthStart + 2 + gapAfterOf) != nil { monthStart += 2 + gapAfterOf }
      }
      guard let (month, monthEnd) = monthName(at: monthStart) else { return nil }
      var p = monthEnd
      if code(p) == UInt8(ascii: ".") { p += 1 }
      if code(p) == UInt8(ascii: ",") { p += 1 }
      guard let year = writtenYear(at: p) else { return nil }
      return (
        year.upperBound,
        DateParts(
          range: i..<year.upperBound, day: number(i..<(i + dayDigits)), month: month, year: number(year),
          yearDigits: year.count, eitherOrder: false)
      )
    }
  }

  /// `<month>\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?,?\s+<year>`: `July 4, 1985`, `Jul 4th 1985`.
  func textMDY() -> [DateParts] {
    all(where: Self.isLetter) { i in
      guard let (month, monthEnd) = monthName(at: i) else { return nil }
      var p = monthEnd
      if code(p) == UInt8(ascii: ".") { p += 1 }
      let gap = spaces(from: p)
      guard gap > 0 else { return nil }
      let dayStart = p + gap
      let dayDigits = digits(from: dayStart)
      guard (1...2).contains(dayDigits) else { return nil }
      p = ordinal(at: dayStart + dayDigits)
      if code(p) == UInt8(ascii: ",") { p += 1 }
      guard let year = writtenYear(at: p) else { return nil }
      return (
        year.upperBound,
        DateParts(
          range: i..<year.upperBound, day: number(dayStart..<(dayStart + dayDigits)), month: month, year: number(year),
          yearDigits: year.count, eitherOrder: false)
      )
    }
  }

  // MARK: Birth keywords and the gaps around them

  /// `d\.?\s?o\.?\s?b|date\s+of\s+birth|birth\s*-?\s*date|born(?:\s+on)?|birthday`, each
  /// ending at a word's edge.
  func birthKeywords() -> [Range<Int>] {
    ranges(where: { $0 == UInt8(ascii: "d") || $0 == UInt8(ascii: "b") }) { i in
      if let end = dob(i), edgeAt(end) { return end }
      if matches("date", at: i) {
        let gap = spaces(from: i + 4)
        if gap > 0, matches("of", at: i + 4 + gap) {
          let gap2 = spaces(from: i + 6 + gap)
          if gap2 > 0, matches("birth", at: i + 6 + gap + gap2), edgeAt(i + 11 + gap + gap2) { return i + 11 + gap + gap2 }
        }
      }
      if matches("birth", at: i) {
        var p = i + 5 + spaces(from: i + 5)
        if code(p) == UInt8(ascii: "-") { p += 1 }
        p += spaces(from: p)
        if matches("date", at: p), edgeAt(p + 4) { return p + 4 }
      }
      if matches("born", at: i) {
        let gap = spaces(from: i + 4)
        if gap > 0, matches("on", at: i + 4 + gap), edgeAt(i + 6 + gap) { return i + 6 + gap }
        if edgeAt(i + 4) { return i + 4 }
      }
      if matches("birthday", at: i), edgeAt(i + 8) { return i + 8 }
      return nil
    }
  }

  /// `d\.?\s?o\.?\s?b`: its end.
  private func dob(_ i: Int) -> Int? {
    guard code(i) == UInt8(ascii: "d") else { return nil }
    var p = i + 1
    for letter in [UInt8(ascii: "o"), UInt8(ascii: "b")] {
      if code(p) == UInt8(ascii: ".") { p += 1 }
      if Self.isSpace(code(p)) { p += 1 }
      guard code(p) == letter else { return nil }
      p += 1
    }
    return p
  }

  /// Whether codes `range` hold only what may stand between a birth keyword and the date after
  /// it: `(?:[\s:=\-.,;(\[]|is|was|on|of)*`.
  func isLeadingGap(_ range: Range<Int>) -> Bool {
    var p = range.lowerBound
    while p < range.upperBound {
      let c = codes[p]
      if Self.isSpace(c) || c == UInt8(ascii: ":") || c == UInt8(ascii: "=") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
        || c == UInt8(ascii: ",") || c == UInt8(ascii: ";") || c == UInt8(ascii: "(") || c == UInt8(ascii: "[")
      {
        p += 1
      } else if matches("was", at: p), p + 3 <= range.upperBound {
        p += 3
      } else if matches("is", at: p) || matches("on", at: p) || matches("of", at: p), p + 2 <= range.upperBound {
        p += 2
      } else {
        return false
      }
    }
    return true
  }

  /// Whether codes `range` hold only what may stand between a date and a birth keyword after it:
  /// `[\s(\[\-,]*`.
  func isTrailingGap(_ range: Range<Int>) -> Bool {
    codes[range].allSatisfy {
      Self.isSpace($0) || $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ",")
    }
  }
}
