import Foundation

/// One place in an outgoing text that may breach confidentiality.
///
/// Nothing in a finding quotes the text around the match: ``explanation`` is the rule's own
/// wording, and ``preview`` is the match alone, with its digits masked.
public struct LintFinding: Hashable, Sendable, Identifiable {
  /// What `--allow` takes: opaque, `L<rule number>-<10 hex digits>`, the digits a hash of the rule,
  /// the source (store reference and field) and the match's position. It never spells the phrase
  /// or the text, so it can go into a package; any change that moves or removes a match changes
  /// it, and blocks again.
  public let id: String
  /// `phrase:my-patient`, `nhs-number`, `custom:<slug>`, ….
  public let ruleID: String
  /// The rule's number in ``ConfidentialityLint/rules``, from 1.
  public let ruleNumber: Int
  public let source: LintSource
  /// For a phrase split across two items of one thread: the item whose end holds its first part.
  public let continuesFrom: LintSource?
  /// Why it may reveal a patient relationship or identify a person. It never quotes the text.
  public let explanation: String
  /// The match, in characters (`Character`s, as `String.count` counts them) from the text's start.
  public let range: Range<Int>
  /// The match in UTF-8 bytes from the text's start: the real characters, however they were
  /// disguised.
  public let utf8Range: Range<Int>
  /// The match alone, its whitespace shown as single spaces and its digits as `*` (an NHS
  /// number keeps its first three: `943 *** ****`), cut at 60 characters.
  public let preview: String

