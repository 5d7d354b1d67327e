import CasefileKit
import Foundation
import Testing

@Suite struct ConfidentialityLintTests {
  static let today = CalendarDay(year: 2026, month: 11, day: 25)
  static let source = LintSource("E-12", .text)

  func findings(_ text: String, custom: [CustomPhrase] = []) throws -> [LintFinding] {
    try ConfidentialityLint(customPhrases: custom, today: Self.today).lint(text, source: Self.source)
  }

  func ruleIDs(_ text: String, custom: [CustomPhrase] = []) throws -> [String] {
    try findings(text, custom: custom).map(\.ruleID)
  }

  /// Where a finding is and which rule: what an id stood for before ids became opaque.
  func key(_ finding: LintFinding) -> String {
    "\(finding.source)/\(finding.ruleID)"
  }

  /// The part of `text` that a finding's character range covers.
  func matched(_ finding: LintFinding, in text: String) -> String {
    String(Array(text)[finding.range])
  }

  // MARK: Check digits, computed here independently of the library

  /// NHS: weights 10…2 on the first nine digits; 11 − (sum mod 11), 11 → 0, 10 → no valid number.
  static func nhsCheck(_ nine: [Int]) -> Int? {
    var sum = 0
    for (index, digit) in nine.enumerated() { sum += digit * (10 - index) }
    let check = 11 - sum % 11
    return check == 11 ? 0 : check == 10 ? nil : check
  }

  static func digits(_ number: Int) -> [Int] {
    String(number).map { $0.wholeNumberValue! }
  }

  /// PPSN: weights 8…2 on the digits, 9 on the second letter (A = 1 … V = 22, W = 0); the check
  /// letter is the sum mod 23 with W = 0, A = 1 … V = 22.
  static func ppsnCheckLetter(_ seven: String, second: Character? = nil) -> Character {
    let letters = Array("WABCDEFGHIJKLMNOPQRSTUV")
    var sum = 0
    for (index, character) in seven.enumerated() { sum += character.wholeNumberValue! * (8 - index) }
    if let second { sum += 9 * letters.firstIndex(of: second)! }
    return letters[sum % 23]
  }

  @Test func nhsCheckDigitOfTheExample() {
    // 9·10 + 4·9 + 3·8 + 4·7 + 7·6 + 6·5 + 5·4 + 9·3 + 1·2 = 299; 299 mod 11 = 2; 11 − 2 = 9.
    #expect(Self.nhsCheck([9, 4, 3, 4, 7, 6, 5, 9, 1]) == 9)
    #expect(IdentifierChecks.nhsCheckDigit([9, 4, 3, 4, 7, 6, 5, 9, 1]) == 9)
    #expect(IdentifierChecks.isValidNHSNumber("9434765919"))
    #expect(IdentifierChecks.isValidNHSNumber("943 476 5919"))
    #expect(!IdentifierChecks.isValidNHSNumber("9434765918"))
    #expect(!IdentifierChecks.isValidNHSNumber("943476591"))
    #expect(IdentifierChecks.nhsCheckDigit([9, 4, 3]) == nil)
    #expect(IdentifierChecks.nhsCheckDigit([9, 4, 3, 4, 7, 6, 5, 9, 10]) == nil)
    // The library and this test agree on a spread of prefixes.
    for prefix in stride(from: 100_000_000, to: 999_999_999, by: 7_654_321) {
      #expect(IdentifierChecks.nhsCheckDigit(Self.digits(prefix)) == Self.nhsCheck(Self.digits(prefix)))
    }
  }

  @Test(arguments: ["9434765919", "943 476 5919", "943-476-5919", "943  476  5919", "943.476.5919"])
  func nhsNumberInEachShape(number: String) throws {
    let text = "NHS no: \(number). Look it up."
    let found = try findings(text)
    #expect(found.map(\.ruleID) == ["nhs-number"])
    #expect(found.first.map { matched($0, in: text) } == number)
    #expect(found.first?.preview == "943 *** ****")
    #expect(found.first.map(key) == "E-12/text/nhs-number")
  }

