import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one text form of a UTC instant in the store: `2026-11-20T14:03:00.000Z`.
///
/// It is fixed-width, so text order is time order.
public enum UTCStamp {
  /// The instants a stamp can hold, 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.000Z: its
  /// year has four digits. Importers refuse a time outside it (see ``OccurredAt/epoch(_:milliseconds:original:)``).
  public static let range = Date(timeIntervalSince1970: -62_167_219_200)...Date(timeIntervalSince1970: 253_402_300_799)

  /// Formats an instant as `YYYY-MM-DDTHH:MM:SS.mmmZ`. An instant outside ``range`` (or NaN) is
  /// written as the nearest end of it rather than trap: callers check the range first.
  public static func format(_ date: Date) -> String {
    let interval = date.timeIntervalSince1970
    let lower = range.lowerBound.timeIntervalSince1970
    let upper = range.upperBound.timeIntervalSince1970
    let clamped = interval.isNaN ? lower : min(max(interval, lower), upper)
    let totalMillis = (clamped * 1000).rounded(.down)
    var seconds = time_t(Int64((totalMillis / 1000).rounded(.down)))
    let millis = Int(totalMillis - Double(Int64(seconds)) * 1000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    // Written digit by digit: this runs once per imported message, and String(format:) is slow.
    var bytes = [UInt8](repeating: 0, count: 24)
    func put(_ value: Int, at offset: Int, width: Int) {
      var rest = value
      for index in stride(from: offset + width - 1, through: offset, by: -1) {
        bytes[index] = UInt8(48 + rest % 10)
        rest /= 10
      }
    }
    put(Int(parts.tm_year) + 1900, at: 0, width: 4)
    bytes[4] = UInt8(ascii: "-")
    put(Int(parts.tm_mon) + 1, at: 5, width: 2)
    bytes[7] = UInt8(ascii: "-")
    put(Int(parts.tm_mday), at: 8, width: 2)
    bytes[10] = UInt8(ascii: "T")
    put(Int(parts.tm_hour), at: 11, width: 2)
    bytes[13] = UInt8(ascii: ":")
    put(Int(parts.tm_min), at: 14, width: 2)
    bytes[16] = UInt8(ascii: ":")
    put(Int(parts.tm_sec), at: 17, width: 2)
    bytes[19] = UInt8(ascii: ".")
    put(millis, at: 20, width: 3)
    bytes[23] = UInt8(ascii: "Z")
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The instant of a wall-clock time read as UTC, in the proleptic Gregorian calendar (glibc's
  /// `timegm`), or nil when a field is out of range. Foundation's Gregorian calendar switches to
  /// the Julian one before 1582-10-15, which would move such a date by days.
  public static func instant(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
    guard (0...9999).contains(year), (1...12).contains(month), day >= 1,
      day <= CalendarDay.daysIn(month: month, year: year), (0...23).contains(hour), (0...59).contains(minute),
      (0...60).contains(second)
    else { return nil }
    var parts = tm()
    parts.tm_year = Int32(year - 1900)
    parts.tm_mon = Int32(month - 1)
    parts.tm_mday = Int32(day)
    parts.tm_hour = Int32(hour)
    parts.tm_min = Int32(minute)
    parts.tm_sec = Int32(second)
    return Date(timeIntervalSince1970: Double(timegm(&parts)))
  }

  /// Parses the store's own form back into an instant.
  public static func parse(_ text: String) -> Date? {
    let scalars = Array(text.utf8)
    guard scalars.count == 24, scalars[23] == UInt8(ascii: "Z") else { return nil }
    func number(_ from: Int, _ length: Int) -> Int? {
      var value = 0
      for byte in scalars[from..<(from + length)] {
        guard byte >= 48, byte <= 57 else { return nil }
        value = value * 10 + Int(byte - 48)
      }
      return value
    }
    guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
      let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
      let millis = number(20, 3)
    else { return nil }
    return instant(year: year, month: month, day: day, hour: hour, minute: minute, second: second)?
      .addingTimeInterval(Double(millis) / 1000)
  }
}

/// A calendar day as the doctor states it, `YYYY-MM-DD`, used for the dates of ladder steps.
public struct CalendarDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  public let year: Int
  public let month: Int
  public let day: Int

  public init(year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// Parses `YYYY-MM-DD`, rejecting days that do not exist.
  public static func parse(_ text: String) throws -> CalendarDay {
    let fields = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
    guard fields.count == 3, fields[0].count == 4, fields[1].count == 2, fields[2].count == 2,
      let year = Int(fields[0]), let month = Int(fields[1]), let day = Int(fields[2]),
      (1...12).contains(month), day >= 1, day <= CalendarDay.daysIn(month: month, year: year)
    else {
      throw CasefileError(.badTime, "'\(text)' is not a date; write it as YYYY-MM-DD")
    }
    return CalendarDay(year: year, month: month, day: day)
  }

  /// The day on which `date` falls in `zone`.
  public static func on(_ date: Date, in zone: TimeZone) -> CalendarDay {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let parts = calendar.dateComponents([.year, .month, .day], from: date)
    return CalendarDay(year: parts.year!, month: parts.month!, day: parts.day!)
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// Whole days from `self` to `other` (negative when `other` is earlier).
  public func days(until other: CalendarDay) -> Int {
    other.dayNumber - dayNumber
  }

  /// Days since 1970-01-01 in the proleptic Gregorian calendar.
  var dayNumber: Int {
    var parts = tm()
    parts.tm_year = Int32(year - 1900)
    parts.tm_mon = Int32(month - 1)
    parts.tm_mday = Int32(day)
    parts.tm_hour = 12
    // Rounded down, not towards zero: a day before 1970 has a negative number.
    return Int((Double(timegm(&parts)) / 86_400).rounded(.down))
  }

  public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

  public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }

  public init(from decoder: Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    self = try CalendarDay.parse(text)
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

/// The time at which a message was sent, as the doctor or the source gave it.
public struct OccurredAt: Sendable, Equatable, Codable {
  /// Where the zone of the original text came from.
  public enum ZoneSource: String, Sendable, Codable {
    /// The text itself carried an offset or a zone name.
    case stated
    /// The text had none; the zone was taken from `TZ` (or the system zone) and is assumed.
    case assumed
  }

  /// The instant, in UTC.
  public var utc: Date
  /// The text exactly as given.
  public var original: String
  /// The zone the original text is read in: an offset such as `+01:00` or an IANA name.
  public var zone: String
  public var zoneSource: ZoneSource

  public init(utc: Date, original: String, zone: String, zoneSource: ZoneSource) {
    self.utc = utc
    self.original = original
    self.zone = zone
    self.zoneSource = zoneSource
  }

  /// A time written as a whole number of seconds or milliseconds since 1970 (UTC), as exports
  /// write them: kept as its digits in `original`, with the unit as its zone (`epoch-s` or
  /// `epoch-ms`), stated. Nil when it falls outside ``UTCStamp/range``, which no real message is.
  public static func epoch(_ value: Int64, milliseconds: Bool, original: String) -> OccurredAt? {
    let utc = Date(timeIntervalSince1970: milliseconds ? Double(value) / 1000 : Double(value))
    guard UTCStamp.range.contains(utc) else { return nil }
    return OccurredAt(utc: utc, original: original, zone: milliseconds ? "epoch-ms" : "epoch-s", zoneSource: .stated)
  }

  /// Parses a time given on the command line.
  ///
  /// Accepted: `YYYY-MM-DD[T| ]HH:MM[:SS[.fff]]`, followed by `Z`, an offset (`+01:00`, `+0100`,
  /// `-05`), or a space and an IANA zone name (`Europe/Dublin`). Without any of these the time is
  /// read in `defaultZone` and recorded as assumed. A local time that does not exist or that
  /// exists twice in that zone (a daylight-saving change) is refused: the doctor must state the
  /// offset.
  public static func parse(_ text: String, defaultZone: TimeZone) throws -> OccurredAt {
    try parse(text, defaultZone: defaultZone, lenient: false).occurredAt
  }

  /// Parses a time read from an export, in the same shapes as ``parse(_:defaultZone:)``. The
  /// doctor cannot restate such a time, so a wall-clock time in a daylight-saving gap or overlap
  /// is not refused: it is read with the offset in force before the change, or as the earlier of
  /// its two instants, and `clockChange` is told which (in words that follow the time's text).
  public static func parseImported(
    _ text: String, defaultZone: TimeZone, clockChange: (String) -> Void
  ) throws -> OccurredAt {
    let (occurredAt, warning) = try parse(text, defaultZone: defaultZone, lenient: true)
    if let warning { clockChange(warning) }
    return occurredAt
  }

  private static func parse(
    _ text: String, defaultZone: TimeZone, lenient: Bool
  ) throws -> (occurredAt: OccurredAt, warning: String?) {
    let original = text
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    func fail(_ why: String) -> CasefileError {
      CasefileError(.badTime, "'\(original)' is not a usable time: \(why)")
    }
    guard trimmed.count >= 16 else {
      throw fail("write it as YYYY-MM-DD HH:MM, optionally with seconds and an offset or zone")
    }
    var rest = Substring(trimmed)
    let datePart = rest.prefix(10)
    rest = rest.dropFirst(10)
    let day = try CalendarDay.parse(String(datePart))
    guard let separator = rest.first, separator == "T" || separator == " " || separator == "t" else {
      throw fail("a date and a time are needed, separated by 'T' or a space")
    }
    rest = rest.dropFirst()
    // The clock part: HH:MM[:SS[.fff]]
    let clockEnd = rest.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ":" || $0 == ".")) } ?? rest.endIndex
    let clock = rest[rest.startIndex..<clockEnd]
    rest = rest[clockEnd...]
    let clockFields = clock.split(separator: ":", omittingEmptySubsequences: false)
    guard clockFields.count == 2 || clockFields.count == 3,
      clockFields[0].count == 2, clockFields[1].count == 2,
      let hour = Int(clockFields[0]), let minute = Int(clockFields[1]),
      (0...23).contains(hour), (0...59).contains(minute)
    else { throw fail("the time of day must be HH:MM or HH:MM:SS") }
    var second = 0
    var millis = 0
    if clockFields.count == 3 {
      let secondParts = clockFields[2].split(separator: ".", omittingEmptySubsequences: false)
      guard secondParts[0].count == 2, let s = Int(secondParts[0]), (0...59).contains(s),
        secondParts.count <= 2
      else { throw fail("the seconds must be two digits, 00 to 59") }
      second = s
      if secondParts.count == 2 {
        let fraction = secondParts[1]
        guard (1...9).contains(fraction.count), fraction.allSatisfy(\.isNumber) else {
          throw fail("the fraction of a second must be digits")
        }
        millis = Int(String(fraction.prefix(3)).padding(toLength: 3, withPad: "0", startingAt: 0))!
      }
    }

    var parts = DateComponents()
    parts.year = day.year
    parts.month = day.month
    parts.day = day.day
    parts.hour = hour
    parts.minute = minute
    parts.second = second

    let zoneText = rest.trimmingCharacters(in: .whitespaces)
    var warning: String?
    func local(_ zone: TimeZone) throws -> Date {
      guard lenient else { return try localInstant(parts, in: zone, millis: millis, fail: fail) }
      guard let asUTC = wallClockAsUTC(parts) else { throw fail("no such time") }
      let (instant, note) = wallClockInstant(asUTC, in: zone)
      warning = note
      return instant.addingTimeInterval(Double(millis) / 1000)
    }
    if zoneText.isEmpty {
      let utc = try local(defaultZone)
      return (OccurredAt(utc: utc, original: original, zone: defaultZone.identifier, zoneSource: .assumed), warning)
    }
    if zoneText.uppercased() == "Z" || zoneText.uppercased() == "UTC" {
      let utc = try instant(parts, offset: 0, millis: millis, fail: fail)
      return (OccurredAt(utc: utc, original: original, zone: "UTC", zoneSource: .stated), nil)
    }
    if let offset = parseOffset(zoneText) {
      let utc = try instant(parts, offset: offset, millis: millis, fail: fail)
      return (OccurredAt(utc: utc, original: original, zone: formatOffset(offset), zoneSource: .stated), nil)
    }
    if zoneText.contains("/"), let named = TimeZone(identifier: zoneText) {
      let utc = try local(named)
      return (OccurredAt(utc: utc, original: original, zone: named.identifier, zoneSource: .stated), warning)
    }
    throw fail("'\(zoneText)' is neither an offset such as +01:00 nor a zone name such as Europe/Dublin")
  }

  /// Reads `±HH`, `±HHMM` or `±HH:MM`.
  static func parseOffset(_ text: String) -> Int? {
    guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
    let digits = text.dropFirst().replacingOccurrences(of: ":", with: "")
    guard digits.allSatisfy(\.isNumber), digits.count == 2 || digits.count == 4 else { return nil }
    let hours = Int(digits.prefix(2))!
    let minutes = digits.count == 4 ? Int(digits.suffix(2))! : 0
    guard hours <= 14, minutes < 60 else { return nil }
    let total = hours * 3600 + minutes * 60
    return sign == "-" ? -total : total
  }

  static func formatOffset(_ seconds: Int) -> String {
    let sign = seconds < 0 ? "-" : "+"
    let magnitude = abs(seconds)
    return String(format: "%@%02d:%02d", sign, magnitude / 3600, (magnitude % 3600) / 60)
  }

  private static func instant(
    _ parts: DateComponents, offset: Int, millis: Int, fail: (String) -> CasefileError
  ) throws -> Date {
    guard let asUTC = wallClockAsUTC(parts) else { throw fail("no such time") }
    return asUTC.addingTimeInterval(Double(millis) / 1000 - Double(offset))
  }

  /// The wall-clock time of `parts` as if it were UTC, in the proleptic Gregorian calendar.
  private static func wallClockAsUTC(_ parts: DateComponents) -> Date? {
    guard let year = parts.year, let month = parts.month, let day = parts.day, let hour = parts.hour,
      let minute = parts.minute, let second = parts.second
    else { return nil }
    return UTCStamp.instant(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
  }

  /// Every instant whose offset in `zone`, applied to it, gives back a wall-clock time (given as
  /// if it were UTC), earliest first: none in a spring gap, two in an autumn overlap.
  static func wallClockInstants(_ asUTC: Date, in zone: TimeZone) -> [Date] {
    var candidates = Set<Date>()
    for probe in stride(from: -26, through: 26, by: 2) {
      let offset = zone.secondsFromGMT(for: asUTC.addingTimeInterval(Double(probe) * 3600))
      let candidate = asUTC.addingTimeInterval(-Double(offset))
      if zone.secondsFromGMT(for: candidate) == offset { candidates.insert(candidate) }
    }
    return candidates.sorted()
  }

  /// The instant of a wall-clock time (given as if it were UTC) in a zone, never refused: one in
  /// a spring gap is read with the offset in force before the change, one in an autumn overlap
  /// as the earlier instant; the warning says which.
  static func wallClockInstant(_ asUTC: Date, in zone: TimeZone) -> (Date, String?) {
    let candidates = wallClockInstants(asUTC, in: zone)
    guard let first = candidates.first else {
      let before = zone.secondsFromGMT(for: asUTC.addingTimeInterval(-86_400))
      return (
        asUTC.addingTimeInterval(-Double(before)),
        "does not exist in \(zone.identifier) (the clocks went forward); it was read with the offset in force before the change, \(formatOffset(before))"
      )
    }
    if candidates.count > 1 {
      return (first, "happens twice in \(zone.identifier) (the clocks went back); the earlier instant was taken")
    }
    return (first, nil)
  }

  /// Converts a wall-clock time in a zone with daylight saving, refusing gaps and overlaps.
  private static func localInstant(
    _ parts: DateComponents, in zone: TimeZone, millis: Int, fail: (String) -> CasefileError
  ) throws -> Date {
    guard let asUTC = wallClockAsUTC(parts) else { throw fail("no such time") }
    let candidates = wallClockInstants(asUTC, in: zone)
    if candidates.isEmpty {
      throw fail("that wall-clock time does not exist in \(zone.identifier) (a daylight-saving change); state the offset, e.g. +01:00")
    }
    if candidates.count > 1 {
      throw fail("that wall-clock time happens twice in \(zone.identifier) (a daylight-saving change); state the offset, e.g. +01:00")
    }
    return candidates.first!.addingTimeInterval(Double(millis) / 1000)
  }
}