  public init(
    id: String, ruleID: String, ruleNumber: Int = 0, source: LintSource, continuesFrom: LintSource? = nil,
    explanation: String, range: Range<Int>, utf8Range: Range<Int>? = nil, preview: String
  ) {
    self.id = id
    self.ruleID = ruleID
    self.ruleNumber = ruleNumber
    self.source = source
    self.continuesFrom = continuesFrom
    self.explanation = explanation
    self.range = range
    self.utf8Range = utf8Range ?? range
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
///
/// Phrases are compared on a folded form of the text (``FoldedText``): look-alike letters,
/// invisible characters, accents, separators between words (or none: `yourpatient`) and digits
/// for letters (`pat1ent`) make no difference. The built-in phrases also match with one word of
/// six letters or more written with one edit (`pateint`, `docter`), except where that edit makes
/// another common word (`patent`, `meditation`, `created`). A phrase split across two consecutive
/// items of one thread ("I was your" / "patient") is found too (``lint(_:)``).
///
/// The lint reads each text a fixed number of times, so it takes time linear in the text's length.
public struct ConfidentialityLint: Sendable {
  /// The built-in rules and then the custom ones, in the order they are checked.
  public let rules: [LintRule]
  /// The day that `full-date` measures ages from.
  public let today: CalendarDay
  private let automaton: PhraseAutomaton
  private let longestPhrase: Int
  private let fuzzyWords: [FuzzyWord]
  private let ruleNumbers: [String: Int]

  /// The built-in rules, for listing.
  public static var builtInRules: [LintRule] { LintRules.builtIn }

  /// Words one edit away from a built-in phrase's word that are ordinary words in their own right,
  /// and are not read as a misspelling of it.
  static let ordinaryNeighbours: Set<String> = Set(
    [
      "patent", "patents", "patient's", "meditation", "meditations", "created", "creating", "treading", "treaded",
      "writing", "wanting", "baiting", "awaiting", "waiting", "proscribed", "clinics", "diagnoses",
    ].map(FoldedText.string(of:)))

  /// A lint with the built-in rules of `languages` (English always) and `customPhrases`, each
  /// `custom:<slug>`.
  ///
  /// Throws `bad-value` for a custom phrase with fewer than two letters or digits once folded, two
  /// that fold to the same thing, or two with the same id.
  public init(customPhrases: [CustomPhrase] = [], languages: [String] = ["en"], today: CalendarDay) throws {
    var phraseRules = LintRules.phraseRules
    for language in languages where language != "en" {
      let rules = LintRules.phraseRules(language: language)
      guard !rules.isEmpty else {
        throw CasefileError(
          .badValue, "casefile has no phrase list for the language '\(language)' (it has \(LintRules.languages.joined(separator: ", ")))")
      }
      phraseRules += rules
    }
    let customRules = try LintRules.customRules(customPhrases)
    self.today = today
    self.rules = phraseRules + LintRules.identifierRules + customRules
    var numbers: [String: Int] = [:]
    for (index, rule) in rules.enumerated() { numbers[rule.id] = index + 1 }
    self.ruleNumbers = numbers

    var patterns: [(units: [UInt32], pattern: PhraseAutomaton.Pattern)] = []
    var fuzzy: [String: [UInt32]] = [:]
    for (index, rule) in rules.enumerated() where rule.kind != .identifier {
      for phrase in rule.phrases {
        let variants = rule.kind == .custom ? [phrase] : Self.pluralVariants(phrase)
        let bare = phrase.replacingOccurrences(of: "(s)", with: "")
        let startsWord = bare.unicodeScalars.first.map(LintRules.isWordScalar) ?? false
        let endsWord = bare.unicodeScalars.last.map(LintRules.isWordScalar) ?? false
        for variant in variants {
          let units = FoldedText.units(of: variant)
          guard !units.isEmpty else { continue }
          patterns.append(
            (units, .init(rule: index, length: units.count, startsWord: startsWord, endsWord: endsWord)))
          guard rule.kind == .phrase else { continue }
          for word in variant.split(whereSeparator: \.isWhitespace) {
            let folded = FoldedText.units(of: String(word))
            if folded.count >= 6, folded.allSatisfy({ $0 < 128 }) {
              fuzzy[FoldedText.string(of: String(word))] = folded
            }
          }
        }
      }
    }
    self.automaton = PhraseAutomaton(patterns)
    self.longestPhrase = patterns.map(\.units.count).max() ?? 1
    self.fuzzyWords = fuzzy.keys.sorted().map { FuzzyWord(units: fuzzy[$0]!) }
  }

  /// `my patient(s)` as `my patient` and `my patients`.
  static func pluralVariants(_ phrase: String) -> [String] {
    var variants = [""]
    for (number, word) in phrase.split(separator: " ", omittingEmptySubsequences: true).enumerated() {
      let separator = number == 0 ? "" : " "
      if word.hasSuffix("(s)") {
        let stem = word.dropLast(3)
        variants = variants.flatMap { [$0 + separator + stem, $0 + separator + stem + "s"] }
      } else {
        variants = variants.map { $0 + separator + word }
      }
    }
    return variants
  }

  /// Every finding in `texts`, in their order, and within a text by position, then rule id.
  /// Consecutive texts with the same ``LintText/thread`` are also read across their junction.
  ///
  /// Throws `internal` when two texts have the same source: their findings would share ids.
  public func lint(_ texts: [LintText]) throws -> [LintFinding] {
    var seen = Set<LintSource>()
    for text in texts where !seen.insert(text.source).inserted {
      throw CasefileError(.internalError, "two outgoing texts have the same source \(text.source)")
    }
    var findings: [LintFinding] = []
    var previousInThread: [String: (text: LintText, folded: FoldedText)] = [:]
    for text in texts {
      let folded = FoldedText(text.text)
      findings += lint(text.text, folded: folded, source: text.source, glued: text.source.field.isGlued)
      if let thread = text.thread {
        if let previous = previousInThread[thread] {
          findings += across(previous.text, previous.folded, text, folded)
        }
        previousInThread[thread] = (text, folded)
      }
    }
    return findings
  }

  /// Every finding in one text.
  public func lint(_ text: String, source: LintSource) -> [LintFinding] {
    lint(text, folded: FoldedText(text), source: source, glued: source.field.isGlued)
  }

  private func lint(_ text: String, folded: FoldedText, source: LintSource, glued: Bool) -> [LintFinding] {
    guard !text.isEmpty else { return [] }
    var hits: [Hit] = []
    for match in automaton.matches(in: folded, glued: glued) {
      hits.append(Hit(rule: rules[automaton.patterns[match.pattern].rule], start: Int(folded.starts[match.start]), end: Int(folded.ends[match.end - 1])))
    }
    hits += nearMisses(in: folded)
    hits += Self.nhsNumbers(in: text)
    hits += Self.ppsns(in: text)
    hits += dates(in: text)
    hits.sort { $0.start != $1.start ? $0.start < $1.start : $0.rule.id < $1.rule.id }
    // Two variants of one phrase (`my patient`, `my patients`) can end at different places from
    // the same start: keep the longest.
    var kept: [Hit] = []
    for hit in hits {
      if let last = kept.last, last.rule.id == hit.rule.id, last.start == hit.start {
        if hit.end > last.end { kept[kept.count - 1] = hit }
        continue
      }
      kept.append(hit)
    }
    let characters = Self.characterOffsets(of: kept.flatMap { [$0.start, $0.end] }, in: text)
    let utf8 = Array(text.utf8)
    return kept.map { hit in
      let match = String(decoding: utf8[hit.start..<hit.end], as: UTF8.self)
      return finding(
        rule: hit.rule, source: source, continuesFrom: nil, utf8Range: hit.start..<hit.end,
        range: (characters[hit.start] ?? hit.start)..<(characters[hit.end] ?? hit.end),
        preview: hit.preview ?? Self.preview(Substring(match)), nearMiss: hit.nearMiss)
    }
  }

  private func finding(
    rule: LintRule, source: LintSource, continuesFrom: LintSource?, utf8Range: Range<Int>, range: Range<Int>,
    preview: String, nearMiss: Bool
  ) -> LintFinding {
    let number = ruleNumbers[rule.id] ?? 0
    var key = "\(rule.id)\u{1F}\(source)\u{1F}\(utf8Range.lowerBound)"
    if let continuesFrom { key += "\u{1F}\(continuesFrom)" }
    return LintFinding(
      id: "L\(number)-\(Self.shortHash(key))", ruleID: rule.id, ruleNumber: number, source: source,
      continuesFrom: continuesFrom,
      explanation: nearMiss ? rule.explanation + " (Written with one letter changed.)" : rule.explanation,
      range: range, utf8Range: utf8Range, preview: preview)
  }

  /// Ten hex digits of FNV-1a: enough to tell findings apart, and cheap for a million dates.
  static func shortHash(_ key: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in key.utf8 {
      hash ^= UInt64(byte)
      hash &*= 0x100_0000_01b3
    }
    let hex = String(hash >> 24, radix: 16)
    return String(repeating: "0", count: max(0, 10 - hex.count)) + hex
  }

  /// Character offsets for UTF-8 offsets, in one pass over the text.
  private static func characterOffsets(of offsets: [Int], in text: String) -> [Int: Int] {
    guard !offsets.isEmpty else { return [:] }
    let wanted = Set(offsets)
    var result: [Int: Int] = [:]
    var characters = 0
    var bytes = 0
    if wanted.contains(0) { result[0] = 0 }
    for character in text {
      bytes += character.utf8.count
      characters += 1
      if wanted.contains(bytes) { result[bytes] = characters }
      if result.count == wanted.count { break }
    }
    return result
  }

  /// A phrase that starts at the end of one item and ends at the start of the next.
  private func across(_ first: LintText, _ firstFolded: FoldedText, _ second: LintText, _ secondFolded: FoldedText)
    -> [LintFinding]
  {
    let keep = longestPhrase
    let head = max(0, firstFolded.count - keep)
    let tailCount = min(secondFolded.count, keep)
    guard firstFolded.count > 0, tailCount > 0 else { return [] }
    var window = FoldedText()
    window.units = Array(firstFolded.units[head...]) + secondFolded.units[..<tailCount]
    window.starts = Array(firstFolded.starts[head...]) + secondFolded.starts[..<tailCount]
    window.ends = Array(firstFolded.ends[head...]) + secondFolded.ends[..<tailCount]
    window.flags = Array(firstFolded.flags[head...]) + secondFolded.flags[..<tailCount]
    let junction = firstFolded.count - head
    window.flags[junction] |= FoldedText.separatorBefore
    var findings: [LintFinding] = []
    for match in automaton.matches(in: window) where match.start < junction && match.end > junction {
      let rule = rules[automaton.patterns[match.pattern].rule]
      let firstBytes = Array(first.text.utf8)
      let secondBytes = Array(second.text.utf8)
      let firstPart = Int(window.starts[match.start])..<firstBytes.count
      let secondPart = 0..<Int(window.ends[match.end - 1])
      let preview =
        Self.preview(Substring(String(decoding: firstBytes[firstPart], as: UTF8.self))) + " / "
        + Self.preview(Substring(String(decoding: secondBytes[secondPart], as: UTF8.self)))
      let characters = Self.characterOffsets(of: [secondPart.upperBound], in: second.text)
      findings.append(
        finding(
          rule: rule, source: second.source, continuesFrom: first.source, utf8Range: secondPart,
          range: 0..<(characters[secondPart.upperBound] ?? secondPart.upperBound), preview: preview, nearMiss: false))
    }
    return findings
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

  static func allowKey(_ id: String) -> String {
    id.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
  }

  // MARK: Near misses

  /// A built-in phrase's word of six letters or more, with the set of its letters.
  private struct FuzzyWord: Sendable {
    var units: [UInt32]
    var letters: UInt32

    init(units: [UInt32]) {
      self.units = units
      letters = FuzzyWord.letters(units[...])
    }

    static func letters(_ units: ArraySlice<UInt32>) -> UInt32 {
      var mask: UInt32 = 0
      for unit in units { mask |= 1 << (unit & 31) }
      return mask
    }
  }

  /// Whether `a` becomes `b` by exactly one insertion, deletion, substitution or transposition of
  /// neighbours.
  static func isOneEdit(_ a: ArraySlice<UInt32>, _ b: [UInt32]) -> Bool {
    let a = Array(a)
    if a == b { return false }
    if a.count == b.count {
      let differing = a.indices.filter { a[$0] != b[$0] }
      if differing.count == 1 { return true }
      return differing.count == 2 && differing[1] == differing[0] + 1 && a[differing[0]] == b[differing[1]]
        && a[differing[1]] == b[differing[0]]
    }
    let (short, long) = a.count < b.count ? (a, b) : (b, a)
    guard long.count == short.count + 1 else { return false }
    var i = 0
    while i < short.count && short[i] == long[i] { i += 1 }
    return short[i...] == long[(i + 1)...]
  }

  /// The words of a text one edit away from a word of a built-in phrase, each read as that word:
  /// the phrases that then match around it are findings.
  private func nearMisses(in folded: FoldedText) -> [Hit] {
    guard !fuzzyWords.isEmpty, folded.count > 0 else { return [] }
    var hits: [Hit] = []
    var start = 0
    let count = folded.count
    while start < count {
      var end = start + 1
      while end < count && folded.flags[end] & FoldedText.separatorBefore == 0 { end += 1 }
      defer { start = end }
      let length = end - start
      guard length >= 5, length <= 16 else { continue }
      let token = folded.units[start..<end]
      guard token.allSatisfy({ $0 < 128 }) else { continue }
      let letters = FuzzyWord.letters(token)
      for word in fuzzyWords where abs(word.units.count - length) <= 1 {
        guard (word.letters ^ letters).nonzeroBitCount <= 2, Self.isOneEdit(token, word.units) else { continue }
        var spelled = ""
        for unit in token { spelled.unicodeScalars.append(Unicode.Scalar(unit) ?? "?") }
        guard !Self.ordinaryNeighbours.contains(spelled) else { continue }
        hits += corrected(folded, tokenStart: start, tokenEnd: end, as: word.units)
      }
    }
    return hits
  }

  /// The phrase matches around one word once it is read as `word`.
  private func corrected(_ folded: FoldedText, tokenStart: Int, tokenEnd: Int, as word: [UInt32]) -> [Hit] {
    let from = max(0, tokenStart - longestPhrase)
    let to = min(folded.count, tokenEnd + longestPhrase)
    let tokenFrom = folded.starts[tokenStart]
    let tokenTo = folded.ends[tokenEnd - 1]
    var window = FoldedText()
    window.units = Array(folded.units[from..<tokenStart]) + word + folded.units[tokenEnd..<to]
    window.starts = Array(folded.starts[from..<tokenStart]) + Array(repeating: tokenFrom, count: word.count) + folded.starts[tokenEnd..<to]
    window.ends = Array(folded.ends[from..<tokenStart]) + Array(repeating: tokenTo, count: word.count) + folded.ends[tokenEnd..<to]
    var flags = Array(repeating: UInt8(0), count: word.count)
    flags[0] = folded.flags[tokenStart]
    window.flags = Array(folded.flags[from..<tokenStart]) + flags + folded.flags[tokenEnd..<to]
    let wordStart = tokenStart - from
    let wordEnd = wordStart + word.count
    return automaton.matches(in: window).compactMap { match in
      let pattern = automaton.patterns[match.pattern]
      guard match.start < wordEnd, match.end > wordStart, rules[pattern.rule].kind == .phrase else { return nil }
      return Hit(
        rule: rules[pattern.rule], start: Int(window.starts[match.start]), end: Int(window.ends[match.end - 1]),
        nearMiss: true)
    }
  }

  // MARK: Identifiers

  /// One match of one rule, before it has an id: UTF-8 offsets into the text.
  private struct Hit {
    var rule: LintRule
    var start: Int
    var end: Int
    var preview: String? = nil
    var nearMiss = false
  }

  private static func matches(of regex: NSRegularExpression, in text: String) -> [Range<String.Index>] {
    regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range, in: text) }
  }

  private static func group(_ index: Int, of match: NSTextCheckingResult, in text: String) -> Substring? {
    let range = match.range(at: index)
    guard range.location != NSNotFound, let bounds = Range(range, in: text) else { return nil }
    return text[bounds]
  }

  private static func hit(_ rule: LintRule, _ range: Range<String.Index>, in text: String, preview: String) -> Hit {
    let start = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
    return Hit(rule: rule, start: start, end: start + text.utf8.distance(from: range.lowerBound, to: range.upperBound), preview: preview)
  }

  private static func nhsNumbers(in text: String) -> [Hit] {
    Patterns.nhs.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
      guard let range = Range(match.range, in: text) else { return nil }
      let digits = text[range].filter { $0.isASCII && $0.isNumber }
      guard digits.count == 10, IdentifierChecks.isValidNHSNumber(String(digits)) else { return nil }
      return hit(LintRules.nhsNumber, range, in: text, preview: "\(digits.prefix(3)) *** ****")
    }
  }