  @Test func nhsNumberWithAWrongCheckDigitIsNotFlagged() throws {
    for last in 0...9 where last != 9 {
      #expect(try ruleIDs("NHS 943 476 591\(last)").isEmpty, "check digit \(last)")
    }
  }

  @Test func nhsCheckDigitTenMakesNoValidNumber() throws {
    // The first nine-digit prefix from 943 476 591 up whose check digit would be 10.
    let prefix = (943_476_591...).first { Self.nhsCheck(Self.digits($0)) == nil }!
    for last in 0...9 {
      let number = "\(prefix)\(last)"
      #expect(!IdentifierChecks.isValidNHSNumber(number))
      #expect(try ruleIDs("number \(number) here").isEmpty)
    }
  }

  @Test func nhsNumberInsideLongerNumbersIsNotFlagged() throws {
    #expect(try ruleIDs("call 01943 476 5919").isEmpty)
    #expect(try ruleIDs("card 12 943 476 5919").isEmpty)
    #expect(try ruleIDs("943 476 5919 12").isEmpty)
    #expect(try ruleIDs("ref 19434765919").isEmpty)
    #expect(try ruleIDs("ref A9434765919").isEmpty)
  }

  @Test func ppsnCheckLetters() throws {
    // 1·8 + 2·7 + 3·6 + 4·5 + 5·4 + 6·3 + 7·2 = 112; 112 mod 23 = 20 = T.
    #expect(Self.ppsnCheckLetter("1234567") == "T")
    #expect(Self.ppsnCheckLetter("1234567", second: "W") == "T")
    // With A (1) second: 112 + 9 = 121; 121 mod 23 = 6 = F.
    #expect(Self.ppsnCheckLetter("1234567", second: "A") == "F")
    for valid in ["1234567T", "1234567TW", "1234567FA", "1234567t", "\(8_765_432)\(Self.ppsnCheckLetter("8765432"))"] {
      #expect(IdentifierChecks.isValidPPSN(valid), "\(valid)")
      let text = "PPS \(valid), thanks"
      let found = try findings(text)
      #expect(found.map(\.ruleID) == ["ppsn"], "\(valid)")
      #expect(found.first.map { matched($0, in: text) } == valid)
      #expect(found.first?.preview.hasPrefix("*******") == true)
      #expect(found.first?.preview.contains(where: \.isNumber) == false)
    }
    for invalid in ["1234567A", "1234567TA", "1234567FW", "12345678T", "123456T", "1234567X"] {
      #expect(!IdentifierChecks.isValidPPSN(invalid), "\(invalid)")
      #expect(try ruleIDs("PPS \(invalid), thanks").isEmpty, "\(invalid)")
    }
  }

  @Test(arguments: [
    ("DOB 04/07/1985", "DOB **/**/****"),
    ("D.O.B.: 04/07/1985", "D.O.B.: **/**/****"),
    ("dob 4/7/85", "dob */*/**"),
    ("Date of\n  birth is 1985-07-04", "Date of birth is ****-**-**"),
    ("born on 4th July 1985", "born on *th July ****"),
    ("Born: July 4, 1985", "Born: July *, ****"),
    ("birthday 04.07.1985", "birthday **.**.****"),
    ("04/07/1985 (DOB)", "**/**/**** (DOB"),
  ])
  func dateOfBirthNextToAKeyword(text: String, preview: String) throws {
    let message = "Her \(text) and more"
    let found = try findings(message)
    #expect(found.map(\.ruleID) == ["date-of-birth"])
    #expect(found.first?.preview == preview)
    #expect(found.first.map { matched($0, in: message) }?.hasSuffix(")") == false)
  }

