import Foundation
import GRDB
import Testing

@testable import CasefileKit

/// The text of the threat, with a NUL where a C string would end it.
let nulThreat = "See you soon\u{0} I know where you live and I will burn your car"

/// Texts holding U+0000 are stored, audited, shown and exported whole.
@Suite struct TextWholeTests {
  func caseWithNULItem() throws -> (TestStore, String) {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Threats by text", category: .threat, severity: .high).ref
    _ = try t.store.logItem(ItemDraft(
      caseRef: ref, platform: .sms, kind: .sms, author: ActorInput(handle: "+447700900123", displayName: "Jo\u{0}Example"),
      occurredAt: try at("2026-11-20 21:30"), text: nulThreat))
    return (t, ref)
  }

  @Test func aLoggedTextWithANULIsStoredAndReadBackWhole() throws {
    let (t, ref) = try caseWithNULItem()
    let detail = try t.store.caseDetail(ref)
    #expect(detail.evidence.map(\.text) == [nulThreat])
    #expect(detail.actors.map(\.displayName) == ["Jo\u{0}Example"])
    #expect(try t.store.bundleContent(caseRef: ref).items.map(\.record.text) == [nulThreat])
    _ = try t.store.addNote(caseRef: ref, text: "note\u{0}after the NUL")
    #expect(try t.store.caseDetail(ref).notes.map(\.text) == ["note\u{0}after the NUL"])
    #expect(try t.store.fsck().ok)
  }

  @Test func theSameHandleWithANULIsOneActor() throws {
    let (t, ref) = try caseWithNULItem()
    for _ in 0..<2 {
      _ = try t.store.logItem(ItemDraft(
        caseRef: ref, platform: .sms, kind: .sms, author: ActorInput(handle: "+44\u{0}77"), occurredAt: try at("2026-11-20 21:31"),
        text: "again"))
    }
    #expect(try t.store.listActors().filter { $0.handle == "+44\u{0}77" }.count == 1)
    #expect(try t.store.caseDetail(ref).evidence.compactMap(\.authorHandle).contains("+44\u{0}77"))
  }

  /// Only a text holding a NUL is stored differently (as its UTF-8 bytes); every other text is
  /// stored, and so hashed, as before, and existing stores still verify.
  @Test func onlyATextWithANULIsStoredAsBytes() throws {
    let (t, ref) = try caseWithNULItem()
    _ = try t.store.logItem(ItemDraft(
      caseRef: ref, platform: .sms, kind: .sms, author: ActorInput(handle: "+447700900123"), occurredAt: try at("2026-11-20 21:32"),
      text: "plain text"))
    let queue = try DatabaseQueue(path: t.store.location.databaseURL.path)
    let types = try queue.read { try String.fetchAll($0, sql: "SELECT typeof(text) FROM evidence ORDER BY id") }
    #expect(types == ["blob", "text"])
    let row = try queue.read { try Row.fetchOne($0, sql: "SELECT text FROM evidence WHERE id = 2")! }
    #expect(Canonical.text(of: row) == #"{"text":"plain text"}"#)
  }

  /// fsck sees the part after the NUL: changing it, outside casefile, breaks the row's digest.
  @Test func fsckSeesAnEditAfterTheNUL() throws {
    let (t, _) = try caseWithNULItem()
    let queue = try DatabaseQueue(path: t.store.location.databaseURL.path)
    try queue.write { db in
      try db.execute(sql: "DROP TRIGGER evidence_no_update")
      try db.execute(
        sql: "UPDATE evidence SET text = ? WHERE id = 1",
        arguments: [Data("See you soon\u{0} I know where you live and I will wash your car".utf8)])
    }
    let report = try t.store.fsck()
    #expect(!report.ok)
    #expect(report.problems.contains { $0.ref == "E-1" })
  }

