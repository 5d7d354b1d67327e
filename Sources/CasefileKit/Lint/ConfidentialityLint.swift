import Foundation

/// One place in an outgoing text that may breach confidentiality.
///
/// Nothing in a finding quotes the text around the match: ``explanation`` is the rule's own
/// wording, and ``preview`` is the match alone, with its digits masked.
public struct LintFinding: Hashable, Sendable, Identifiable {
  /// What `--allow` takes: `E-12/text/phrase:my-patient`, the source and the rule. When the rule
  /// matches more than once in the same source, each id ends in `@` and the match's character
  /// offset (`E-12/text/phrase:my-patient@57`), so that allowing one occurrence allows no other;
  /// any change to the text that moves or removes a match changes the ids, and blocks again.
  public let id: String
  /// `phrase:my-patient`, `nhs-number`, `custom:<slug>`, ….
  public let ruleID: String
  public let source: LintSource
  /// Why it may reveal a patient relationship or identify a person. It never quotes the text.
  public let explanation: String
  /// The match, in characters (`Character`s, as `String.count` counts them) from the text's start.
  public let range: Range<Int>
  /// The match alone, its whitespace shown as single spaces and its digits as `*` (an NHS
  /// number keeps its first three: `943 *** ****`), cut at 60 characters.
  public let preview: String

  public init(id: String, ruleID: String, source: LintSource, explanation: String, range: Range<Int>, preview: String) {
    self.id = id
    self.ruleID = ruleID
    self.source = source
    self.explanation = explanation
    self.range = range
    self.preview = preview
  }
}

/// The confidentiality lint: every text that is about to leave the machine, for a platform or the
/// police, is checked for wording that could reveal a patient relationship and for the shapes of
/// health and personal identifiers.
///
/// The rules (``LintRules`` lists the wording):
/// - **Phrases** (`phrase:<slug>`): built-in wording, and the user's own (`custom:<slug>`).
/// - **`nhs-number`**: ten digits, alone or as 3-3-4 with spaces, hyphens or dots, not glued to
///   other letters or digits, whose mod-11 check digit is valid. A phone number or an account id
///   of ten digits passes the check one time in eleven; those are shown and can be allowed.
/// - **`ppsn`**: seven digits and one or two letters, with a valid mod-23 check letter.
/// - **`date-of-birth`**: a date next to "DOB", "D.O.B.", "date of birth", "birth date", "born",
///   "born on" or "birthday" (before it, with only punctuation, "is", "was", "on" or "of"
///   between; or just after it, as in "04/07/1985 (DOB)"). Dates are `dd/mm/yyyy`, `mm/dd/yyyy`
///   and `yyyy-mm-dd` with `/`, `-` or `.`, a two-digit year (`04/07/85`), or a month name
///   (`4th July 1985`, `July 4, 1985`); any day that exists counts.
/// - **`full-date`**: the same shapes with a four-digit year and no such word, when one reading
///   of the date falls between 120 years before ``today`` and ``today``.
///
/// The trade-off of `full-date`: a date of birth written without a keyword is caught, but so is
/// every ordinary full date in that span ("on 12/03/2026 you wrote…"), and the doctor allows each
/// by its id. Timestamps glued to a time (`2026-11-20T21:15`) and dates inside longer runs of
/// digits are not read as dates.
public struct ConfidentialityLint: Sendable {
  /// The built-in rules and then the custom ones, in the order they are checked.
  public let rules: [LintRule]
  /// The day that `full-date` measures ages from.
  public let today: CalendarDay
  private let phraseMatchers: [PhraseMatcher]

  /// The built-in rules, for listing.
  public static var builtInRules: [LintRule] { LintRules.builtIn }

  /// A lint with the built-in rules and `customPhrases`, each `custom:<slug>`.
  ///
  /// Throws `bad-value` for a custom phrase without a letter or digit, or two with the same id.
  public init(customPhrases: [CustomPhrase] = [], today: CalendarDay) throws {
    var customRules: [LintRule] = []
    var seen = Set(LintRules.builtIn.map(\.id))
    for (index, phrase) in customPhrases.enumerated() {
      let rule = try LintRules.custom(phrase, number: index + 1)
      guard seen.insert(rule.id).inserted else {
        throw CasefileError(.badValue, "two custom lint phrases have the id \(rule.id)")
      }
      customRules.append(rule)
    }
    self.today = today
    self.rules = LintRules.phraseRules + LintRules.identifierRules + customRules
    self.phraseMatchers = Self.builtInMatchers + customRules.map { PhraseMatcher(rule: $0, allowPlural: false) }
  }

