import CasefileKit
import Foundation
import GRDB
import Testing

/// The doctor's own messages in an export that does not say which are theirs (Facebook's and
/// Instagram's pages, WhatsApp, Telegram): the profile's accounts or `--owner` mark them as sent,
/// and a thread of several senders with none known as the doctor's is refused.
@Suite struct OwnMessagesImportTests {
  static let doctor = "Dr Example Clinician"

  /// A thread as Facebook's HTML pages give it: every message with a sender, none with a direction.
  static func thread(_ senders: [String], thread: String = "jobloggs_a1b2c3d4e5") throws -> [ImportedMessage] {
    try senders.enumerated().map { index, sender in
      let text = "message \(index + 1)"
      return ImportedMessage(
        format: "facebook-html", platform: .facebook, kind: .dm, thread: thread, sender: ActorInput(handle: sender),
        direction: .unknown, occurredAt: try at("2026-11-20 20:3\(index)"), text: text, entryPath: "messages/inbox/\(thread)/message_1.html",
        fragment: Data("<div>\(text)</div>".utf8))
    }
  }

  func importThread(
    _ t: TestStore, _ ref: String, _ messages: [ImportedMessage], filter: ImportFilter = ImportFilter(), owners: [String] = [],
    dryRun: Bool = false
  ) throws -> ImportSummary {
    try t.store.importMessages(
      caseRef: ref, source: ImportSourceInfo(path: "/exports/facebook.zip", kind: "zip", sha256: String(repeating: "a", count: 64)),
      filter: filter, dryRun: dryRun, owners: owners
    ) { emit in
      for message in messages { try emit(message) }
      return []
    }
  }

  func directions(_ t: TestStore, _ ref: String) throws -> [String: String] {
    let detail = try t.store.caseDetail(ref)
    var result: [String: String] = [:]
    let queue = try DatabaseQueue(path: t.store.location.databaseURL.path)
    try queue.read { db in
      for item in detail.evidence {
        let id = try Refs.parse(item.ref, .evidence)
        result[item.text ?? ""] = try String.fetchOne(db, sql: "SELECT direction FROM evidence WHERE id = ?", arguments: [id])
      }
    }
    return result
  }