  /// A text written as TEXT with a NUL inside, outside casefile, hides what follows the NUL from
  /// every reader and from the row's digest; fsck names it.
  @Test func fsckNamesATextWithANULWrittenOutsideCasefile() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Threats", category: .threat, severity: .high).ref
    _ = try t.store.logItem(ItemDraft(
      caseRef: ref, platform: .sms, kind: .sms, author: nil, occurredAt: try at("2026-11-20 21:30"), text: "See you soon"))
    #expect(try t.store.fsck().ok)
    let queue = try DatabaseQueue(path: t.store.location.databaseURL.path)
    try queue.write { db in
      try db.execute(sql: "DROP TRIGGER evidence_no_update")
      try db.execute(
        sql: "UPDATE evidence SET text = CAST(? AS TEXT) WHERE id = 1", arguments: [Data("See you soon\u{0} and a hidden tail".utf8)])
    }
    #expect(try t.store.caseDetail(ref).evidence.first?.text == "See you soon")
    let report = try t.store.fsck()
    #expect(!report.ok)
    #expect(report.problems.contains { $0.ref == "E-1" && $0.message.contains("NUL") })
  }

  /// A police package carries the whole text as base64, the report shows the NUL as a symbol, and
  /// the recipient's store receives it whole.
  @Test func aPolicePackageCarriesTheWholeTextAndReceiveKeepsIt() throws {
    let (t, ref) = try caseWithNULItem()
    let key = try SigningKey.create(in: t.store.location)
    let folder = try TempFolder()
    let url = folder.url("police.zip")
    _ = try t.store.exportBundle(ExportRequest(caseRef: ref, profile: .police), to: url)
    let (_, tree) = try BundleVerifier.verify(url, pin: .fingerprint(key.publicKey.fingerprint))
    let xml = String(decoding: try tree.serialized(), as: UTF8.self)
    #expect(xml.contains("encoding=\"base64\">\(Data(nulThreat.utf8).base64EncodedString())<"))
    let bytes = try PackageBytes(url)
    #expect(bytes.places(of: "burn your car").contains { $0.hasPrefix("bundle.xml") })
    #expect(bytes.places(of: "See you soon\u{2400} I know where you live").contains { $0.hasPrefix("report.html") })
    // The sender's store still anchors the package: the item is found whole, not as changed.
    let anchor = try t.store.checkAnchor(url)
    #expect(anchor.problems.isEmpty && anchor.itemsMatched == 1, "\(anchor.problems)")
    let other = try TestStore()
    let received = try other.store.receive(url, pin: .fingerprint(key.publicKey.fingerprint))
    #expect(try other.store.caseDetail(received.caseRef).evidence.map(\.text) == [nulThreat])
    #expect(try other.store.fsck().ok)
  }

  /// bundle.xml writes as base64 every text that XML 1.0 cannot carry exactly: each C0 control
  /// but tab and line feed, a carriage return, U+FFFE and U+FFFF. A lone surrogate cannot reach it:
  /// Swift decodes one as U+FFFD.
  @Test func everyTextXMLCannotCarryGoesAsBase64() {
    for value in UInt32(0)...0x1F where value != 0x09 && value != 0x0A {
      #expect(!XMLOutput.isExactXMLText("a\(Character(Unicode.Scalar(value)!))b"), "U+\(String(value, radix: 16))")
    }
    #expect(!XMLOutput.isExactXMLText("a\u{FFFE}b") && !XMLOutput.isExactXMLText("a\u{FFFF}b"))
    #expect(XMLOutput.isExactXMLText("tab\there\nline\u{7F}\u{85}\u{FFFD}\u{10FFFF}"))
    #expect(String(decoding: [0x61, 0xED, 0xA0, 0x80, 0x62] as [UInt8], as: UTF8.self).unicodeScalars.allSatisfy { !(0xD800...0xDFFF).contains($0.value) })
  }

  @Test func terminalTextShowsControlsAndKeepsLayout() {
    #expect(TerminalText.escape("a\u{1B}[2Jb") == "a\u{241B}[2Jb")
    #expect(TerminalText.escape("\u{1B}]0;title\u{07}") == "\u{241B}]0;title\u{2407}")
    #expect(TerminalText.escape("soon\u{0} I know") == "soon\u{2400} I know")
    #expect(TerminalText.escape("del\u{7F} c1\u{9B}2J rlo\u{202E}x iso\u{2066}") == "del\u{2421} c1<U+009B>2J rlo<U+202E>x iso<U+2066>")
    #expect(TerminalText.escape("cr\r\nline\ttab") == "cr\u{240D}\nline\ttab")
    #expect(TerminalText.escape("Siobhán 😀 plain") == "Siobhán 😀 plain")
  }
}
