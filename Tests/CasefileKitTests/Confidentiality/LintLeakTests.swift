import CasefileKit
import Foundation
import Testing

/// Attempts to get patient-revealing wording past the lint into a platform or police package:
/// each disguise, each field that goes out, phrases split across items, and override text. Each
/// export must stop with a finding, or, redacted, carry the canary in no byte.
@Suite struct LintLeakTests {
  /// What one test case puts into the store.
  struct Plant: Sendable {
    var title = "Abuse on X"
    var handle = "@angry_example"
    var displayName: String? = nil
    var userID: String? = nil
    var url: String? = nil
    var texts = ["Watch yourself."]
    var fileName: String? = nil
    var reference: String? = nil
    var decision: String? = nil
    var phrases: String? = nil
    var languages: String? = nil
  }

  static let profiles: [ExportProfile] = [.platform, .police]

  func store(_ plant: Plant) throws -> (TestStore, String) {
    let t = try TestStore()
    let store = t.store
    let ref = try store.openCase(title: plant.title, category: .threat, severity: .high).ref
    let attachments = try plant.fileName.map { [try t.file($0, onePixelPNG)] } ?? []
    for (number, text) in plant.texts.enumerated() {
      _ = try store.logItem(ItemDraft(
        caseRef: ref, platform: .x, kind: .dm,
        author: ActorInput(handle: plant.handle, displayName: plant.displayName, platformUserID: plant.userID),
        occurredAt: try at("2026-11-20 21:3\(number)"), url: number == 0 ? plant.url : nil, text: text,
        attachments: number == 0 ? attachments : []))
    }
    if let decision = plant.decision { _ = try store.recordStep(caseRef: ref, .ignore(decision: decision)) }
    _ = try store.recordStep(caseRef: ref, .report(platform: .x, reference: plant.reference, policy: "abuse", channel: .inApp))
    if let phrases = plant.phrases { try store.setSetting(.lintPhrases, to: phrases) }
    if let languages = plant.languages { try store.setSetting(.lintLanguages, to: languages) }
    _ = try SigningKey.create(in: store.location)
    return (t, ref)
  }

  func request(_ ref: String, _ profile: ExportProfile, redact: [String] = [], allow: [String] = []) -> ExportRequest {
    ExportRequest(
      caseRef: ref, profile: profile, platform: profile == .platform ? .x : nil, redactions: redact, allowedFindings: allow)
  }

