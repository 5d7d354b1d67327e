import Foundation

/// One place in an outgoing text that may breach confidentiality.
///
/// Nothing in a finding quotes the text around the match: ``explanation`` is the rule's own
/// wording, and ``preview`` is the match alone, with its digits masked.
public struct LintFinding: Hashable, Sendable, Identifiable {
  /// What `--allow` takes: opaque, `L<rule number>-<10 hex digits>`, the digits a keyed hash
  /// (SipHash-2-4) of the rule, the source (store reference and field) and the match's position,
  /// keyed with a secret of the store. It never spells the phrase or the text, and without the key it cannot be matched
  /// against guessed references, so it can go into a package; any change that moves or removes a
  /// match changes it, and blocks again.
  ///
  /// Made when asked: a long message has a million findings, of which a few are shown.
  public var id: String {
    switch made {
    case .given(let id, _): return id
    case .deferred(let text, _, _): return "L" + String(ruleNumber) + "-" + text.shortMAC(ruleID: ruleID, at: utf8Range.lowerBound)
    }
  }
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
  /// number keeps its first three: `943 *** ****`), cut at 60 characters. Made when asked.
  public var preview: String {
    switch made {
    case .given(_, let preview): return preview
    case .deferred(let text, let preview, let upperCased):
      if let preview { return preview }
      let match = String(decoding: text.utf8[utf8Range], as: UTF8.self)
      let shown = ConfidentialityLint.preview(Substring(match))
      return upperCased ? shown.uppercased() : shown
    }
  }

  /// The id and preview, given or to be made from the text.
  private let made: Made

  private enum Made: Sendable {
    case given(id: String, preview: String)
    case deferred(LintedText, preview: String?, upperCased: Bool)
  }

  public init(
    id: String, ruleID: String, ruleNumber: Int = 0, source: LintSource, continuesFrom: LintSource? = nil,
    explanation: String, range: Range<Int>, utf8Range: Range<Int>? = nil, preview: String
  ) {
    self.made = .given(id: id, preview: preview)
    self.ruleID = ruleID
    self.ruleNumber = ruleNumber
    self.source = source
    self.continuesFrom = continuesFrom
    self.explanation = explanation
    self.range = range
    self.utf8Range = utf8Range ?? range
  }

  /// A finding of one text whose id and preview are made from `text` when asked.
  init(
    text: LintedText, ruleID: String, ruleNumber: Int, source: LintSource, explanation: String, range: Range<Int>,
    utf8Range: Range<Int>, preview: String?, upperCased: Bool
  ) {
    self.made = .deferred(text, preview: preview, upperCased: upperCased)
    self.ruleID = ruleID
    self.ruleNumber = ruleNumber
    self.source = source
    self.continuesFrom = nil
    self.explanation = explanation
    self.range = range
    self.utf8Range = utf8Range
  }

  public static func == (a: LintFinding, b: LintFinding) -> Bool {
    a.ruleID == b.ruleID && a.ruleNumber == b.ruleNumber && a.source == b.source && a.continuesFrom == b.continuesFrom
      && a.explanation == b.explanation && a.range == b.range && a.utf8Range == b.utf8Range && a.id == b.id
      && a.preview == b.preview
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(ruleID)
    hasher.combine(source)
    hasher.combine(continuesFrom)
    hasher.combine(utf8Range)
  }
}

/// One linted text, shared by its findings: what their ids and previews are made from.
final class LintedText: Sendable {
  let utf8: [UInt8]
  /// `source.description`, spelled once per text.
  let sourceKey: String
  let idHash: SipHash24

  init(utf8: [UInt8], sourceKey: String, idHash: SipHash24) {
    self.utf8 = utf8
    self.sourceKey = sourceKey
    self.idHash = idHash
  }

