import CasefileKit
import Foundation
import Testing

/// What a NUL or a control character hides must not walk past the lint into a platform or police
/// package: the lint and the redaction see the whole text, not the part before the NUL.
@Suite struct TextLeakTests {
  /// Before the NUL, harmless; after it, the patient phrase.
  static let hidden = "See you soon\u{0} you were my patient, remember"

  func store(with text: String) throws -> (TestStore, String) {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Messages", category: .threat, severity: .high).ref
    _ = try t.store.logItem(ItemDraft(
      caseRef: ref, platform: .x, kind: .dm, author: ActorInput(handle: "@angry_example"), occurredAt: try at("2026-11-20 21:30"),
      text: text))
    _ = try SigningKey.create(in: t.store.location)
    return (t, ref)
  }

  func expectStopsWithAFinding(_ t: TestStore, _ request: ExportRequest) throws {
    let folder = try TempFolder()
    let url = folder.url("out.zip")
    let error = #expect(throws: CasefileError.self) { try t.store.exportBundle(request, to: url) }
    #expect(error?.code == .lintFindings)
    #expect(!FileManager.default.fileExists(atPath: url.path))
  }

  @Test(arguments: [ExportProfile.platform, .police]) func aPhraseAfterANULInALoggedTextStopsTheExport(_ profile: ExportProfile) throws {
    let (t, ref) = try store(with: Self.hidden)
    try expectStopsWithAFinding(t, ExportRequest(caseRef: ref, profile: profile))
  }

  @Test(arguments: [ExportProfile.platform, .police]) func aPhraseAfterANULInAnImportedWhatsAppTextStopsTheExport(_ profile: ExportProfile) throws {
    let folder = try TempFolder()
    let chat = folder.url("WhatsApp Chat with Jo Example.txt")
    try Data("20/11/2026, 9:29 PM - Jo Example: \(Self.hidden)\n".utf8).write(to: chat)
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Messages", category: .threat, severity: .high).ref
    _ = try FormatFixtures.importExport(t.store, ref, chat)
    #expect(try t.store.caseDetail(ref).evidence.compactMap(\.text) == [Self.hidden])
    _ = try SigningKey.create(in: t.store.location)
    try expectStopsWithAFinding(t, ExportRequest(caseRef: ref, profile: profile, platform: .whatsapp))
  }

  @Test func aPhraseAfterANULInATelegramJSONTextStopsAPoliceExport() throws {
    let folder = try TempFolder()
    let export = folder.url("telegram")
    try FileManager.default.copyItem(at: FormatFixtures.root.appendingPathComponent("telegram-json/single"), to: export)
    let file = export.appendingPathComponent("result.json")
    let text = try String(contentsOf: file, encoding: .utf8)
    try Data(text.replacingOccurrences(of: "Answer the phone, doctor.", with: #"See you soon\u0000 you were my patient, remember"#).utf8)
      .write(to: file)
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Messages", category: .threat, severity: .high).ref
    _ = try FormatFixtures.importExport(t.store, ref, export)
    _ = try SigningKey.create(in: t.store.location)
    try expectStopsWithAFinding(t, ExportRequest(caseRef: ref, profile: .police))
  }

  /// A redaction applies after the NUL too: the name it removes is in no byte of the package.
  @Test(arguments: [ExportProfile.platform, .police]) func aRedactionReachesPastANUL(_ profile: ExportProfile) throws {
    let canary = "Marycanary Quill"
    let (t, ref) = try store(with: "See you soon\u{0} tell \(canary) I said so")
    let folder = try TempFolder()
    let url = folder.url("out.zip")
    _ = try t.store.exportBundle(ExportRequest(caseRef: ref, profile: profile, redactions: ["Marycanary Quill"]), to: url)
    #expect(try PackageBytes(url).places(of: canary).isEmpty)
    #expect(try PackageBytes(url).places(of: "I said so").isEmpty == false)
  }

  /// A text hidden from the terminal by an escape sequence (ESC [8m, "concealed") is still linted.
  @Test func aPhraseConcealedByAnEscapeSequenceStopsAPlatformExport() throws {
    let (t, ref) = try store(with: "Nice day\u{1B}[8m you were my patient, remember\u{1B}[0m")
    try expectStopsWithAFinding(t, ExportRequest(caseRef: ref, profile: .platform))
  }
}