  @Test func aThreadOfTwoSendersWithNoKnownOwnerIsRefusedNamingTheSendersAndStoresNothing() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Messages", category: .harassment, severity: .high).ref
    let before = try t.fingerprint()
    let error = try #require(throws: CasefileError.self) {
      try importThread(t, ref, try Self.thread(["Jo Bloggs", Self.doctor, "Jo Bloggs"]), filter: ImportFilter(from: ["Jo Bloggs"]))
    }
    #expect(error.code == .ownerUnknown)
    #expect(error.message.contains("Jo Bloggs") && error.message.contains(Self.doctor) && error.message.contains("--owner"))
    #expect(error.message.contains("profile set --account facebook:"))
    #expect(!error.message.contains("message 1"))  // never a message's text
    #expect(try t.fingerprint() == before)
    // A dry run says the same.
    #expect(throws: CasefileError.self) { try importThread(t, ref, try Self.thread(["Jo Bloggs", Self.doctor]), dryRun: true) }
  }

  @Test func ownerMarksTheDoctorsMessagesAsSent() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Messages", category: .harassment, severity: .high).ref
    let summary = try importThread(t, ref, try Self.thread(["Jo Bloggs", Self.doctor, "Jo Bloggs"]), owners: ["dr example clinician"])
    #expect(summary.new == 3)
    #expect(try directions(t, ref) == ["message 1": "unknown", "message 2": "sent", "message 3": "unknown"])
    #expect(try t.store.fsck().ok)
  }

  @Test func anOwnAccountOfTheProfileMarksThemWithoutOwner() throws {
    let t = try TestStore()
    _ = try t.store.setProfile(Profile(), addAccounts: [OwnAccount(platform: .facebook, name: Self.doctor)])
    let ref = try t.store.openCase(title: "Messages", category: .harassment, severity: .high).ref
    _ = try importThread(t, ref, try Self.thread(["Jo Bloggs", Self.doctor]))
    #expect(try directions(t, ref) == ["message 1": "unknown", "message 2": "sent"])
    // The account is per platform: the same name on Instagram is not the doctor's.
    let other = try Self.thread(["Jo Bloggs", Self.doctor], thread: "other").map { message -> ImportedMessage in
      var message = message
      message.platform = .instagram
      message.format = "instagram-html"
      return message
    }
    #expect(throws: CasefileError.self) { try importThread(t, ref, other) }
  }

  /// An account spelt otherwise in this export is not taken for the doctor's: the import asks.
  @Test func aProfileAccountThatMatchesNoSenderStillAsks() throws {
    let t = try TestStore()
    _ = try t.store.setProfile(Profile(), addAccounts: [OwnAccount(platform: .facebook, name: Self.doctor)])
    let ref = try t.store.openCase(title: "Messages", category: .harassment, severity: .high).ref
    let error = try #require(throws: CasefileError.self) { try importThread(t, ref, try Self.thread(["Jo Bloggs", "Dr E. Clinician"])) }
    #expect(error.code == .ownerUnknown && error.message.contains("Dr E. Clinician"))
  }

  /// With --owner the doctor has said who they are: a chat they never answered (two other
  /// senders) imports, and none of it is marked as theirs.
  @Test func anOwnerWhoIsNotInTheThreadMarksNothing() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Messages", category: .harassment, severity: .high).ref
    #expect(try importThread(t, ref, try Self.thread(["Jo Example", "+44 7700 900123"]), owners: [Self.doctor]).new == 2)
    #expect(try directions(t, ref) == ["message 1": "unknown", "message 2": "unknown"])
  }

  @Test func aThreadOfOneSenderNeedsNoOwner() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Messages", category: .harassment, severity: .high).ref
    #expect(try importThread(t, ref, try Self.thread(["Jo Bloggs", "Jo Bloggs"])).new == 2)
  }

  @Test func profileAccountsAreAddedShownAndRemoved() throws {
    let t = try TestStore()
    var profile = try t.store.setProfile(
      Profile(name: "Dr Example"), addAccounts: [try OwnAccount.parse(#"facebook:Dr Example Clinician"#), try OwnAccount.parse("x:@dr_example")])
    #expect(profile.accounts == [OwnAccount(platform: .facebook, name: Self.doctor), OwnAccount(platform: .x, name: "@dr_example")])
    // The same account again, spelt otherwise, is not added twice.
    profile = try t.store.setProfile(Profile(), addAccounts: [OwnAccount(platform: .x, name: "DR_EXAMPLE")])
    #expect(profile.accounts.count == 2 && profile.name == "Dr Example")
    profile = try t.store.setProfile(Profile(), removeAccounts: [OwnAccount(platform: .x, name: "dr_example")])
    #expect(profile.accounts == [OwnAccount(platform: .facebook, name: Self.doctor)])
    #expect(try t.store.profile().accounts == profile.accounts)
    #expect(throws: CasefileError.self) { try t.store.setProfile(Profile(), removeAccounts: [OwnAccount(platform: .x, name: "nobody")]) }
    #expect(throws: CasefileError.self) { try OwnAccount.parse("facebook") }
    #expect(throws: CasefileError.self) { try OwnAccount.parse("myspace:someone") }
    #expect(throws: CasefileError.self) { try OwnAccount.parse("facebook:  ") }
    #expect(try t.store.fsck().ok)
  }

  /// A misspelt --owner marks nothing: the import names it, so that the doctor's messages are not
  /// left to go out as the abuse unnoticed.
  @Test func anOwnerNameThatIsNoSenderIsNamedInAWarning() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Messages", category: .harassment, severity: .high).ref
    let messages = try Self.thread(["Jo Bloggs", Self.doctor])
    let typo = try importThread(t, ref, messages, owners: ["Dr Exmaple Clinician"])
    #expect(typo.unmatchedOwners == ["Dr Exmaple Clinician"])
    #expect(try directions(t, ref)["message 2"] == "unknown")
    let again = try t.store.openCase(title: "Again", category: .harassment, severity: .high).ref
    let right = try importThread(t, again, messages, owners: [Self.doctor])
    #expect(right.unmatchedOwners.isEmpty)
  }
}