  @Test func dateOfBirthCoversTheKeywordAndTheDate() throws {
    let text = "Patient DOB 04/07/1985 ok"
    let found = try findings(text)
    #expect(found.map(\.ruleID) == ["date-of-birth"])
    #expect(found.first.map { matched($0, in: text) } == "DOB 04/07/1985")
    #expect(found.first?.range == 8..<22)
  }

  @Test func aKeywordTooFarFromTheDateLeavesAFullDate() throws {
    #expect(try ruleIDs("born in Cork on 04/07/1985") == ["full-date"])
    #expect(try ruleIDs("the DOB field. On 04/07/1985 you posted") == ["full-date"])
  }

  @Test func bareFullDates() throws {
    #expect(try ruleIDs("on 12/03/1990 it was") == ["full-date"])
    #expect(try ruleIDs("on 1990-03-12 it was") == ["full-date"])
    #expect(try ruleIDs("on 12 March 1990 it was") == ["full-date"])
    #expect(try ruleIDs("on 25/11/2026 it was") == ["full-date"])
    // Older than 120 years, in the future, or no such day.
    #expect(try ruleIDs("on 12/03/1850 it was").isEmpty)
    #expect(try ruleIDs("on 12/03/2027 it was").isEmpty)
    #expect(try ruleIDs("on 26/11/2026 it was").isEmpty)
    #expect(try ruleIDs("on 31/02/1990 it was").isEmpty)
    #expect(try ruleIDs("on 13/13/1990 it was").isEmpty)
    // Month first is read too.
    #expect(try ruleIDs("on 03/31/1990 it was") == ["full-date"])
    // A two-digit year without a keyword, a timestamp, a version.
    #expect(try ruleIDs("on 12/03/90 it was").isEmpty)
    #expect(try ruleIDs("sent 2026-11-20T21:15:00Z").isEmpty)
    #expect(try ruleIDs("version 1.2.3.2020").isEmpty)
  }

  // MARK: Phrases

  @Test func everyBuiltInPhraseMatchesItsOwnWording() throws {
    for rule in LintRules.phraseRules {
      #expect(rule.id.hasPrefix("phrase:"))
      #expect(!rule.phrases.isEmpty)
      for phrase in rule.phrases {
        let singular = phrase.replacingOccurrences(of: "(s)", with: "")
        #expect(try ruleIDs("so, \(singular). ok").contains(rule.id), "\(rule.id): \(singular)")
        if phrase.hasSuffix("(s)") {
          #expect(try ruleIDs("so, \(singular)s. ok").contains(rule.id), "\(rule.id): plural")
        }
      }
    }
  }

  @Test func ruleIDsAreUnique() {
    let ids = ConfidentialityLint.builtInRules.map(\.id)
    #expect(Set(ids).count == ids.count)
    #expect(ids.contains("phrase:my-patient"))
    #expect(["nhs-number", "ppsn", "date-of-birth", "full-date"].allSatisfy(ids.contains))
  }

  @Test func phrasesIgnoreCaseWhitespaceAndApostropheStyle() throws {
    #expect(try ruleIDs("She is MY PATIENT") == ["phrase:my-patient"])
    #expect(try ruleIDs("she is my\n    patient") == ["phrase:my-patient"])
    #expect(try ruleIDs("she is my\r\n\tpatient") == ["phrase:my-patient"])
    #expect(try ruleIDs("she is my\u{00A0}patient") == ["phrase:my-patient"])
    #expect(try ruleIDs("I spoke to Your   GP") == ["phrase:your-gp"])
    #expect(try ruleIDs("I saw you at the GP\u{2019}s surgery") == ["phrase:the-surgery"])
    #expect(try ruleIDs("I saw you at the GP's surgery") == ["phrase:the-surgery"])
    #expect(try ruleIDs("I saw you at the GPs surgery") == ["phrase:the-surgery"])
    #expect(try ruleIDs("my patient\u{2019}s mother") == ["phrase:my-patient"])
    #expect(try ruleIDs("an ex patient, an ex-patient, an expatient") == ["phrase:former-patient", "phrase:former-patient", "phrase:former-patient"])
    #expect(try ruleIDs("as a doctor\u{2013}patient matter") == ["phrase:doctor-patient"])
  }

