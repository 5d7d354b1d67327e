import CasefileKit
import Foundation
import Testing

/// threats.md, end to end: each hostile export, imported into a case that already holds
/// evidence, is a clear error; nothing is stored and the earlier evidence is untouched.
@Suite struct HostileImportTests {
  enum Hostile: String, CaseIterable, Sendable {
    case xxe, externalDTD, billionLaughs, pathEscape, symlink, encryptedEntry, badCRC, truncatedTar, bomb, notWellFormed
  }

  /// Writes the hostile export into `folder` and returns it with the error code it must give.
  func make(_ hostile: Hostile, in folder: TempFolder) throws -> (URL, CasefileError.Code) {
    let sms = Data(SMSFixtures.sms.utf8)
    let canary = folder.url("CANARY")
    try Data("canary-secret".utf8).write(to: canary)
    switch hostile {
    case .xxe:
      let url = folder.url("sms-xxe.xml")
      try Data("<?xml version='1.0'?><!DOCTYPE smses [<!ENTITY x SYSTEM \"file://\(canary.path)\">]><smses><sms address=\"1\" date=\"1795206600000\" type=\"1\" body=\"&x;\"/></smses>".utf8).write(to: url)
      return (url, .xmlDTD)
    case .externalDTD:
      let url = folder.url("sms-dtd.xml")
      try Data("<?xml version='1.0'?><!DOCTYPE smses SYSTEM \"file://\(canary.path)\"><smses/>".utf8).write(to: url)
      return (url, .xmlDTD)
    case .billionLaughs:
      var doc = "<?xml version='1.0'?><!DOCTYPE smses [<!ENTITY l0 \"lol\">"
      for level in 1...10 { doc += "<!ENTITY l\(level) \"" + String(repeating: "&l\(level - 1);", count: 10) + "\">" }
      doc += "]><smses><sms address=\"1\" date=\"1\" type=\"1\" body=\"&l10;\"/></smses>"
      let url = folder.url("sms-laughs.xml")
      try Data(doc.utf8).write(to: url)
      return (url, .xmlDTD)
    case .pathEscape:
      let url = folder.url("escape.zip")
      try writeArchive(url, .zip, [.file("sms-20261120.xml", sms), .file("../../sms-evil.xml", sms)])
      return (url, .archiveUnsafePath)
    case .symlink:
      let url = folder.url("link.tar")
      try writeArchive(url, .tar, [.file("sms-20261120.xml", sms), FixtureEntry(name: "sms-link.xml", kind: .symlink("/etc/passwd"))])
      return (url, .archiveLink)
    case .encryptedEntry:
      let url = folder.url("encrypted.zip")
      try writeArchive(url, .zip, [.file("sms-20261120.xml", sms), .file("sms-2.xml", sms)])
      var patcher = try ZipPatcher(url)
      patcher.markEncrypted(1)
      try patcher.write(url)
      return (url, .archiveEncrypted)
    case .badCRC:
      let url = folder.url("crc.zip")
      try writeArchive(url, .zip, [.file("sms-20261120.xml", sms, deflate: true)])
      var patcher = try ZipPatcher(url)
      patcher.setCRC(0, 0xDEAD_BEEF)
      try patcher.write(url)
      return (url, .archiveCRC)
    case .truncatedTar:
      let url = folder.url("cut.tar")
      try writeArchive(url, .tar, [.file("sms-20261120.xml", sms)])
      let whole = try Data(contentsOf: url)
      try whole.prefix(whole.count / 2).write(to: url)
      return (url, .archiveTruncated)
    case .bomb:
      let url = folder.url("bomb.zip")
      try writeArchive(url, .zip, [.file("sms-20261120.xml", sms), .file("sms-zeros.xml", Data(count: 50_000_000), deflate: true)])
      return (url, .archiveRatio)
    case .notWellFormed:
      let url = folder.url("sms-broken.xml")
      try sms.prefix(sms.count - 40).write(to: url)
      return (url, .xmlMalformed)
    }
  }

  @Test(arguments: Hostile.allCases)
  func nothingIsStoredAndEarlierEvidenceIsUntouched(_ hostile: Hostile) throws {
    let folder = try TempFolder()
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Texts", category: .threat, severity: .high).ref
    // Earlier evidence: the good backup, imported first.
    let good = folder.url("sms-20261120.xml")
    try Data(SMSFixtures.sms.utf8).write(to: good)
    _ = try importAll(t.store, ref, good)
    let before = try t.fingerprint()

    let (url, code) = try make(hostile, in: folder)
    let error = #expect(throws: CasefileError.self) { try importAll(t.store, ref, url) }
    #expect(error?.code == code, "\(hostile): \(String(describing: error))")
    #expect(error?.message.contains("canary-secret") == false)
    #expect(try t.fingerprint() == before)
    #expect(try t.store.fsck().ok)
  }

  func importAll(_ store: CaseStore, _ caseRef: String, _ url: URL) throws -> ImportSummary {
    try FormatFixtures.importExport(store, caseRef, url, zone: "UTC")
  }
}