  /// Ten hex digits of the keyed hash of the rule, the source and the position.
  func shortMAC(ruleID: String, at offset: Int) -> String {
    ConfidentialityLint.shortMAC(ruleID + "\u{1F}" + sourceKey + "\u{1F}" + String(offset), hash: idHash)
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
/// The identifier rules read a digit-folded form of the text (``IdentifierText``): fullwidth,
/// mathematical and other scripts' digits are digits, and invisible characters between them do
/// not split a number or a date; findings still point at the original characters.
///
/// The lint reads each text a fixed number of times, with scanners that try each start once and
/// never backtrack over a run, so it takes time linear in the text's length.
public struct ConfidentialityLint: Sendable {
  /// The built-in rules and then the custom ones, in the order they are checked.
  public let rules: [LintRule]
  /// The day that `full-date` measures ages from.
  public let today: CalendarDay
  private let automaton: PhraseAutomaton
  private let longestPhrase: Int
  private let fuzzyWords: [FuzzyWord]
  private let ruleNumbers: [String: Int]
  /// The keyed hash of finding ids.
  private let idHash: SipHash24

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
  /// `idKey` (16 bytes or more; the first 16 are used) keys the finding ids: the store passes its
  /// own secret, so that its ids stay the same from one run to the next and say nothing to anyone
  /// without it. Without one, a random key is made, and ids hold only for this lint.
  ///
  /// Throws `bad-value` for a custom phrase with fewer than two letters or digits once folded, two
  /// that fold to the same thing, or two with the same id.
  public init(customPhrases: [CustomPhrase] = [], languages: [String] = ["en"], today: CalendarDay, idKey: Data? = nil) throws {
    var key = idKey.map { [UInt8]($0) } ?? []
    if key.count < 16 {
      var generator = SystemRandomNumberGenerator()
      key = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
    self.idHash = SipHash24(key: key)
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
    // Only the end of the previous item of a thread is kept for its junction with the next: a
    // folded text takes 13 bytes a letter.
    var previousInThread: [String: (text: LintText, tail: FoldedText)] = [:]
    for text in texts {
      var folded = FoldedText(text.text)
      let hits = self.hits(text.text, folded: folded, glued: text.source.field.isGlued)
      var junction: [LintFinding] = []
      if let thread = text.thread {
        if let previous = previousInThread[thread] {
          junction = across(previous.text, previous.tail, text, folded)
        }
        previousInThread[thread] = (text, folded.suffix(longestPhrase))
      }
      folded = FoldedText()
      let own = self.findings(hits, in: text.text, source: text.source)
      // A long message has a million findings: taken as they are, not copied, when they are the
      // first.
      if findings.isEmpty { findings = own } else { findings += own }
      findings += junction
    }
    return findings
  }

  /// Every finding in one text.
  public func lint(_ text: String, source: LintSource) -> [LintFinding] {
    findings(hits(text, folded: FoldedText(text), glued: source.field.isGlued), in: text, source: source)
  }

  /// The matches of every rule in one text, in order, one per rule and start.
  private func hits(_ text: String, folded: FoldedText, glued: Bool) -> [Hit] {
    guard !text.isEmpty else { return [] }
    var hits: [Hit] = []
    for match in automaton.matches(in: folded, glued: glued) {
      hits.append(Hit(rule: automaton.patterns[match.pattern].rule, start: Int(folded.starts[match.start]), end: Int(folded.ends[match.end - 1])))
    }
    hits += nearMisses(in: folded)
    hits += identifiers(in: text)
    hits.sort { $0.start != $1.start ? $0.start < $1.start : rules[$0.rule].id < rules[$1.rule].id }
    // Two variants of one phrase (`my patient`, `my patients`) can end at different places from
    // the same start: keep the longest.
    var kept: [Hit] = []
    for hit in hits {
      if let last = kept.last, last.rule == hit.rule, last.start == hit.start {
        if hit.end > last.end { kept[kept.count - 1] = hit }
        continue
      }
      kept.append(hit)
    }
    return kept
  }

  /// The findings of one text's hits.
  private func findings(_ kept: [Hit], in text: String, source: LintSource) -> [LintFinding] {
    guard !kept.isEmpty else { return [] }
    let utf8 = Array(text.utf8)
    // In ASCII without a CR LF pair, every byte is one character.
    let oneBytePerCharacter = !utf8.contains { $0 >= 0x80 || $0 == 0x0D }
    let characters = oneBytePerCharacter ? [:] : Self.characterOffsets(of: kept.flatMap { [$0.start, $0.end] }, in: text)
    let linted = LintedText(utf8: utf8, sourceKey: source.description, idHash: idHash)
    return kept.map { hit in
      let rule = rules[hit.rule]
      return LintFinding(
        text: linted, ruleID: rule.id, ruleNumber: ruleNumbers[rule.id] ?? 0, source: source,
        explanation: hit.nearMiss ? rule.explanation + Self.nearMissNote : rule.explanation,
        range: (characters[hit.start] ?? hit.start)..<(characters[hit.end] ?? hit.end), utf8Range: hit.start..<hit.end,
        preview: hit.preview, upperCased: hit.upperCased)
    }
  }

  static let nearMissNote = " (Written with one letter changed.)"

  /// `sourceKey` is `source.description`, made once per text.
  private func finding(
    rule: LintRule, source: LintSource, sourceKey: String, continuesFrom: LintSource?, utf8Range: Range<Int>,
    range: Range<Int>, preview: String, nearMiss: Bool
  ) -> LintFinding {
    let number = ruleNumbers[rule.id] ?? 0
    var key = rule.id + "\u{1F}" + sourceKey + "\u{1F}" + String(utf8Range.lowerBound)
    if let continuesFrom { key += "\u{1F}\(continuesFrom)" }
    return LintFinding(
      id: "L" + String(number) + "-" + shortMAC(key), ruleID: rule.id, ruleNumber: number, source: source,
      continuesFrom: continuesFrom,
      explanation: nearMiss ? rule.explanation + Self.nearMissNote : rule.explanation,
      range: range, utf8Range: utf8Range, preview: preview)
  }

  /// Ten hex digits of the keyed hash of `key`: enough to tell findings apart, and nothing to
  /// anyone without the store's secret.
  func shortMAC(_ key: String) -> String { Self.shortMAC(key, hash: idHash) }

  static func shortMAC(_ key: String, hash idHash: SipHash24) -> String {
    var key = key
    let tag = key.withUTF8 { idHash.hash(UnsafeRawBufferPointer($0)) } >> 24
    let digits: StaticString = "0123456789abcdef"
    return digits.withUTF8Buffer { digits in
      String(unsafeUninitializedCapacity: 10) { out in
        for k in 0..<10 { out[k] = digits[Int((tag >> (4 * UInt64(9 - k))) & 0xF)] }
        return 10
      }
    }
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
          rule: rule, source: second.source, sourceKey: second.source.description, continuesFrom: first.source, utf8Range: secondPart,
          range: 0..<(characters[secondPart.upperBound] ?? secondPart.upperBound), preview: preview, nearMiss: false))
    }
    return findings
  }