  @Test func phrasesKeepToWordBoundaries() throws {
    #expect(try ruleIDs("the enemy patiently waits").isEmpty)
    #expect(try ruleIDs("economy patient").isEmpty)
    #expect(try ruleIDs("my patientia").isEmpty)
    #expect(try ruleIDs("undischarged bankrupt").isEmpty)
    #expect(try ruleIDs("consultations") == ["phrase:consultation"])
    #expect(try ruleIDs("my patients") == ["phrase:my-patient"])
  }

  @Test(arguments: [
    "you are a terrible doctor",
    "I will find you",
    "I know where you live and I will find you",
    "You should be struck off. Everyone will know what you did.",
    "be patient, I'm coming for you",
    "you call yourself a doctor?? pathetic",
    "watch your back, doc",
    "I'll be outside your house at 9",
    "you're a disgrace to medicine and your family",
  ])
  func ordinaryAbuseIsNotFlagged(text: String) throws {
    #expect(try ruleIDs(text).isEmpty)
  }

  @Test func severalRulesInOneText() throws {
    let text = "As my patient (NHS 943 476 5919, DOB 04/07/1985) you missed your appointment."
    #expect(
      try ruleIDs(text) == ["phrase:my-patient", "nhs-number", "date-of-birth", "phrase:your-appointment"])
  }

  /// One edit from a built-in word is a finding, except where the edit makes an ordinary word:
  /// "patent" is one edit from "patient" and is left alone; "patience" and "impatient" are two.
  @Test(arguments: [
    "Thank you for your patience.", "Your impatient tone is noted.", "Your patent application was refused.",
    "We are waiting for the train.", "I created your account.", "Try some meditation.",
  ])
  func ordinaryWordsNearABuiltInWordStayClean(_ text: String) throws {
    #expect(try ruleIDs(text).isEmpty)
  }

  @Test(arguments: ["I was your pateint", "see your docter", "I was yuor patient", "my patinet"])
  func oneEditFromABuiltInWordIsFound(_ text: String) throws {
    let found = try findings(text)
    if text.contains("yuor") {
      // Words under six letters must match exactly: one edit there would flood ordinary text.
      #expect(found.isEmpty)
    } else {
      #expect(!found.isEmpty)
    }
  }

  // MARK: Custom phrases

  @Test func customPhrases() throws {
    let custom = [CustomPhrase("Jane O'Brien"), CustomPhrase("Ward 7B", slug: "the ward")]
    let text = "tell JANE\n o\u{2019}brien that ward 7b knows"
    let found = try findings(text, custom: custom)
    #expect(found.map(\.ruleID) == ["custom:jane-o-brien", "custom:the-ward"])
    #expect(found.map(key) == ["E-12/text/custom:jane-o-brien", "E-12/text/custom:the-ward"])
    #expect(found.map { matched($0, in: text) } == ["JANE\n o\u{2019}brien", "ward 7b"])
    #expect(found.map(\.preview) == ["JANE o\u{2019}brien", "ward *b"])
    // Whole words only.
    #expect(try ruleIDs("Ward 7Bx", custom: custom).isEmpty)
    // The rule names its id, never the phrase.
    let lint = try ConfidentialityLint(customPhrases: custom, today: Self.today)
    let rule = try #require(lint.rules.first { $0.id == "custom:the-ward" })
    #expect(rule.kind == .custom)
    #expect(!rule.title.localizedCaseInsensitiveContains("7B"))
    #expect(!rule.explanation.localizedCaseInsensitiveContains("7B"))
    #expect(lint.rules.filter { $0.kind == .custom }.allSatisfy { !$0.explanation.localizedCaseInsensitiveContains("jane") })
  }

  @Test func badCustomPhrasesAreRefused() {
    for phrases in [[CustomPhrase("  ")], [CustomPhrase("!!")], [CustomPhrase("Jane Doe"), CustomPhrase("jane-doe")],
      [CustomPhrase("x", slug: "my-patient"), CustomPhrase("y", slug: "My Patient")], [CustomPhrase("x", slug: "--")]]
    {
      #expect(throws: CasefileError.self) { try ConfidentialityLint(customPhrases: phrases, today: Self.today) }
    }
    // A custom slug may not take a built-in id, but "custom:" keeps them apart anyway.
    #expect(throws: Never.self) { try ConfidentialityLint(customPhrases: [CustomPhrase("my patient")], today: Self.today) }
  }

  @Test func aCustomPhraseWithoutLatinLettersGetsANumberedID() throws {
    let found = try findings("他是我的病人", custom: [CustomPhrase("病人")])
    #expect(found.map(\.ruleID) == ["custom:phrase-1"])
  }

  // MARK: Finding ids and the allow list

  @Test func findingIDsNameTheSourceAndTheRule() throws {
    let lint = try ConfidentialityLint(today: Self.today)
    let texts = [
      LintText(ref: "E-12", field: .text, text: "my patient"),
      LintText(ref: "E-13", field: .text, text: "my patient"),
      LintText(ref: "E-13", field: .detail("thread name"), text: "my patient"),
      LintText(ref: "C-2026-0001", field: .stepDetail("S-5", "advice"), text: "my patient"),
      LintText(ref: "E-14", field: .url, text: "https://example.invalid/a/b"),
      LintText(ref: "E-14", field: .recipient(2), text: "a patient of Dr X"),
      LintText(ref: "E-14", field: .attachmentName(1), text: "medical records.pdf"),
      LintText(ref: "A-3", field: .actorDisplayName, text: "Your GP"),
    ]
    let found = try lint.lint(texts)
    #expect(
      found.map(key) == [
        "E-12/text/phrase:my-patient",
        "E-13/text/phrase:my-patient",
        "E-13/detail:thread%20name/phrase:my-patient",
        "C-2026-0001/stepDetail:S-5:advice/phrase:my-patient",
        "E-14/recipient:2/phrase:a-patient",
        "E-14/recipient:2/phrase:a-patient-of",
        "E-14/attachment:1/phrase:medical-record",
        "A-3/actorDisplayName/phrase:your-gp",
      ])
    #expect(found.allSatisfy { $0.id.range(of: #"^L[0-9]+-[0-9a-f]{10}$"#, options: .regularExpression) != nil })
    #expect(Set(found.map(\.id)).count == found.count)
    #expect(found[3].source == LintSource("C-2026-0001", .stepDetail("S-5", "advice")))
    // The same texts give the same ids.
    #expect(try lint.lint(texts) == found)
  }

  @Test func repeatedMatchesInOneSourceHaveTheirOffsets() throws {
    let found = try findings("my patient said my patient")
    #expect(found.map(key) == ["E-12/text/phrase:my-patient", "E-12/text/phrase:my-patient"])
    #expect(found.map(\.range) == [0..<10, 16..<26])
    #expect(found[0].id != found[1].id)
  }

  @Test func allowingOneFindingLeavesTheOthersBlocking() throws {
    let lint = try ConfidentialityLint(today: Self.today)
    let found = try lint.lint([
      LintText(ref: "E-1", field: .text, text: "my patient"),
      LintText(ref: "E-2", field: .text, text: "my patient, NHS 943 476 5919"),
    ])
    #expect(found.count == 3)
    let blocking = ConfidentialityLint.blocking(found, allowed: [found[0].id])
    #expect(blocking.map(key) == ["E-2/text/phrase:my-patient", "E-2/text/nhs-number"])
    // Case and surrounding whitespace do not matter.
    #expect(ConfidentialityLint.blocking(found, allowed: [" \(found[2].id.uppercased())\n"]).count == 2)
    #expect(ConfidentialityLint.blocking(found, allowed: Set(found.map(\.id))).isEmpty)
    #expect(ConfidentialityLint.blocking(found, allowed: []) == found)
    // A rule id alone, or a source alone, allows nothing.
    #expect(ConfidentialityLint.blocking(found, allowed: ["phrase:my-patient", "E-1/text", "E-1", "E-1/text/phrase:my-patient"]) == found)
    #expect(ConfidentialityLint.unusedAllowances([found[0].id, "E-9/text/ppsn"], in: found) == ["E-9/text/ppsn"])
  }

  @Test func twoTextsWithOneSourceAreRefused() throws {
    let lint = try ConfidentialityLint(today: Self.today)
    #expect(throws: CasefileError.self) {
      try lint.lint([LintText(ref: "E-1", field: .text, text: "a"), LintText(ref: "E-1", field: .text, text: "b")])
    }
  }

  @Test func idPartsCannotRunIntoEachOther() throws {
    let found = try ConfidentialityLint(today: Self.today).lint("my patient", source: LintSource("E-1/x", .detail("a@b c")))
    #expect(found.map(key) == ["E-1%2Fx/detail:a%40b%20c/phrase:my-patient"])
  }

  // MARK: What a finding says

  @Test func explanationsAndPreviewsNeverQuoteTheText() throws {
    let text =
      "Zanzibarquux wrote: as my patient you know, NHS 943 476 5919, PPS 1234567TW, DOB 04/07/1985, "
      + "seen at the clinic on 12/03/2020 by Flibbertigibbet about your test results; Jane O'Brien"
    let found = try findings(text, custom: [CustomPhrase("Jane O'Brien", slug: "p1")])
    #expect(Set(found.map(\.ruleID)).isSuperset(of: [
      "phrase:my-patient", "nhs-number", "ppsn", "date-of-birth", "phrase:at-the-clinic", "full-date",
      "phrase:your-test-results", "custom:p1",
    ]))
    for finding in found {
      #expect(!finding.explanation.isEmpty)
      for secret in ["Zanzibarquux", "Flibbertigibbet", "O'Brien", "Jane", "476", "5919", "1234567", "1985", "2020", text] {
        #expect(!finding.explanation.contains(secret), "\(finding.ruleID) explanation")
        #expect(!finding.id.contains(secret), "\(finding.ruleID) id")
      }
      for secret in ["Zanzibarquux", "Flibbertigibbet", "476", "5919", "1234567", "1985", "2020"] {
        #expect(!finding.preview.contains(secret), "\(finding.ruleID) preview")
      }
      // The preview shows the match alone.
      #expect(finding.preview.count <= finding.range.count)
    }
  }

  @Test func previewsAreOneLineAndShort() throws {
    let long = "Jane " + String(repeating: "x", count: 80)
    let found = try findings("a \(long) b my\u{2028}patient", custom: [CustomPhrase(long, slug: "long")])
    #expect(found.map(\.preview) == [String(long.prefix(59)) + "…", "my patient"])
  }

  @Test func rangesCountCharacters() throws {
    let text = "\u{1F469}\u{200D}\u{2695}\u{FE0F} e\u{0301}: my patient"
    let found = try findings(text)
    #expect(found.map(\.range) == [5..<15])
    #expect(found.first.map { matched($0, in: text) } == "my patient")
  }

  // MARK: Redaction

  @Test func redactionReplacesEveryMatch() throws {
    let redactor = try Redactor(patterns: ["(?i)jane o'brien", "[0-9]{3} [0-9]{3} [0-9]{4}"])
    let result = redactor.redact("JANE O'BRIEN, 943 476 5919, and Jane O'Brien again")
    #expect(result.text == "[redacted], [redacted], and [redacted] again")
    #expect(result.changed)
    #expect(result.replacements == 3)
    let untouched = redactor.redact("nothing here")
    #expect(untouched == RedactedText(text: "nothing here", replacements: 0))
    #expect(!untouched.changed)
    // Dollar signs and backslashes in the text are copied, not read as a template.
    #expect(try Redactor(patterns: ["x"]).redact(#"$0 \1 x"#).text == #"$0 \1 [redacted]"#)
    // A pattern that only matches empty text replaces nothing.
    #expect(try Redactor(patterns: ["z*"]).redact("abc") == RedactedText(text: "abc", replacements: 0))
    #expect(try Redactor(patterns: []).isEmpty)
  }

  @Test func redactionRemovesAFinding() throws {
    let lint = try ConfidentialityLint(today: Self.today)
    let texts = [
      LintText(ref: "E-1", field: .text, text: "You were my patient, Jane."),
      LintText(ref: "E-2", field: .text, text: "no problem here"),
    ]
    #expect(try lint.lint(texts).map(key) == ["E-1/text/phrase:my-patient"])
    let (redacted, changed) = try Redactor(patterns: ["(?i)my\\s+patient"]).redact(texts)
    #expect(changed == [LintSource("E-1", .text)])
    #expect(redacted[0].text == "You were [redacted], Jane.")
    #expect(redacted[1] == texts[1])
    #expect(try lint.lint(redacted).isEmpty)
  }

  @Test func anInvalidRedactPatternIsAUsageError() throws {
    for pattern in ["(unclosed", "[a-", "*x", ""] {
      let error = try #require(throws: CasefileError.self) { try Redactor(patterns: ["ok", pattern]) }
      #expect(error.code == .badRedact)
      #expect(error.code.category == .usage)
      #expect(error.exitCode == 64)
    }
  }
}

