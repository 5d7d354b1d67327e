import Foundation

/// One check of the confidentiality lint: a phrase list, an identifier shape, or a user's phrase.
public struct LintRule: Hashable, Sendable, Identifiable {
  public enum Kind: String, Sendable {
    /// Built-in wording that could reveal a patient relationship.
    case phrase
    /// The shape of a health or personal identifier: NHS number, PPS number, a date of birth.
    case identifier
    /// A phrase from the user's own list.
    case custom
  }

  /// Stable: `phrase:my-patient`, `nhs-number`, `custom:<slug>`.
  public let id: String
  public let kind: Kind
  /// A short name to print beside a finding: the main phrase, or "NHS number".
  ///
  /// For a custom rule it is the rule's id, never the phrase, which may be a name.
  public let title: String
  /// Why a match may reveal a patient relationship or identify a person. It never quotes a text.
  public let explanation: String
  /// The wordings a phrase rule matches (`(s)` marks an optional plural); empty for identifiers.
  public let phrases: [String]

  init(id: String, kind: Kind, title: String, explanation: String, phrases: [String] = []) {
    self.id = id
    self.kind = kind
    self.title = title
    self.explanation = explanation
    self.phrases = phrases
  }
}

/// A phrase that the user wants kept out of everything that leaves the machine, such as a name.
public struct CustomPhrase: Hashable, Sendable {
  /// The rule id is `custom:<slug>`. Nil makes one from the phrase (`Jane O'Brien` gives
  /// `jane-o-brien`); give one to keep the phrase itself out of finding ids.
  public var slug: String?
  /// Words matched like the built-in phrases: any case, any run of whitespace between words,
  /// straight or curly apostrophes, a hyphen or none.
  public var phrase: String

  public init(_ phrase: String, slug: String? = nil) {
    self.phrase = phrase
    self.slug = slug
  }
}

