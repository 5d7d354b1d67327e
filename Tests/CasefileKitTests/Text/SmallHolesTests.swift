import Foundation
import Testing

@testable import CasefileKit

#if canImport(Glibc)
  import Glibc
#endif

/// References, early dates, store folders and file names: each refused or handled, never guessed.
@Suite struct SmallHolesTests {
  static let malformedCases = [
    "C-2026--2", "C-2026-+2", "C-2026-2x", "C--2026-2", "C-2026-0002-", "C-20-2", "C-2026-", "2026--2", "C-2026-2-3", "C-2026-\u{2212}2",
    "C-2026-\u{FF12}", "C-2026-2 3", "C-2026-0", "C-+026-2", "C-2026-1e1", "C-2026", "", "-", "C-", "C-2026-0x2", "C-2026-99999999999999999999",
  ]

  @Test(arguments: malformedCases) func aMalformedCaseReferenceIsRefused(_ text: String) throws {
    let error = #expect(throws: CasefileError.self) { try Refs.parseCase(text) }
    #expect(error?.code == .badValue)
    #expect(error?.message.contains("is not a case reference") == true)
  }

  @Test func wellFormedCaseReferencesAreRead() throws {
    #expect(try Refs.parseCase("C-2026-0002") == "C-2026-0002")
    #expect(try Refs.parseCase(" c-2026-2 ") == "C-2026-0002")
    #expect(try Refs.parseCase("2026-2") == "C-2026-0002")
    #expect(try Refs.parseCase("C-2026-12345") == "C-2026-12345")
  }

  @Test func caseShowOfAMalformedReferenceOpensNothing() throws {
    let t = try TestStore()
    _ = try t.store.openCase(title: "One", category: .threat, severity: .high)
    _ = try t.store.openCase(title: "Two", category: .threat, severity: .high)
    let error = #expect(throws: CasefileError.self) { try t.store.caseDetail("C-2026--2") }
    #expect(error?.code == .badValue)
    #expect(try t.store.caseDetail("C-2026-2").case.title == "Two")
  }

  static let malformedItems = ["E--12", "E-+12", "E-012", "E-0", "E-1 2", "E-12x", "E-１２", "E-\u{2212}1", "E-", "E-1.0", "+12", "E-99999999999999999999"]

  @Test(arguments: malformedItems) func aMalformedItemOrStepReferenceIsRefused(_ text: String) throws {
    #expect(throws: CasefileError.self) { try Refs.parse(text, .evidence) }
    let step = text.replacingOccurrences(of: "E-", with: "S-")
    #expect(throws: CasefileError.self) { try Refs.parse(step, .step) }
  }

  @Test func wellFormedItemReferencesAreRead() throws {
    #expect(try Refs.parse("E-12", .evidence) == 12)
    #expect(try Refs.parse("e-12", .evidence) == 12)
    #expect(try Refs.parse("12", .evidence) == 12)
    #expect(try Refs.parse("S-3", .step) == 3)
  }

