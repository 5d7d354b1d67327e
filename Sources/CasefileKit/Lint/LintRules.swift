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
/// | `phrase:a-patient` | a / the / this / that patient, from patient(s), by patient(s) |
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
/// | `phrase:after-appointment` | after (an / the / his / her / their) appointment(s) |
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

  /// The built-in wording rules, in the order of the table above: the English list,
  /// `Resources/lint/phrases/en.txt`.
  public static let phraseRules: [LintRule] = phraseRules(language: "en")

  /// The languages with a phrase list shipped in `Resources/lint/phrases/`.
  public static let languages: [String] = {
    guard let folder = Bundle.module.url(forResource: "phrases", withExtension: nil, subdirectory: "lint"),
      let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
    else { return ["en"] }
    return names.filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) }.sorted()
  }()

  /// The phrase rules of one shipped language; English ids are `phrase:<slug>`, the others
  /// `phrase:<language>:<slug>`.
  public static func phraseRules(language: String) -> [LintRule] {
    guard let url = Bundle.module.url(forResource: language, withExtension: "txt", subdirectory: "lint/phrases"),
      let text = try? String(contentsOf: url, encoding: .utf8)
    else { return [] }
    var rules: [LintRule] = []
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let parts = line.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 3 else { continue }
      let explanation: String
      switch parts[1] {
      case "relationship": explanation = Theme.relationship
      case "care": explanation = Theme.care
      case "place": explanation = Theme.place
      case "records": explanation = Theme.records
      default: explanation = Theme.clinical
      }
      let phrases = parts[2].split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      guard !phrases.isEmpty else { continue }
      rules.append(phrase(language == "en" ? parts[0] : "\(language):\(parts[0])", explanation, phrases))
    }
    return rules
  }

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

  /// The rules for the user's phrases, checked as a list: each must keep at least two letters or
  /// digits once folded (one letter, or none, would match almost everything), no two may fold to
  /// the same thing, and no two may have the same id.
  public static func customRules(_ phrases: [CustomPhrase]) throws -> [LintRule] {
    var rules: [LintRule] = []
    var ids = Set(builtIn.map(\.id))
    var folded: [String: Int] = [:]
    for (index, phrase) in phrases.enumerated() {
      let rule = try custom(phrase, number: index + 1)
      let form = FoldedText.string(of: phrase.phrase)
      guard form.unicodeScalars.count >= 2 else {
        throw CasefileError(
          .badValue,
          "custom lint phrase \(index + 1) has fewer than two letters or digits once case, accents and look-alike letters are set aside: it would match almost everything")
      }
      if let earlier = folded[form] {
        throw CasefileError(
          .badValue,
          "custom lint phrases \(earlier) and \(index + 1) are the same once case, accents, spacing and look-alike letters are set aside")
      }
      folded[form] = index + 1
      guard ids.insert(rule.id).inserted else {
        throw CasefileError(.badValue, "two custom lint phrases have the id \(rule.id)")
      }
      rules.append(rule)
    }
    return rules
  }

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

  /// Whether a phrase that starts or ends with `scalar` needs a word boundary there: a letter,
  /// digit or underscore of a script that puts spaces between words. Han, kana, Thai, Lao, Khmer
  /// and Myanmar do not, so a phrase in them matches inside a run of text.
  static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
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