  /// Every finding in `texts`, in their order, and within a text by position, then rule id.
  ///
  /// Throws `internal` when two texts have the same source: their findings would share ids.
  public func lint(_ texts: [LintText]) throws -> [LintFinding] {
    var seen = Set<LintSource>()
    for text in texts where !seen.insert(text.source).inserted {
      throw CasefileError(.internalError, "two outgoing texts have the same source \(text.source)")
    }
    return texts.flatMap { lint($0.text, source: $0.source) }
  }

  /// Every finding in one text.
  public func lint(_ text: String, source: LintSource) -> [LintFinding] {
    guard !text.isEmpty else { return [] }
    var hits: [Hit] = []
    for matcher in phraseMatchers {
      for range in Self.matches(of: matcher.regex, in: text) {
        hits.append(Hit(rule: matcher.rule, range: range, preview: Self.preview(text[range])))
      }
    }
    hits += Self.nhsNumbers(in: text)
    hits += Self.ppsns(in: text)
    hits += dates(in: text)

    let located = hits.map { (hit: $0, range: Self.characterRange($0.range, in: text)) }
      .sorted { $0.range.lowerBound != $1.range.lowerBound ? $0.range.lowerBound < $1.range.lowerBound : $0.hit.rule.id < $1.hit.rule.id }
    var counts: [String: Int] = [:]
    for item in located { counts[item.hit.rule.id, default: 0] += 1 }
    return located.map { item in
      var id = "\(source)/\(LintSource.idComponent(item.hit.rule.id))"
      if counts[item.hit.rule.id, default: 0] > 1 { id += "@\(item.range.lowerBound)" }
      return LintFinding(
        id: id, ruleID: item.hit.rule.id, source: source, explanation: item.hit.rule.explanation,
        range: item.range, preview: item.hit.preview)
    }
  }

  /// The findings that still block once the ids in `allowed` are allowed. Ids are compared
  /// without regard to case or surrounding whitespace.
  public static func blocking(_ findings: [LintFinding], allowed: Set<String>) -> [LintFinding] {
    let keys = Set(allowed.map(allowKey))
    return findings.filter { !keys.contains(allowKey($0.id)) }
  }

  /// The ids in `allowed` that match no finding, sorted: allowances for texts that have changed,
  /// or mistyped.
  public static func unusedAllowances(_ allowed: Set<String>, in findings: [LintFinding]) -> [String] {
    let used = Set(findings.map { allowKey($0.id) })
    return allowed.filter { !used.contains(allowKey($0)) }.sorted()
  }

  private static func allowKey(_ id: String) -> String {
    id.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
  }

  // MARK: Matching

  /// One match of one rule, before it has an id.
  private struct Hit {
    var rule: LintRule
    var range: Range<String.Index>
    var preview: String
  }

  private struct PhraseMatcher: Sendable {
    let rule: LintRule
    let regex: NSRegularExpression

    init(rule: LintRule, allowPlural: Bool) {
      self.rule = rule
      self.regex = Patterns.compile(LintRules.pattern(for: rule.phrases, allowPlural: allowPlural))
    }
  }

  /// The built-in phrase rules, compiled once for every lint.
  private static let builtInMatchers = LintRules.phraseRules.map { PhraseMatcher(rule: $0, allowPlural: true) }