extension ConfidentialityLintTests {
  /// The identifier rules read folded digits, and their findings point at the original
  /// characters, however they were written.
  @Test(arguments: [
    ("NHS \u{FF19}\u{FF14}\u{FF13} \u{FF14}\u{FF17}\u{FF16} \u{FF15}\u{FF19}\u{FF11}\u{FF19} ok", "nhs-number",
     "\u{FF19}\u{FF14}\u{FF13} \u{FF14}\u{FF17}\u{FF16} \u{FF15}\u{FF19}\u{FF11}\u{FF19}", "943 *** ****"),
    ("NHS 943\u{200B}476\u{200B}5919 ok", "nhs-number", "943\u{200B}476\u{200B}5919", "943 *** ****"),
    ("PPS \u{FF11}234567tw ok", "ppsn", "\u{FF11}234567tw", "*******TW"),
    ("DOB \u{FF11}\u{FF12}\u{FF0F}03/1990 ok", "date-of-birth", "DOB \u{FF11}\u{FF12}\u{FF0F}03/1990", "DOB **\u{FF0F}**/****"),
    ("on 1\u{200B}2/03/19\u{2060}90 ok", "full-date", "1\u{200B}2/03/19\u{2060}90", "**/**/****"),
    ("Born: July \u{1D7D2}, 1985 ok", "date-of-birth", "Born: July \u{1D7D2}, 1985", "Born: July *, ****"),
  ])
  func disguisedDigitsAreRead(_ text: String, _ rule: String, _ match: String, _ preview: String) throws {
    let found = try findings(text)
    #expect(found.map(\.ruleID) == [rule])
    #expect(found.first.map { matched($0, in: text) } == match)
    #expect(found.first?.preview == preview)
  }

  @Test func digitsOfOtherKindsStillKeepToWordEdges() throws {
    #expect(try ruleIDs("x\u{FF19}434765919").isEmpty)
    #expect(try ruleIDs("9434765919\u{FF11}").isEmpty)
    #expect(try ruleIDs("1\u{200B}2/03/1990\u{200B}5").isEmpty)
    #expect(try ruleIDs("sent 2026-11-20T21:15:00Z").isEmpty)
  }
}