/// The built-in rules: the wording list and the identifier shapes.
///
/// Phrase rules (all matched on word boundaries, in any case, with any whitespace or line break
/// between words, straight or curly apostrophes, and a hyphen, a space or nothing where a
/// phrase has a hyphen; `(s)` is an optional plural). They read both ways, because the texts that
/// leave the machine are the sender's messages as well as the doctor's own words: "I was your
/// patient" reveals as much as "my patient".
///
/// | id | matches |
/// |---|---|
/// | `phrase:my-patient` | my patient(s) |
/// | `phrase:our-patient` | our patient(s) |
/// | `phrase:your-patient` | your patient(s) |
/// | `phrase:a-patient-of` | a patient of, patient of mine / ours / yours |
/// | `phrase:former-patient` | former patient(s), ex-patient(s), past patient(s) |
/// | `phrase:registered-patient` | registered patient(s), registered with you |
/// | `phrase:doctor-patient` | doctor-patient, patient-doctor |
/// | `phrase:under-my-care` | under my / your / our care, in my / your care |
/// | `phrase:my-doctor` | my doctor |
/// | `phrase:your-doctor` | your doctor |
/// | `phrase:my-gp` | my GP |
/// | `phrase:your-gp` | your GP |
/// | `phrase:your-appointment` | your appointment(s) |
/// | `phrase:my-appointment` | my appointment(s) |
/// | `phrase:your-results` | your results, your blood / scan results |
/// | `phrase:your-test-results` | your test result(s) |
/// | `phrase:my-results` | my results, my test / blood / scan results |
/// | `phrase:your-prescription` | your prescription(s), your repeat prescription |
/// | `phrase:my-prescription` | my prescription(s), my repeat prescription |
/// | `phrase:prescribed` | you prescribed, I prescribed, prescribed you, prescribed me |
/// | `phrase:your-referral` | your referral(s) |
/// | `phrase:my-referral` | my referral(s) |
/// | `phrase:your-medication` | your medication(s), your meds |
/// | `phrase:my-medication` | my medication(s), my meds |
/// | `phrase:your-treatment` | your treatment, your treatment plan |
/// | `phrase:my-treatment` | my treatment, my treatment plan |
/// | `phrase:sick-note` | sick note, fit note, medical certificate |
/// | `phrase:at-the-clinic` | at the / your / my clinic, in clinic, in your clinic |
/// | `phrase:the-surgery` | the surgery, your surgery, GP surgery, GP's surgery, doctor's surgery |
/// | `phrase:the-practice` | the practice, your practice, GP practice, medical practice |
/// | `phrase:waiting-room` | waiting room |
/// | `phrase:on-the-ward` | on the ward, on your ward |
/// | `phrase:home-visit` | home visit |
/// | `phrase:consultation` | consultation(s) |
/// | `phrase:medical-record` | medical record(s), health record(s), patient record(s) |
/// | `phrase:medical-notes` | medical notes, clinical notes, patient notes, case notes |
/// | `phrase:medical-history` | medical history |
/// | `phrase:hospital-number` | hospital number, patient number, MRN, CHI number |
/// | `phrase:your-diagnosis` | your diagnosis, diagnosed you |
/// | `phrase:my-diagnosis` | my diagnosis, diagnosed me |
/// | `phrase:misdiagnosed` | misdiagnosed, misdiagnosis |
/// | `phrase:treated-you` | treated you, treating you |
/// | `phrase:you-treated-me` | you treated me |
/// | `phrase:i-examined` | I examined, examined you |
/// | `phrase:you-examined-me` | you examined me |
/// | `phrase:your-condition` | your condition |
/// | `phrase:my-condition` | my condition |
/// | `phrase:your-symptoms` | your symptoms, my symptoms |
/// | `phrase:your-operation` | your operation, my operation |
/// | `phrase:discharge` | discharge, discharged |
///
/// Left out on purpose: "patient" alone (also the adjective, "be patient"), "surgery" alone
/// (cosmetic surgery), "on my list" (a common threat), and "treated me" alone ("treated me like
/// dirt"). Some kept phrases still have ordinary meanings ("the practice of", "a public
/// consultation", "your treatment of staff"): the lint asks, the doctor decides, and `--allow`
/// takes one finding by its id.
///
/// Identifier rules: `nhs-number`, `ppsn`, `date-of-birth` and `full-date`; see
/// ``ConfidentialityLint``.
public enum LintRules {
  /// Why the wording rules matter, by theme.
  enum Theme {
    static let relationship =
      "Says or implies that someone is, or was, a patient. Even admitting that a sender is a patient "
      + "breaches confidentiality."
    static let care =
      "Refers to someone's own care (appointments, results, prescriptions, referrals, medication), "
      + "which implies a patient relationship."
    static let place =
      "Places someone at a clinic, practice or ward, which can imply that they are, or were, a patient."
    static let records =
      "Refers to medical records or identifiers, which implies a patient relationship and may "
      + "disclose health information."
    static let clinical =
      "Refers to someone's diagnosis, condition, examination or treatment: health information that "
      + "implies a patient relationship."
  }