  /// The export stops with a lint finding, and writes nothing.
  func expectStopped(_ plant: Plant, _ profile: ExportProfile, sourceLike: String? = nil) throws {
    let (t, ref) = try store(plant)
    let folder = try TempFolder()
    let url = folder.url("out.zip")
    let error = #expect(throws: CasefileError.self) { try t.store.exportBundle(request(ref, profile), to: url) }
    #expect(error?.code == .lintFindings, "\(error?.message ?? "exported")")
    if let sourceLike { #expect(error?.message.contains(sourceLike) == true, "\(error?.message ?? "")") }
    #expect(!FileManager.default.fileExists(atPath: url.path))
    // `casefile lint` reports the same finding as blocking.
    #expect(try !t.store.lint(request(ref, profile)).blocking.isEmpty)
  }

  /// Redacted, the export goes, and the canary is in no byte of the package.
  func expectRedacted(_ plant: Plant, _ profile: ExportProfile, canary: String) throws {
    let (t, ref) = try store(plant)
    let folder = try TempFolder()
    let url = folder.url("out.zip")
    _ = try t.store.exportBundle(request(ref, profile, redact: [NSRegularExpression.escapedPattern(for: canary)]), to: url)
    #expect(try PackageBytes(url).places(of: canary).isEmpty)
  }

  // MARK: Disguises, in a message's text

  static let disguises: [String] = [
    "I was y\u{043E}ur p\u{0430}tient",  // Cyrillic o and a
    "I was y\u{03BF}ur pat\u{03B9}ent",  // Greek omicron and iota
    "I was your pat\u{200B}ie\u{200D}nt",  // zero-width space and joiner
    "I was \u{FF59}\u{FF4F}\u{FF55}\u{FF52} \u{FF50}\u{FF41}\u{FF54}\u{FF49}\u{FF45}\u{FF4E}\u{FF54}",  // fullwidth
    "I was \u{1D432}\u{1D428}\u{1D42E}\u{1D42B} \u{1D429}\u{1D41A}\u{1D42D}\u{1D422}\u{1D41E}\u{1D427}\u{1D42D}",  // math bold
    "I was your \u{202E}tneitap\u{202C}",  // right-to-left override: shown as "your patient"
    "I was your pa\u{00AD}ti\u{00AD}ent",  // soft hyphens
    "I was your pa\u{0301}tie\u{0300}nt",  // combining accents
    "#your_patient",
    "your.patient",
    "yourpatient",
    "I was your pat1ent",
    "I was your pateint",  // one transposition
    "I was Y-O-U-R P.A.T.I.E.N.T",
    "I was your pat\u{2060}ient\u{FEFF}",  // word joiner and BOM
  ]

  @Test(arguments: disguises, profiles)
  func aDisguisedPhraseInATextStopsTheExport(_ text: String, _ profile: ExportProfile) throws {
    try expectStopped(Plant(texts: [text]), profile)
  }

  @Test(arguments: profiles)
  func aPhraseSplitAcrossTwoItemsOfAThreadStopsTheExport(_ profile: ExportProfile) throws {
    try expectStopped(Plant(texts: ["I know who you are. I was your", "patient for 3 years"]), profile, sourceLike: "E-1/text + E-2/text")
  }

  @Test(arguments: [("Zo\u{00EB} Quinnell", "zoe\u{0308} quinnell"), ("zoe\u{0308} Quinnell", "ZO\u{00CB} QUINNELL")], profiles)
  func aCustomPhraseMatchesAcrossNFCAndNFD(_ pair: (String, String), _ profile: ExportProfile) throws {
    try expectStopped(Plant(texts: ["tell \(pair.1) hello"], phrases: pair.0), profile)
  }

  @Test(arguments: profiles)
  func anotherLanguagesListIsUsedWhenChosen(_ profile: ExportProfile) throws {
    try expectStopped(Plant(texts: ["fui su paciente"], languages: "en,es"), profile)
  }

  // MARK: Every field that goes out

  static let fieldPlants: [(String, Plant)] = [
    ("title", Plant(title: "Abusive DMs from patient after appointment")),
    ("title glued", Plant(title: "abuse from my_patient")),
    ("handle", Plant(handle: "@your_patient_j")),
    ("display name", Plant(displayName: "Y\u{043E}ur Patient Jo")),
    ("platform id", Plant(userID: "yourpatient_1988")),
    ("url", Plant(url: "https://x.com/yourpatient88/status/1")),
    ("attachment name", Plant(fileName: "my_medical_records.png")),
    ("report reference", Plant(reference: "REF-your-patient-12")),
  ]

  @Test(arguments: fieldPlants.map(\.0), profiles)
  func aPhraseInAnyFieldStopsTheExport(_ field: String, _ profile: ExportProfile) throws {
    let plant = try #require(Self.fieldPlants.first { $0.0 == field }?.1)
    try expectStopped(plant, profile)
  }

  @Test func aStepDetailStopsAPoliceExport() throws {
    try expectStopped(Plant(decision: "not replying to my former patient"), .police)
  }

  @Test(arguments: profiles)
  func aMessageIDIsLinted(_ profile: ExportProfile) throws {
    let (t, ref) = try store(Plant())
    var selection = try profile.select(
      try t.store.bundleContent(caseRef: ref), request: request(ref, profile))
    selection.items[0].platformMessageID = "mid.your_patient.42"
    #expect(throws: CasefileError.self) { try t.store.lintGate(selection) }
  }

  // MARK: --redact reaches every field

  static let redactPlants: [(String, Plant, String)] = [
    ("title", Plant(title: "Abuse from your_patient"), "your_patient"),
    ("handle", Plant(handle: "@your_patient_j"), "your_patient"),
    ("display name", Plant(displayName: "your_patient Jo"), "your_patient"),
    ("platform id", Plant(userID: "your_patient_1988"), "your_patient"),
    ("url", Plant(url: "https://x.com/your_patient/status/1"), "your_patient"),
    ("attachment name", Plant(fileName: "your_patient.png"), "your_patient"),
    ("report reference", Plant(reference: "REF-your_patient"), "your_patient"),
    ("text", Plant(texts: ["I was y\u{043E}ur p\u{0430}tient"]), "y\u{043E}ur p\u{0430}tient"),
  ]

  @Test(arguments: redactPlants.map(\.0), profiles)
  func redactingAFieldLeavesTheCanaryInNoByte(_ field: String, _ profile: ExportProfile) throws {
    let (_, plant, canary) = try #require(Self.redactPlants.first { $0.0 == field })
    try expectRedacted(plant, profile, canary: canary)
  }

  // MARK: Overrides carry nothing the user typed

  @Test(arguments: ["Mary is my patient", "custom:mary-patientname", "E-1/text/phrase:your-patient"], profiles)
  func anAllowThatNamesNoFindingIsRefused(_ typed: String, _ profile: ExportProfile) throws {
    let (t, ref) = try store(Plant(texts: ["I was your patient"], phrases: "Mary Patientname"))
    let folder = try TempFolder()
    let url = folder.url("out.zip")
    let found = try t.store.lint(request(ref, profile)).findings.map(\.id)
    let error = #expect(throws: CasefileError.self) {
      try t.store.exportBundle(request(ref, profile, allow: found + [typed]), to: url)
    }
    #expect(error?.code == .usage)
    #expect(error?.message.contains(typed) == false)
    #expect(!FileManager.default.fileExists(atPath: url.path))
  }

