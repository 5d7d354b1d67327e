import CasefileKit
import Foundation

/// A case with what a bundle carries: a logged item with a screenshot, an imported one with its
/// raw fragment, a private note, a patient flag, steps up to a report and its outcome; and the
/// store's signing key.
struct BundleCase {
  let t: TestStore
  let ref: String
  let key: SigningKey

  init() throws {
    t = try TestStore()
    let store = t.store
    ref = try store.openCase(title: "Threats on X & by text", category: .threat, severity: .high).ref
    let shot = try t.file("screenshot.png", onePixelPNG)
    _ = try store.logItem(ItemDraft(
      caseRef: ref, platform: .x, kind: .dm, author: ActorInput(handle: "@angry_example"),
      occurredAt: try at("2026-11-20 21:30"), url: "https://x.com/angry_example/status/1",
      text: "I know where you work. <script>alert(1)</script>\r\nSee you soon.", attachments: [shot]))
    _ = try store.logItem(ItemDraft(
      caseRef: ref, platform: .x, kind: .reply, author: ActorInput(handle: "@angry_example"),
      occurredAt: try at("2026-11-21 08:00"), text: "My patient? Not any more, doctor."))
    _ = try store.logItem(ItemDraft(
      caseRef: ref, platform: .sms, kind: .sms, author: ActorInput(handle: "+447700900123"),
      occurredAt: try at("2026-11-21 22:10"), text: "Watch yourself."))
    _ = try store.addNote(caseRef: ref, text: "Private: the account may belong to someone I treated.")
    _ = try store.setPatientFlag(actor: "x:@angry_example", flagged: true)
    _ = try store.recordStep(caseRef: ref, .ignore(decision: "Not replying"))
    _ = try store.recordStep(caseRef: ref, .block(actors: ["x:@angry_example"], platform: .x, action: .block))
    _ = try store.recordStep(caseRef: ref, .report(platform: .x, reference: "X-REPORT-0001", policy: "abuse", channel: .inApp))
    _ = try store.recordStep(caseRef: ref, .indemnifier(organisation: "Example Defence", reference: "MD-1", spokeTo: nil, advice: "Do not reply"))
    _ = try store.setProfile(Profile(
      name: "Dr A Example", registrationNumber: "7654321", indemnifier: "Example Defence", membershipNumber: "M-42",
      contact: "07700 900999"))
    key = try SigningKey.create(in: store.location)
  }
}

/// A whole PNG of one grey pixel and no metadata: platform and police packages carry only images
/// that casefile can clean.
let onePixelPNG: [UInt8] = [
  0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01,
  0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3A, 0x7E, 0x9B, 0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41,
  0x54, 0x78, 0x9C, 0x63, 0x68, 0x00, 0x00, 0x00, 0x82, 0x00, 0x81, 0x77, 0xCD, 0x72, 0xB6, 0x00, 0x00, 0x00, 0x00, 0x49,
  0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
]

extension BundleCase {
  /// A request for `profile` that the lint lets go: the platform package is for X, and the
  /// second item's "My patient?" is redacted from platform and police packages.
  func request(_ profile: ExportProfile) -> ExportRequest {
    switch profile {
    case .platform: ExportRequest(caseRef: ref, profile: .platform, platform: .x, redactions: ["(?i)my patient"])
    case .police: ExportRequest(caseRef: ref, profile: .police, redactions: ["(?i)my patient"])
    case .indemnifier: ExportRequest(caseRef: ref, profile: .indemnifier)
    }
  }
}