  private static func matches(of regex: NSRegularExpression, in text: String) -> [Range<String.Index>] {
    regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range, in: text) }
  }

  private static func group(_ index: Int, of match: NSTextCheckingResult, in text: String) -> Substring? {
    let range = match.range(at: index)
    guard range.location != NSNotFound, let bounds = Range(range, in: text) else { return nil }
    return text[bounds]
  }

  private static func characterRange(_ range: Range<String.Index>, in text: String) -> Range<Int> {
    let start = text.distance(from: text.startIndex, to: range.lowerBound)
    return start..<(start + text.distance(from: range.lowerBound, to: range.upperBound))
  }

  private static func nhsNumbers(in text: String) -> [Hit] {
    Patterns.nhs.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
      guard let range = Range(match.range, in: text) else { return nil }
      let digits = text[range].filter { $0.isASCII && $0.isNumber }
      guard digits.count == 10, IdentifierChecks.isValidNHSNumber(String(digits)) else { return nil }
      return Hit(rule: LintRules.nhsNumber, range: range, preview: "\(digits.prefix(3)) *** ****")
    }
  }

  private static func ppsns(in text: String) -> [Hit] {
    Patterns.ppsn.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
      guard let range = Range(match.range, in: text), IdentifierChecks.isValidPPSN(String(text[range])) else {
        return nil
      }
      return Hit(rule: LintRules.ppsn, range: range, preview: preview(text[range]).uppercased())
    }
  }

  /// A date found in a text, with the days it can mean.
  private struct DateCandidate {
    var range: Range<String.Index>
    var readings: [CalendarDay]
    var fourDigitYear: Bool
  }

  private func dates(in text: String) -> [Hit] {
    let candidates = Self.dateCandidates(in: text)
    guard !candidates.isEmpty else { return [] }
    let keywords = Self.matches(of: Patterns.birthKeyword, in: text)
    var hits: [Hit] = []
    for candidate in candidates {
      let before = keywords.last { keyword in
        keyword.upperBound <= candidate.range.lowerBound
          && Self.isGap(text[keyword.upperBound..<candidate.range.lowerBound], Patterns.leadingGap, limit: 16)
      }
      let after = keywords.first { keyword in
        keyword.lowerBound >= candidate.range.upperBound
          && Self.isGap(text[candidate.range.upperBound..<keyword.lowerBound], Patterns.trailingGap, limit: 4)
      }
      if let before {
        let span = before.lowerBound..<candidate.range.upperBound
        hits.append(Hit(rule: LintRules.dateOfBirth, range: span, preview: Self.preview(text[span])))
      } else if let after {
        let span = candidate.range.lowerBound..<after.upperBound
        hits.append(Hit(rule: LintRules.dateOfBirth, range: span, preview: Self.preview(text[span])))
      } else if candidate.fourDigitYear,
        candidate.readings.contains(where: { $0 <= today && $0.year >= today.year - 120 })
      {
        hits.append(Hit(rule: LintRules.fullDate, range: candidate.range, preview: Self.preview(text[candidate.range])))
      }
    }
    return hits
  }

  /// The dates in a text that name a day that exists, without overlaps (the earliest, then the
  /// longest, wins).
  private static func dateCandidates(in text: String) -> [DateCandidate] {
    let whole = NSRange(text.startIndex..., in: text)
    var found: [DateCandidate] = []
    func add(_ match: NSTextCheckingResult, day: Substring?, month: Int?, year: Substring?, eitherOrder: Bool) {
      guard let range = Range(match.range, in: text), let day = day.flatMap({ Int($0) }), let month,
        let yearDigits = year.map({ $0.filter { $0.isASCII && $0.isNumber } }), let yearValue = Int(yearDigits)
      else { return }
      let readings = IdentifierChecks.readings(
        first: day, second: month, year: yearValue, yearDigits: yearDigits.count, dayFirstOnly: !eitherOrder)
      guard !readings.isEmpty else { return }
      found.append(DateCandidate(range: range, readings: readings, fourDigitYear: yearDigits.count == 4))
    }
    for match in Patterns.numericDMY.matches(in: text, range: whole) {
      add(
        match, day: group(1, of: match, in: text), month: group(3, of: match, in: text).flatMap { Int($0) },
        year: group(4, of: match, in: text), eitherOrder: true)
    }
    for match in Patterns.numericYMD.matches(in: text, range: whole) {
      add(
        match, day: group(4, of: match, in: text), month: group(3, of: match, in: text).flatMap { Int($0) },
        year: group(1, of: match, in: text), eitherOrder: false)
    }
    for match in Patterns.textDMY.matches(in: text, range: whole) {
      add(
        match, day: group(1, of: match, in: text),
        month: group(2, of: match, in: text).flatMap { IdentifierChecks.month(named: String($0)) },
        year: group(3, of: match, in: text), eitherOrder: false)
    }
    for match in Patterns.textMDY.matches(in: text, range: whole) {
      add(
        match, day: group(2, of: match, in: text),
        month: group(1, of: match, in: text).flatMap { IdentifierChecks.month(named: String($0)) },
        year: group(3, of: match, in: text), eitherOrder: false)
    }
    found.sort {
      $0.range.lowerBound != $1.range.lowerBound
        ? $0.range.lowerBound < $1.range.lowerBound : $0.range.upperBound > $1.range.upperBound
    }
    var kept: [DateCandidate] = []
    for candidate in found where kept.last.map({ $0.range.upperBound <= candidate.range.lowerBound }) ?? true {
      kept.append(candidate)
    }
    return kept
  }

  private static func isGap(_ gap: Substring, _ pattern: NSRegularExpression, limit: Int) -> Bool {
    guard gap.count <= limit else { return false }
    let text = String(gap)
    return pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
  }

  /// The match alone: whitespace and control characters as single spaces, invisible formatting
  /// characters dropped, digits as `*`, at most 60 characters.
  static func preview(_ match: Substring) -> String {
    var out = ""
    var pendingSpace = false
    for scalar in match.unicodeScalars {
      let category = scalar.properties.generalCategory
      switch category {
      case .format:
        continue
      case .control, .spaceSeparator, .lineSeparator, .paragraphSeparator:
        pendingSpace = !out.isEmpty
        continue
      default:
        break
      }
      if pendingSpace { out += " " }
      pendingSpace = false
      switch category {
      case .decimalNumber, .letterNumber, .otherNumber: out += "*"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out.count > 60 ? String(out.prefix(59)) + "…" : out
  }
}

/// The identifier patterns, compiled once.
private enum Patterns {
  static func compile(_ pattern: String, options: NSRegularExpression.Options = [.caseInsensitive]) -> NSRegularExpression {
    do {
      return try NSRegularExpression(pattern: pattern, options: options)
    } catch {
      preconditionFailure("a built-in lint pattern does not compile: \(pattern)")
    }
  }

  /// Not glued to a letter, digit or mark before / after.
  static let start = #"(?<![\p{L}\p{N}\p{M}_])"#
  static let end = #"(?![\p{L}\p{N}\p{M}_])"#

  /// Ten digits, or 3-3-4 with the same separator twice; not part of a longer run of digit groups.
  static let nhs = compile(
    start + #"(?<![0-9][ \-.])([0-9]{3})((?:[ \x{00A0}]{1,3}|[\-.\x{2013}])?)([0-9]{3})\2([0-9]{4})"# + end
      + #"(?![ \-.][0-9])"#)
  /// Seven digits and one or two letters.
  static let ppsn = compile(start + #"[0-9]{7}[A-W]{1,2}"# + end)

  /// `04/07/1985`, `4-7-85`, `04.07.1985`: day and month in either order.
  static let numericDMY = compile(
    start + #"(?<![0-9][/.\-])([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})"# + end + #"(?![/.\-][0-9])"#)
  /// `1985-07-04`, `1985/7/4`.
  static let numericYMD = compile(
    start + #"(?<![0-9][/.\-])([0-9]{4})([/.\-])([0-9]{1,2})\2([0-9]{1,2})"# + end + #"(?![/.\-][0-9])"#)

  static let monthName =
    #"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"#
  /// `4 July 1985`, `4th of July, 1985`, `4 Jul '85`.
  static let textDMY = compile(
    start + #"([0-9]{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+"# + monthName + #"\.?,?\s+((?:[0-9]{4}|['\x{2019}]?[0-9]{2}))"#
      + end)
  /// `July 4, 1985`, `Jul 4th 1985`.
  static let textMDY = compile(
    start + monthName + #"\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?,?\s+((?:[0-9]{4}|['\x{2019}]?[0-9]{2}))"# + end)

  /// "DOB", "D.O.B.", "date of birth", "birth date", "born", "born on", "birthday".
  static let birthKeyword = compile(
    start + #"(?:d\.?\s?o\.?\s?b|date\s+of\s+birth|birth\s*-?\s*date|born(?:\s+on)?|birthday)"# + end)
  /// What may stand between such a word and the date after it.
  static let leadingGap = compile(#"^(?:[\s:=\-\x{2013}\x{2014}.,;(\[]|is|was|on|of)*$"#)
  /// What may stand between a date and such a word after it.
  static let trailingGap = compile(#"^[\s(\[\-\x{2013},]*$"#)
}