  private static func ppsns(in text: String) -> [Hit] {
    Patterns.ppsn.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
      guard let range = Range(match.range, in: text), IdentifierChecks.isValidPPSN(String(text[range])) else {
        return nil
      }
      return hit(LintRules.ppsn, range, in: text, preview: preview(text[range]).uppercased())
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
    // Candidates and keywords are both in text order: one pointer into the keywords, so that many
    // of each stay linear.
    var nextKeyword = 0
    for candidate in candidates {
      while nextKeyword < keywords.count && keywords[nextKeyword].upperBound <= candidate.range.lowerBound {
        nextKeyword += 1
      }
      let before = nextKeyword > 0 ? keywords[nextKeyword - 1] : nil
      let beforeOK = before.map { Self.isGap(text[$0.upperBound..<candidate.range.lowerBound], Patterns.leadingGap, limit: 16) } ?? false
      var after: Range<String.Index>? = nil
      var scan = nextKeyword
      while scan < keywords.count && keywords[scan].lowerBound < candidate.range.upperBound { scan += 1 }
      if scan < keywords.count, Self.isGap(text[candidate.range.upperBound..<keywords[scan].lowerBound], Patterns.trailingGap, limit: 4) {
        after = keywords[scan]
      }
      if let before, beforeOK {
        let span = before.lowerBound..<candidate.range.upperBound
        hits.append(Self.hit(LintRules.dateOfBirth, span, in: text, preview: Self.preview(text[span])))
      } else if let after {
        let span = candidate.range.lowerBound..<after.upperBound
        hits.append(Self.hit(LintRules.dateOfBirth, span, in: text, preview: Self.preview(text[span])))
      } else if candidate.fourDigitYear,
        candidate.readings.contains(where: { $0 <= today && $0.year >= today.year - 120 })
      {
        hits.append(Self.hit(LintRules.fullDate, candidate.range, in: text, preview: Self.preview(text[candidate.range])))
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
    // The byte count first: it costs nothing, where counting characters walks the gap.
    guard gap.utf8.count <= limit * 4, gap.count <= limit else { return false }
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