  @Test(arguments: ["A--1", "A-+1", "A-01", "A-0", "A-1 1"]) func aMalformedActorReferenceIsRefusedNotTakenForAHandle(_ text: String) throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "One", category: .threat, severity: .high).ref
    _ = try t.store.logItem(ItemDraft(
      caseRef: ref, platform: .x, kind: .dm, author: ActorInput(handle: "@someone"), occurredAt: try at("2026-11-20 21:30"), text: "x"))
    let error = #expect(throws: CasefileError.self) { try t.store.setPatientFlag(actor: text, flagged: true) }
    #expect(error?.code == .badValue)
    #expect(try t.store.setPatientFlag(actor: "A-1", flagged: true).patientFlag)
  }

  // MARK: - Times before 1583 and 1970

  @Test func timesBeforeTheGregorianReformAreConvertedProleptically() throws {
    let parsed = try OccurredAt.parse("1500-06-01 12:00Z", defaultZone: TimeZone(identifier: "UTC")!)
    #expect(UTCStamp.format(parsed.utc) == "1500-06-01T12:00:00.000Z")
    let offset = try OccurredAt.parse("1582-10-10 00:30+01:00", defaultZone: TimeZone(identifier: "UTC")!)
    #expect(UTCStamp.format(offset.utc) == "1582-10-09T23:30:00.000Z")
    let zoned = try OccurredAt.parse("1969-12-31 23:00 UTC", defaultZone: TimeZone(identifier: "UTC")!)
    #expect(zoned.utc.timeIntervalSince1970 == -3600)
    #expect(CalendarDay(year: 1969, month: 12, day: 31).days(until: CalendarDay(year: 1970, month: 1, day: 1)) == 1)
    #expect(CalendarDay(year: 1500, month: 2, day: 28).days(until: CalendarDay(year: 1500, month: 3, day: 1)) == 1)
  }

  @Test(arguments: ["1500-06-01 12:00Z", "1969-12-31 23:59Z", "0001-01-01 00:00Z"]) func logRefusesATimeBefore1970(_ text: String) throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "One", category: .threat, severity: .high).ref
    let before = try t.fingerprint()
    let error = #expect(throws: CasefileError.self) {
      try t.store.logItem(ItemDraft(
        caseRef: ref, platform: .x, kind: .dm, author: nil, occurredAt: try OccurredAt.parse(text, defaultZone: TimeZone(identifier: "UTC")!), text: "x"))
    }
    #expect(error?.code == .badTime && error?.message.contains("before 1970") == true)
    #expect(try t.fingerprint() == before)
  }

  /// An export that states a date before 1583 is imported with that date, converted in the
  /// proleptic Gregorian calendar, not moved by ten days.
  @Test func anImportedDateBefore1583KeepsItsDay() throws {
    let folder = try TempFolder()
    let chat = folder.url("WhatsApp Chat with Jo Example.txt")
    try Data("01/06/1500, 12:00 PM - Jo Example: an old one\n20/11/2026, 9:29 PM - Jo Example: a new one\n".utf8).write(to: chat)
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Old", category: .threat, severity: .high).ref
    _ = try FormatFixtures.importExport(t.store, ref, chat, zone: "UTC")
    let items = try t.store.caseDetail(ref).evidence
    #expect(items.map(\.occurredAt).first == "1500-06-01T12:00:00.000Z")
    #expect(items.first?.occurredAtText == "01/06/1500, 12:00 PM")
  }

  // MARK: - The store folder

  @Test func initMakesALooseExistingFolderPrivate() throws {
    let folder = try TempFolder()
    let dir = folder.url("store")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    chmod(dir.path, 0o777)
    let location = StoreLocation(directory: dir)
    _ = try CaseStore.initialize(at: location)
    // Loosened by hand afterwards: the next init takes it back, files and blob folders too.
    let blobs = try CaseStore.open(at: location).blobs
    let blobFile = blobs.path(for: try blobs.put(data: Data("x".utf8)).sha256)
    for (path, mode) in [
      (dir.path, 0o777), (location.databaseURL.path, 0o666), (location.blobsURL.path, 0o755),
      (blobFile.deletingLastPathComponent().path, 0o775), (blobFile.path, 0o644),
    ] { chmod(path, mode_t(mode)) }
    let changed = try StorePermissions.tighten(location)
    #expect(Set(changed).isSuperset(of: [dir.path, location.databaseURL.path, location.blobsURL.path, blobFile.path]))
    _ = try CaseStore.initialize(at: location)
    func mode(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1 }
    #expect(mode(dir.path) == 0o700 && mode(location.blobsURL.path) == 0o700 && mode(blobFile.deletingLastPathComponent().path) == 0o700)
    #expect(mode(location.databaseURL.path) == 0o600 && mode(blobFile.path) == 0o600)
    #expect(try StorePermissions.tighten(location).isEmpty)
  }

  @Test func anEmptyStoreOptionOrVariableIsRefused() throws {
    #expect(throws: CasefileError.self) { try StoreLocation.checkNotEmpty(explicit: "", environment: [:]) }
    #expect(throws: CasefileError.self) { try StoreLocation.checkNotEmpty(explicit: "  ", environment: [:]) }
    #expect(throws: CasefileError.self) { try StoreLocation.checkNotEmpty(explicit: nil, environment: ["CASEFILE_STORE": ""]) }
    try StoreLocation.checkNotEmpty(explicit: "/tmp/x", environment: ["CASEFILE_STORE": ""])
    try StoreLocation.checkNotEmpty(explicit: nil, environment: [:])
  }

  // MARK: - File names that are not UTF-8

  @Test func anAttachmentWhoseNameIsNotUTF8IsRefusedSayingWhy() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "One", category: .threat, severity: .high).ref
    let folder = try TempFolder()
    // caf\xE9.png, as a Latin-1 file system names it.
    var raw = Array(folder.url("caf").path.utf8) + [0xE9] + Array(".png".utf8) + [0]
    let fd = raw.withUnsafeMutableBufferPointer { buffer in
      buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { open($0, O_WRONLY | O_CREAT, 0o600) }
    }
    #expect(fd >= 0)
    close(fd)
    // What Swift makes of such a name (in argv, or from a directory listing).
    let seen = String(decoding: raw.dropLast(), as: UTF8.self)
    #expect(seen.hasSuffix("caf\u{FFFD}.png"))
    let error = #expect(throws: CasefileError.self) {
      try t.store.logItem(ItemDraft(
        caseRef: ref, platform: .x, kind: .dm, author: nil, occurredAt: try at("2026-11-20 21:30"), text: "x",
        attachments: [URL(fileURLWithPath: seen)]))
    }
    #expect(error?.code == .badValue && error?.message.contains("not UTF-8") == true)
  }
}