  @Test(arguments: profiles)
  func anAllowedFindingGoesOutByItsOpaqueIdOnly(_ profile: ExportProfile) throws {
    let (t, ref) = try store(Plant(texts: ["Mary Patientname was my patient"], phrases: "Mary Patientname"))
    let folder = try TempFolder()
    let url = folder.url("out.zip")
    #expect(Set(try t.store.lint(request(ref, profile)).findings.map(\.rule)) == ["custom:mary-patientname", "phrase:my-patient"])
    let findings = try t.store.lint(request(ref, profile, redact: ["Mary Patientname"])).findings
    #expect(findings.map(\.rule) == ["phrase:my-patient"])
    for finding in findings {
      #expect(finding.id.range(of: #"^L[0-9]+-[0-9a-f]{10}$"#, options: .regularExpression) != nil)
    }
    // Typed in another case, the ids still match: they are compared without regard to case.
    _ = try t.store.exportBundle(
      request(ref, profile, redact: ["Mary Patientname"], allow: findings.map { $0.id.uppercased() }),
      to: url)
    let bytes = try PackageBytes(url)
    #expect(bytes.places(of: "mary").isEmpty)
    #expect(bytes.places(of: "patientname").isEmpty)
    #expect(bytes.places(of: "phrase:").isEmpty)
    #expect(bytes.places(of: "custom:").isEmpty)
    #expect(!bytes.places(of: findings.first { $0.rule == "phrase:my-patient" }!.id).isEmpty)
  }
}

/// Identifiers written with digits that only look like ASCII ones: fullwidth, mathematical,
/// other scripts', or split by invisible characters. Each must stop the export like the plain one.
@Suite struct LintDisguisedDigitLeakTests {
  static let disguised: [String] = [
    "NHS \u{FF19}\u{FF14}\u{FF13} \u{FF14}\u{FF17}\u{FF16} \u{FF15}\u{FF19}\u{FF11}\u{FF19}",  // fullwidth 943 476 5919
    "NHS \u{1D7FF}\u{1D7FA}\u{1D7F9} \u{1D7FA}\u{1D7FD}\u{1D7FC} \u{1D7FB}\u{1D7FF}\u{1D7F7}\u{1D7FF}",  // math monospace
    "NHS 943\u{200B}476\u{200B}5919",  // zero-width spaces between the groups
    "NHS 9\u{200B}4\u{200C}3\u{200D}4\u{2060}7\u{FEFF}6\u{00AD}5919",  // an invisible character between digits
    "NHS \u{0669}\u{0664}\u{0663}\u{0664}\u{0667}\u{0666}\u{0665}\u{0669}\u{0661}\u{0669}",  // Arabic-Indic digits
    "PPS \u{FF11}\u{FF12}\u{FF13}\u{FF14}\u{FF15}\u{FF16}\u{FF17}\u{FF34}\u{FF37}",  // fullwidth 1234567TW
    "PPS 1234\u{200B}567TW",
    "DOB \u{FF11}\u{FF12}\u{FF0F}\u{FF10}\u{FF13}\u{FF0F}\u{FF11}\u{FF19}\u{FF19}\u{FF10}",  // fullwidth 12/03/1990
    "DOB 1\u{200B}2/0\u{200B}3/19\u{200B}90",
    "born on \u{1D7CF}\u{1D7D0} March \u{1D7CF}\u{1D7D7}\u{1D7D7}\u{1D7CE}",  // math bold 12 March 1990
    "on 12\u{2060}/03/1\u{200D}990 she came",  // a bare full date, split
    "\u{FF24}\u{FF2F}\u{FF22}: 12/03/1990",  // the keyword in fullwidth letters
  ]

  @Test(arguments: disguised, LintLeakTests.profiles)
  func anIdentifierWithDisguisedDigitsStopsTheExport(_ text: String, _ profile: ExportProfile) throws {
    try LintLeakTests().expectStopped(LintLeakTests.Plant(texts: ["Here it is: \(text) ok"]), profile, sourceLike: "E-1/text")
  }
}