  /// The built-in wording rules, in the order of the table above.
  public static let phraseRules: [LintRule] = [
    phrase("my-patient", Theme.relationship, ["my patient(s)"]),
    phrase("our-patient", Theme.relationship, ["our patient(s)"]),
    phrase("your-patient", Theme.relationship, ["your patient(s)"]),
    phrase(
      "a-patient-of", Theme.relationship,
      ["a patient of", "patient of mine", "patient of ours", "patient of yours"]),
    phrase("former-patient", Theme.relationship, ["former patient(s)", "ex-patient(s)", "past patient(s)"]),
    phrase("registered-patient", Theme.relationship, ["registered patient(s)", "registered with you"]),
    phrase("doctor-patient", Theme.relationship, ["doctor-patient", "patient-doctor"]),
    phrase(
      "under-my-care", Theme.relationship,
      ["under my care", "under your care", "under our care", "in my care", "in your care"]),
    phrase("my-doctor", Theme.relationship, ["my doctor"]),
    phrase("your-doctor", Theme.relationship, ["your doctor"]),
    phrase("my-gp", Theme.relationship, ["my GP"]),
    phrase("your-gp", Theme.relationship, ["your GP"]),
    phrase("your-appointment", Theme.care, ["your appointment(s)"]),
    phrase("my-appointment", Theme.care, ["my appointment(s)"]),
    phrase("your-results", Theme.care, ["your results", "your blood results", "your scan results"]),
    phrase("your-test-results", Theme.care, ["your test result(s)"]),
    phrase("my-results", Theme.care, ["my results", "my test results", "my blood results", "my scan results"]),
    phrase("your-prescription", Theme.care, ["your prescription(s)", "your repeat prescription(s)"]),
    phrase("my-prescription", Theme.care, ["my prescription(s)", "my repeat prescription(s)"]),
    phrase("prescribed", Theme.care, ["you prescribed", "I prescribed", "prescribed you", "prescribed me"]),
    phrase("your-referral", Theme.care, ["your referral(s)"]),
    phrase("my-referral", Theme.care, ["my referral(s)"]),
    phrase("your-medication", Theme.care, ["your medication(s)", "your meds"]),
    phrase("my-medication", Theme.care, ["my medication(s)", "my meds"]),
    phrase("your-treatment", Theme.care, ["your treatment", "your treatment plan"]),
    phrase("my-treatment", Theme.care, ["my treatment", "my treatment plan"]),
    phrase("sick-note", Theme.care, ["sick note(s)", "fit note(s)", "medical certificate(s)"]),
    phrase(
      "at-the-clinic", Theme.place,
      ["at the clinic", "at your clinic", "at my clinic", "in clinic", "in your clinic"]),
    phrase(
      "the-surgery", Theme.place,
      ["the surgery", "your surgery", "GP surgery", "GP's surgery", "doctor's surgery"]),
    phrase("the-practice", Theme.place, ["the practice", "your practice", "GP practice", "medical practice"]),
    phrase("waiting-room", Theme.place, ["waiting room"]),
    phrase("on-the-ward", Theme.place, ["on the ward", "on your ward"]),
    phrase("home-visit", Theme.place, ["home visit(s)"]),
    phrase("consultation", Theme.clinical, ["consultation(s)"]),
    phrase(
      "medical-record", Theme.records, ["medical record(s)", "health record(s)", "patient record(s)"]),
    phrase(
      "medical-notes", Theme.records, ["medical notes", "clinical notes", "patient notes", "case notes"]),
    phrase("medical-history", Theme.records, ["medical history"]),
    phrase(
      "hospital-number", Theme.records, ["hospital number", "patient number", "MRN", "CHI number"]),
    phrase("your-diagnosis", Theme.clinical, ["your diagnosis", "diagnosed you"]),
    phrase("my-diagnosis", Theme.clinical, ["my diagnosis", "diagnosed me"]),
    phrase("misdiagnosed", Theme.clinical, ["misdiagnosed", "misdiagnosis"]),
    phrase("treated-you", Theme.clinical, ["treated you", "treating you"]),
    phrase("you-treated-me", Theme.clinical, ["you treated me"]),
    phrase("i-examined", Theme.clinical, ["I examined", "examined you"]),
    phrase("you-examined-me", Theme.clinical, ["you examined me"]),
    phrase("your-condition", Theme.clinical, ["your condition"]),
    phrase("my-condition", Theme.clinical, ["my condition"]),
    phrase("your-symptoms", Theme.clinical, ["your symptoms", "my symptoms"]),
    phrase("your-operation", Theme.clinical, ["your operation", "my operation"]),
    phrase("discharge", Theme.clinical, ["discharge", "discharged"]),
  ]

  /// The identifier rules.
  public static let identifierRules: [LintRule] = [nhsNumber, ppsn, dateOfBirth, fullDate]

  public static let nhsNumber = LintRule(
    id: "nhs-number", kind: .identifier, title: "NHS number",
    explanation:
      "Looks like an NHS or CHI number (10 digits with a valid check digit): it identifies a person "
      + "and their health record.")
  public static let ppsn = LintRule(
    id: "ppsn", kind: .identifier, title: "PPS number",
    explanation:
      "Looks like an Irish PPS number (7 digits and a valid check letter): it identifies a person.")
  public static let dateOfBirth = LintRule(
    id: "date-of-birth", kind: .identifier, title: "date of birth",
    explanation:
      "A date given as a date of birth: with a name or a handle it identifies a person.")
  public static let fullDate = LintRule(
    id: "full-date", kind: .identifier, title: "full date",
    explanation:
      "A full date within the last 120 years, which could be someone's date of birth; check that "
      + "it is not one.")

  /// Every built-in rule: the phrases, then the identifiers.
  public static var builtIn: [LintRule] { phraseRules + identifierRules }

