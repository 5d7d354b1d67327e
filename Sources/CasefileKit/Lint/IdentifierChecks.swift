/// The check digits of the identifiers that the lint looks for, and the dates it reads.
public enum IdentifierChecks {
  /// Whether ten digits (separators ignored) make a valid NHS number: weights 10 down to 2 on the
  /// first nine digits, check digit 11 minus the sum modulo 11, where 11 means 0 and 10 means the
  /// number is invalid. Scotland's CHI numbers use the same check.
  public static func isValidNHSNumber(_ text: String) -> Bool {
    let digits = text.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
    guard digits.count == 10, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == " " || $0 == "-") }) else {
      return false
    }
    guard let check = nhsCheckDigit(Array(digits.prefix(9))) else { return false }
    return check == digits[9]
  }

  /// The check digit for the first nine digits of an NHS number; nil when no check digit makes
  /// the number valid, or when `nine` is not nine digits from 0 to 9.
  public static func nhsCheckDigit(_ nine: [Int]) -> Int? {
    guard nine.count == 9, nine.allSatisfy({ (0...9).contains($0) }) else { return nil }
    let sum = zip(nine, (2...10).reversed()).reduce(0) { $0 + $1.0 * $1.1 }
    switch 11 - sum % 11 {
    case 11: return 0
    case 10: return nil
    case let check: return check
    }
  }

  /// Whether a text is a valid Irish PPS number: seven digits, a check letter and, in the newer
  /// format, a second letter (`1234567T`, `1234567TW`, `1234567FA`).
  ///
  /// The digits are weighted 8 down to 2 and the second letter 9 (A = 1 … V = 22, W = 0); the
  /// check letter is the sum modulo 23 with 0 = W, 1 = A … 22 = V. Letters may be lower case.
  public static func isValidPPSN(_ text: String) -> Bool {
    let characters = Array(text.uppercased())
    guard characters.count == 8 || characters.count == 9,
      characters.prefix(7).allSatisfy({ $0.isASCII && $0.isNumber })
    else { return false }
    let digits = characters.prefix(7).compactMap(\.wholeNumberValue)
    var second = 0
    if characters.count == 9 {
      guard let value = ppsnLetterValue(characters[8]) else { return false }
      second = value
    }
    guard let check = ppsnLetterValue(characters[7]) else { return false }
    let sum = zip(digits, (2...8).reversed()).reduce(0) { $0 + $1.0 * $1.1 } + 9 * second
    return sum % 23 == check
  }

  /// A = 1 … V = 22, W = 0; nil for any other character.
  static func ppsnLetterValue(_ letter: Character) -> Int? {
    guard let ascii = letter.asciiValue else { return nil }
    switch ascii {
    case UInt8(ascii: "A")...UInt8(ascii: "V"): return Int(ascii - UInt8(ascii: "A")) + 1
    case UInt8(ascii: "W"): return 0
    default: return nil
    }
  }

  /// The days that a written date can mean: day-month and month-day orders, and for a two-digit
  /// year both 19xx and 20xx. Days that do not exist are left out.
  static func readings(first: Int, second: Int, year: Int, yearDigits: Int, dayFirstOnly: Bool) -> [CalendarDay] {
    let years = yearDigits == 2 ? [1900 + year, 2000 + year] : [year]
    var orders = [(day: first, month: second)]
    if !dayFirstOnly, first != second { orders.append((day: second, month: first)) }
    var days: [CalendarDay] = []
    for year in years {
      for order in orders where (1...12).contains(order.month) {
        guard order.day >= 1, order.day <= CalendarDay.daysIn(month: order.month, year: year) else { continue }
        days.append(CalendarDay(year: year, month: order.month, day: order.day))
      }
    }
    return days
  }

  /// The month (1–12) that an English month name or its usual abbreviation stands for.
  static func month(named name: String) -> Int? {
    let key = name.lowercased().prefix(3)
    let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    return months.firstIndex(of: String(key)).map { $0 + 1 }
  }
}