  /// The findings that still block once the ids in `allowed` are allowed. Ids are compared
  /// without regard to case or surrounding whitespace.
  public static func blocking(_ findings: [LintFinding], allowed: Set<String>) -> [LintFinding] {
    guard !allowed.isEmpty else { return findings }
    let keys = Set(allowed.map(allowKey))
    return findings.filter { !keys.contains(allowKey($0.id)) }
  }

  /// The ids in `allowed` that match no finding, sorted: allowances for texts that have changed,
  /// or mistyped.
  public static func unusedAllowances(_ allowed: Set<String>, in findings: [LintFinding]) -> [String] {
    guard !allowed.isEmpty else { return [] }
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

  /// A word of 5 to 16 ASCII units packed into two integers, 7 bits a unit: a cheap key for the
  /// near-miss verdicts.
  private struct PackedWord: Hashable {
    var low: UInt64 = 0
    var high: UInt64 = 0
    var length: Int = 0

    init(_ units: ArraySlice<UInt32>) {
      length = units.count
      for (k, unit) in units.enumerated() {
        if k < 9 { low |= UInt64(unit & 0x7F) << (7 * UInt64(k)) } else { high |= UInt64(unit & 0x7F) << (7 * UInt64(k - 9)) }
      }
    }
  }

  /// The most distinct words whose verdict is remembered; past it the memory starts again.
  static let nearMissCacheLimit = 4096

  /// The words of a text one edit away from a word of a built-in phrase, each read as that word:
  /// the phrases that then match around it are findings.
  private func nearMisses(in folded: FoldedText) -> [Hit] {
    guard !fuzzyWords.isEmpty, folded.count > 0 else { return [] }
    var hits: [Hit] = []
    var start = 0
    let count = folded.count
    // A text has few distinct words: the one-edit check runs once for each, not for every word.
    var verdicts: [PackedWord: [Int]] = [:]
    var windowUnits: [UInt32] = []
    var windowFlags: [UInt8] = []
    while start < count {
      var end = start + 1
      while end < count && folded.flags[end] & FoldedText.separatorBefore == 0 { end += 1 }
      defer { start = end }
      let length = end - start
      guard length >= 5, length <= 16 else { continue }
      let token = folded.units[start..<end]
      guard token.allSatisfy({ $0 < 128 }) else { continue }
      let key = PackedWord(token)
      let matching: [Int]
      if let known = verdicts[key] {
        matching = known
      } else {
        matching = nearWords(token)
        if verdicts.count >= Self.nearMissCacheLimit { verdicts.removeAll(keepingCapacity: true) }
        verdicts[key] = matching
      }
      for index in matching {
        hits += corrected(
          folded, tokenStart: start, tokenEnd: end, as: fuzzyWords[index].units, units: &windowUnits, flags: &windowFlags)
      }
    }
    return hits
  }

  /// The indices of the built-in phrases' words that `token` is one edit from, unless it is an
  /// ordinary word in its own right.
  private func nearWords(_ token: ArraySlice<UInt32>) -> [Int] {
    let letters = FuzzyWord.letters(token)
    var matching: [Int] = []
    for (index, word) in fuzzyWords.enumerated() where abs(word.units.count - token.count) <= 1 {
      guard (word.letters ^ letters).nonzeroBitCount <= 2, Self.isOneEdit(token, word.units) else { continue }
      var spelled = ""
      for unit in token { spelled.unicodeScalars.append(Unicode.Scalar(unit) ?? "?") }
      guard !Self.ordinaryNeighbours.contains(spelled) else { continue }
      matching.append(index)
    }
    return matching
  }

  /// The phrase matches around one word once it is read as `word`. The window is built in
  /// `units` and `flags`, reused from one word to the next; its offsets are mapped back to the
  /// text's without copying them.
  private func corrected(
    _ folded: FoldedText, tokenStart: Int, tokenEnd: Int, as word: [UInt32], units: inout [UInt32], flags: inout [UInt8]
  ) -> [Hit] {
    let from = max(0, tokenStart - longestPhrase)
    let to = min(folded.count, tokenEnd + longestPhrase)
    units.removeAll(keepingCapacity: true)
    flags.removeAll(keepingCapacity: true)
    units.append(contentsOf: folded.units[from..<tokenStart])
    units.append(contentsOf: word)
    units.append(contentsOf: folded.units[tokenEnd..<to])
    flags.append(contentsOf: folded.flags[from..<tokenStart])
    flags.append(folded.flags[tokenStart])
    flags.append(contentsOf: repeatElement(0, count: word.count - 1))
    flags.append(contentsOf: folded.flags[tokenEnd..<to])
    let wordStart = tokenStart - from
    let wordEnd = wordStart + word.count
    let matches = units.withUnsafeBufferPointer { units in
      flags.withUnsafeBufferPointer { flags in automaton.matches(units: units, flags: flags) }
    }
    // A window position before the word is the text's `from + k`; inside it, the word's own
    // characters; after it, the text's again, shifted by the change in length.
    func startByte(_ k: Int) -> Int {
      k < wordStart ? Int(folded.starts[from + k]) : k < wordEnd ? Int(folded.starts[tokenStart]) : Int(folded.starts[tokenEnd + k - wordEnd])
    }
    func endByte(_ k: Int) -> Int {
      k < wordStart ? Int(folded.ends[from + k]) : k < wordEnd ? Int(folded.ends[tokenEnd - 1]) : Int(folded.ends[tokenEnd + k - wordEnd])
    }
    return matches.compactMap { match in
      let pattern = automaton.patterns[match.pattern]
      guard match.start < wordEnd, match.end > wordStart, rules[pattern.rule].kind == .phrase else { return nil }
      return Hit(rule: pattern.rule, start: startByte(match.start), end: endByte(match.end - 1), nearMiss: true)
    }
  }

  // MARK: Identifiers

  /// One match of one rule, before it has an id: UTF-8 offsets into the text.
  private struct Hit {
    /// Index into ``rules``.
    var rule: Int
    var start: Int
    var end: Int
    var preview: String? = nil
    /// The preview in capitals (a PPS number).
    var upperCased = false
    var nearMiss = false
  }

  /// NHS and PPS numbers, and dates, read on the digit-folded form of the text.
  private func identifiers(in text: String) -> [Hit] {
    let scanner = IdentifierScanner(IdentifierText(text))
    func hit(_ rule: LintRule, _ range: Range<Int>, preview: String? = nil, upperCased: Bool = false) -> Hit {
      let bytes = scanner.text.byteRange(range)
      return Hit(
        rule: (ruleNumbers[rule.id] ?? 1) - 1, start: bytes.lowerBound, end: bytes.upperBound, preview: preview,
        upperCased: upperCased)
    }
    var hits: [Hit] = []
    for range in scanner.nhsNumbers() {
      let digits = scanner.nhsDigits(range)
      guard digits.utf8.count == 10, IdentifierChecks.isValidNHSNumber(digits) else { continue }
      hits.append(hit(LintRules.nhsNumber, range, preview: "\(digits.prefix(3)) *** ****"))
    }
    for range in scanner.ppsns() where IdentifierChecks.isValidPPSN(scanner.ppsnText(range)) {
      hits.append(hit(LintRules.ppsn, range, upperCased: true))
    }
    let candidates = dateCandidates(scanner)
    guard !candidates.isEmpty else { return hits }
    let keywords = scanner.birthKeywords()
    // Candidates and keywords are both in text order: one pointer into the keywords, so that many
    // of each stay linear.
    var nextKeyword = 0
    for candidate in candidates {
      while nextKeyword < keywords.count && keywords[nextKeyword].upperBound <= candidate.range.lowerBound {
        nextKeyword += 1
      }
      let before = nextKeyword > 0 ? keywords[nextKeyword - 1] : nil
      let beforeOK = before.map {
        candidate.range.lowerBound - $0.upperBound <= 16 && scanner.isLeadingGap($0.upperBound..<candidate.range.lowerBound)
      } ?? false
      var after: Range<Int>? = nil
      var scan = nextKeyword
      while scan < keywords.count && keywords[scan].lowerBound < candidate.range.upperBound { scan += 1 }
      if scan < keywords.count, keywords[scan].lowerBound - candidate.range.upperBound <= 4,
        scanner.isTrailingGap(candidate.range.upperBound..<keywords[scan].lowerBound)
      {
        after = keywords[scan]
      }
      if let before, beforeOK {
        hits.append(hit(LintRules.dateOfBirth, before.lowerBound..<candidate.range.upperBound))
      } else if let after {
        hits.append(hit(LintRules.dateOfBirth, candidate.range.lowerBound..<after.upperBound))
      } else if candidate.fourDigitYear, candidate.recent {
        hits.append(hit(LintRules.fullDate, candidate.range))
      }
    }
    return hits
  }

  /// A date found in a text, with the days it can mean; its range is in the scanner's codes.
  private struct DateCandidate {
    var range: Range<Int>
    /// One reading of it falls between 120 years before ``today`` and ``today``.
    var recent: Bool
    var fourDigitYear: Bool
  }

  /// The dates in a text that name a day that exists, without overlaps (the earliest, then the
  /// longest, wins).
  private func dateCandidates(_ scanner: IdentifierScanner) -> [DateCandidate] {
    var found: [DateCandidate] = []
    for parts in [scanner.numericDMY(), scanner.numericYMD(), scanner.textDMY(), scanner.textMDY()].joined() {
      // Checked without building the list of readings: a long text can hold a million dates.
      var exists = false
      var recent = false
      func consider(day: Int, month: Int, year: Int) {
        guard (1...12).contains(month), day >= 1, day <= CalendarDay.daysIn(month: month, year: year) else { return }
        exists = true
        let reading = CalendarDay(year: year, month: month, day: day)
        if reading <= today, year >= today.year - 120 { recent = true }
      }
      for century in parts.yearDigits == 2 ? 19...20 : 0...0 {
        let year = century * 100 + parts.year
        consider(day: parts.day, month: parts.month, year: year)
        if parts.eitherOrder, parts.day != parts.month { consider(day: parts.month, month: parts.day, year: year) }
      }
      guard exists else { continue }
      found.append(DateCandidate(range: parts.range, recent: recent, fourDigitYear: parts.yearDigits == 4))
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

  /// The match alone: whitespace and control characters as single spaces, invisible formatting
  /// characters dropped, digits as `*`, at most 60 characters.
  static func preview(_ match: Substring) -> String {
    if match.utf8.allSatisfy({ $0 < 0x80 }) { return asciiPreview(match) }
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

  /// ``preview(_:)`` of an ASCII match, byte by byte: a control character or a space is white
  /// space, a digit a decimal number.
  private static func asciiPreview(_ match: Substring) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(min(match.utf8.count, 64))
    var pendingSpace = false
    for byte in match.utf8 {
      if byte <= 0x20 || byte == 0x7F {
        pendingSpace = !out.isEmpty
        continue
      }
      if pendingSpace { out.append(0x20) }
      pendingSpace = false
      out.append(byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? UInt8(ascii: "*") : byte)
    }
    return out.count > 60 ? String(decoding: out.prefix(59), as: UTF8.self) + "…" : String(decoding: out, as: UTF8.self)
  }
}