  /// The rule for one custom phrase; `number` counts from 1 and names the phrase in errors.
  static func custom(_ custom: CustomPhrase, number: Int) throws -> LintRule {
    let phrase = custom.phrase.trimmingCharacters(in: .whitespacesAndNewlines)
    guard phrase.unicodeScalars.contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil })
    else {
      throw CasefileError(.badValue, "custom lint phrase \(number) has no letters or digits")
    }
    let slug: String
    if let given = custom.slug {
      slug = slugify(given)
      guard !slug.isEmpty else {
        throw CasefileError(.badValue, "the id of custom lint phrase \(number) has no letters or digits")
      }
    } else {
      let made = slugify(phrase)
      slug = made.isEmpty ? "phrase-\(number)" : made
    }
    let id = "custom:\(slug)"
    return LintRule(
      id: id, kind: .custom, title: id,
      explanation:
        "Matches a phrase from your own list of words to keep out of what leaves the machine.",
      phrases: [phrase])
  }

  /// Lower-case ASCII letters and digits, joined by single hyphens; accents are dropped.
  static func slugify(_ text: String) -> String {
    let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
    var slug = ""
    var pendingHyphen = false
    for scalar in folded.unicodeScalars {
      if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
        if pendingHyphen, !slug.isEmpty { slug += "-" }
        pendingHyphen = false
        slug.unicodeScalars.append(scalar)
      } else {
        pendingHyphen = true
      }
    }
    return slug
  }

  private static func phrase(_ slug: String, _ explanation: String, _ phrases: [String]) -> LintRule {
    let title = phrases[0].replacingOccurrences(of: "(s)", with: "")
    return LintRule(id: "phrase:\(slug)", kind: .phrase, title: title, explanation: explanation, phrases: phrases)
  }

  // MARK: Phrase patterns

  /// What may stand between two words: any whitespace or line break, and the invisible characters
  /// (zero-width space, word joiner, soft hyphen, BOM) that a copied text sometimes holds.
  static let gap = #"[\s\x{200B}\x{2060}\x{00AD}\x{FEFF}]+"#
  /// A letter, a digit or an underscore: what a match must not be glued to.
  static let wordChar = #"[\p{L}\p{N}\p{M}_]"#

  /// The ICU pattern of a phrase rule: its phrases as alternatives, longest first, each bounded
  /// by non-word characters.
  static func pattern(for phrases: [String], allowPlural: Bool) -> String {
    let alternatives = phrases.map { pattern(forPhrase: $0, allowPlural: allowPlural) }
      .sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    return "(?:" + alternatives.joined(separator: "|") + ")"
  }

  private static func pattern(forPhrase phrase: String, allowPlural: Bool) -> String {
    let words = phrase.split(whereSeparator: { $0.isWhitespace })
    let body = words.map { word -> String in
      var word = Substring(word)
      var plural = false
      if allowPlural, word.hasSuffix("(s)") {
        word = word.dropLast(3)
        plural = true
      }
      var piece = ""
      for character in word {
        switch character {
        case "'", "\u{2019}", "\u{2018}", "\u{02BC}", "`", "\u{00B4}":
          piece += "['\u{2019}\u{2018}\u{02BC}`\u{00B4}]?"
        case "-", "\u{2010}", "\u{2011}", "\u{2013}", "\u{2014}":
          piece += #"[\s\-\x{2010}\x{2011}\x{2013}\x{2014}]*"#
        default:
          piece += NSRegularExpression.escapedPattern(for: String(character))
        }
      }
      return plural ? piece + "s?" : piece
    }.joined(separator: gap)
    let first = phrase.unicodeScalars.first.map(isWordScalar) ?? false
    let last = phrase.replacingOccurrences(of: "(s)", with: "").unicodeScalars.last.map(isWordScalar) ?? false
    return (first ? "(?<!\(wordChar))" : "") + body + (last ? "(?!\(wordChar))" : "")
  }

  /// Whether a phrase that starts or ends with `scalar` needs a word boundary there: a letter,
  /// digit or underscore of a script that puts spaces between words. Han, kana, Thai, Lao, Khmer
  /// and Myanmar do not, so a phrase in them matches inside a run of text.
  private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    guard scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_" else {
      return false
    }
    if scalar.properties.isIdeographic { return false }
    switch scalar.value {
    case 0x0E00...0x0EFF, 0x1000...0x109F, 0x1780...0x17FF, 0x3040...0x30FF, 0x31F0...0x31FF: return false
    default: return true
    }
  }
}
