import CasefileKit
import Foundation
import Testing

/// A store with two cases, so that the second one's references have gaps: its items, steps, notes
/// and actors come after the first case's. The second case holds an abusive thread on X, the
/// doctor's own reply in it (stored as the doctor's in one of three ways), an item to leave out,
/// steps up to a report and its outcome, a confidential indemnifier step and a private note.
struct NumberingCase {
  /// How the doctor's own message came to be known as theirs.
  enum Own: String, CaseIterable, CustomTestStringConvertible {
    /// Imported with `--owner`: stored as sent.
    case importOwner
    /// Imported from an export that names no owner, before the account was in the profile; the
    /// export marks it.
    case accountAddedAfterImport
    /// Logged by hand under the doctor's own account.
    case loggedUnderOwnAccount
    var testDescription: String { rawValue }
  }

  static let own = "OWN-REPLY-CANARY-7Q"
  static let excluded = "EXCLUDED-ITEM-CANARY-3K"
  static let otherCase = "OTHER-CASE-CANARY-9W"
  static let doctor = "Dr Example Clinician"

  let t: TestStore
  let ref: String
  let otherRef: String
  /// The store's references of the case's items: the abusive ones, the own one, the one to leave out.
  let abusive: [String]
  let ownItem: String
  let excludedItem: String
  let key: SigningKey

  init(own: Own = .importOwner) throws {
    t = try TestStore()
    let store = t.store
    // The other case comes first and takes the low numbers.
    otherRef = try store.openCase(title: "Another matter", category: .harassment, severity: .low).ref
    for index in 1...3 {
      _ = try store.logItem(ItemDraft(
        caseRef: otherRef, platform: .x, kind: .dm, author: ActorInput(handle: "@someone_else_\(index)"),
        occurredAt: try at("2026-11-0\(index) 10:00"), text: "\(Self.otherCase) \(index)"))
    }
    _ = try store.recordStep(caseRef: otherRef, .ignore(decision: "Not replying"))
    _ = try store.addNote(caseRef: otherRef, text: "Other case note")

    let ref = try store.openCase(title: "Threats on X", category: .harassment, severity: .high).ref
    self.ref = ref
    var abusive: [String] = []
    abusive.append(try store.logItem(ItemDraft(
      caseRef: ref, platform: .x, kind: .dm, author: ActorInput(handle: "@angry_example"),
      occurredAt: try at("2026-11-20 21:00"), text: "You are a disgrace and everyone will hear of it.")).ref)
    excludedItem = try store.logItem(ItemDraft(
      caseRef: ref, platform: .x, kind: .dm, author: ActorInput(handle: "@third_party"),
      occurredAt: try at("2026-11-20 21:05"), text: "\(Self.excluded) forwarded from a friend")).ref
    switch own {
    case .importOwner, .accountAddedAfterImport:
      let angry = (ActorInput(handle: "@angry_example"), "2026-11-20 21:10", "Close your clinic or else.")
      let reply = (ActorInput(handle: Self.doctor), "2026-11-20 21:12", "\(Self.own) Agreed!")
      func importThread(_ messages: [(ActorInput, String, String)], owners: [String]) throws -> [String] {
        let summary = try store.importMessages(
          caseRef: ref, source: ImportSourceInfo(path: "/exports/x-thread", kind: "folder", sha256: nil), filter: ImportFilter(),
          dryRun: false, owners: owners
        ) { emit in
          for (sender, time, text) in messages {
            try emit(ImportedMessage(
              format: "test-thread", platform: .x, kind: .dm, thread: "angry-thread", sender: sender, direction: .unknown,
              occurredAt: try at(time), text: text, entryPath: "thread.json", fragment: Data(text.utf8)))
          }
          return []
        }
        return Array(summary.newItems)
      }
      if own == .importOwner {
        let refs = try importThread([angry, reply], owners: [Self.doctor])
        abusive.append(refs[0])
        ownItem = refs[1]
      } else {
        // As an import made before the profile named the account: nothing told it which was whose.
        abusive.append(contentsOf: try importThread([angry], owners: []))
        ownItem = try importThread([reply], owners: [])[0]
      }
      if own == .accountAddedAfterImport {
        _ = try store.setProfile(Profile(), addAccounts: [OwnAccount(platform: .x, name: Self.doctor)])
      }
    case .loggedUnderOwnAccount:
      abusive.append(try store.logItem(ItemDraft(
        caseRef: ref, platform: .x, kind: .dm, author: ActorInput(handle: "@angry_example"),
        occurredAt: try at("2026-11-20 21:10"), text: "Close your clinic or else.")).ref)
      ownItem = try store.logItem(ItemDraft(
        caseRef: ref, platform: .x, kind: .dm, author: ActorInput(handle: "@dr_example", displayName: Self.doctor),
        occurredAt: try at("2026-11-20 21:12"), text: "\(Self.own) Agreed!")).ref
      _ = try store.setProfile(Profile(), addAccounts: [OwnAccount(platform: .x, name: "@DR_EXAMPLE")])
    }
    self.abusive = abusive
    _ = try store.recordStep(caseRef: ref, .ignore(decision: "Not replying"))
    _ = try store.recordStep(caseRef: ref, .block(actors: [], platform: .x, action: .block))
    _ = try store.recordStep(caseRef: ref, .report(platform: .x, reference: "X-REPORT-0001", policy: "abuse", channel: .inApp))
    let indemnifier = try store.recordStep(
      caseRef: ref, .indemnifier(organisation: "Example Defence", reference: "MD-1", spokeTo: nil, advice: "Do not reply"))
    _ = try store.recordOutcome(caseRef: ref, report: nil, outcome: .pending, note: "Acknowledged")
    _ = try store.retract(caseRef: ref, step: indemnifier.ref, reason: "Entered twice")
    _ = try store.addNote(caseRef: ref, text: "Private note on this case")
    _ = try store.setProfile(Profile(name: "Dr A Example", registrationNumber: "7654321", contact: "07700 900999"))
    key = try SigningKey.create(in: store.location)
  }

  func export(_ request: ExportRequest, in folder: TempFolder, name: String = "case.zip") throws -> (ExportResult, URL) {
    let url = folder.url(name)
    return (try t.store.exportBundle(request, to: url), url)
  }
}

/// Every entry of a package, by path.
func packageEntries(_ url: URL) throws -> [String: Data] {
  Dictionary(try archiveEntries(url), uniquingKeysWith: { first, _ in first })
}

/// The references a package writes, read from its bundle.xml as a parser sees it.
struct PackageRefs {
  var caseRefs: [String]
  var actors: [String]
  var items: [String]
  var steps: [String]
  var notes: [String]
  /// Where references point: authors, refersTo, retractedBy, the actors of a block step.
  var pointers: [String]
  var excludedElements: Int
  /// Every token that looks like a reference, in any value of bundle.xml or anywhere in report.html.
  var tokens: Set<String>

  init(_ entries: [String: Data]) throws {
    let bundle = try #require(entries[BundlePackage.bundle])
    let tree = try XMLTree.parseXML(bundle, location: .init(file: BundlePackage.bundle))
    func values(_ path: String) throws -> [String] { try tree.nodes(path).map(\.text) }
    caseRefs = try values("//*[local-name()='caseRef']/text() | //*[local-name()='case']/@ref")
    actors = try values("//*[local-name()='actor']/@ref")
    items = try values("//*[local-name()='item' and @kind]/@ref")
    steps = try values("//*[local-name()='step']/@ref")
    notes = try values("//*[local-name()='note']/@ref")
    pointers = try values("//@author | //@refersTo | //@retractedBy")
      + values("//*[local-name()='detail' and @name='actors']/text()").flatMap { $0.split(separator: ",").map(String.init) }
    excludedElements = try tree.nodes("//*[local-name()='excluded']").count
    let text = try values("//text() | //@*").joined(separator: "\n") + "\n"
      + String(decoding: entries[BundlePackage.report] ?? Data(), as: UTF8.self)
    let pattern = try NSRegularExpression(pattern: #"(?<![A-Za-z0-9_-])[ACENS]-[0-9]+(-[0-9]+)?(?![0-9])"#)
    tokens = Set(pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
      String(text[Range($0.range, in: text)!])
    })
  }

  static func oneToN(_ prefix: String, _ count: Int) -> [String] { count == 0 ? [] : (1...count).map { "\(prefix)-\($0)" } }

  /// The references the package holds.
  var held: Set<String> { Set(caseRefs + actors + items + steps + notes) }
}

/// Platform and police packages carry none of the doctor's own messages, and number what they
/// carry 1..n, so that nothing they leave out shows: not its text, its reference, a count, or a
/// gap.
@Suite struct NumberingLeakTests {
  static let outgoing: [(ExportProfile, Bool)] = [(.platform, false), (.police, false), (.police, true)]

  @Test(arguments: NumberingCase.Own.allCases)
  func theOwnMessageIsInNoByteOfAPlatformPackage(_ own: NumberingCase.Own) throws {
    let c = try NumberingCase(own: own)
    let folder = try TempFolder()
    let (result, url) = try c.export(ExportRequest(caseRef: c.ref, profile: .platform), in: folder)
    #expect(result.items == 3)
    #expect(try PackageBytes(url).places(of: NumberingCase.own).isEmpty)
    #expect(try PackageBytes(url).places(of: NumberingCase.doctor).isEmpty)
  }

  @Test(arguments: NumberingCase.Own.allCases)
  func theOwnMessageIsInNoByteOfAPolicePackage(_ own: NumberingCase.Own) throws {
    let c = try NumberingCase(own: own)
    let folder = try TempFolder()
    let (result, url) = try c.export(ExportRequest(caseRef: c.ref, profile: .police, includeConfidential: true), in: folder)
    #expect(result.items == 3)
    #expect(try PackageBytes(url).places(of: NumberingCase.own).isEmpty)
  }

  @Test(arguments: [ExportProfile.platform, .police])
  func theExcludedItemsTextIsInNoByte(_ profile: ExportProfile) throws {
    let c = try NumberingCase()
    let folder = try TempFolder()
    let (result, url) = try c.export(ExportRequest(caseRef: c.ref, profile: profile, excludedItems: [c.excludedItem]), in: folder)
    #expect(result.excluded == [c.excludedItem])  // told to the doctor, not written into the package
    #expect(try PackageBytes(url).places(of: NumberingCase.excluded).isEmpty)
    #expect(try PackageBytes(url).places(of: "third_party").isEmpty)  // nor its author
  }

  @Test(arguments: [ExportProfile.platform, .police])
  func theExcludedItemsReferenceAndCountAreNowhere(_ profile: ExportProfile) throws {
    let c = try NumberingCase()
    let folder = try TempFolder()
    let (_, url) = try c.export(ExportRequest(caseRef: c.ref, profile: profile, excludedItems: [c.excludedItem]), in: folder)
    let entries = try packageEntries(url)
    let refs = try PackageRefs(entries)
    #expect(refs.excludedElements == 0)
    #expect(refs.items == PackageRefs.oneToN("E", 2))
    #expect(!refs.tokens.contains(c.excludedItem))
    let report = String(decoding: entries[BundlePackage.report] ?? Data(), as: UTF8.self)
    #expect(!report.contains("left out") && !report.lowercased().contains("exclud"))
    let bundle = String(decoding: entries[BundlePackage.bundle] ?? Data(), as: UTF8.self)
    #expect(!bundle.lowercased().contains("exclud"))
  }

  /// No gap in E-, S-, A- or N- anywhere a reference is written: each list is exactly 1..n, every
  /// pointer and every reference-like token of bundle.xml and report.html is one of them.
  @Test(arguments: outgoing)
  func referencesAreExactlyOneToN(_ profile: ExportProfile, _ confidential: Bool) throws {
    let c = try NumberingCase()
    let folder = try TempFolder()
    let (result, url) = try c.export(
      ExportRequest(caseRef: c.ref, profile: profile, includeConfidential: confidential, excludedItems: [c.excludedItem]), in: folder)
    let refs = try PackageRefs(try packageEntries(url))
    #expect(refs.caseRefs == ["C-1", "C-1"])
    #expect(refs.items == PackageRefs.oneToN("E", result.items))
    #expect(refs.actors == PackageRefs.oneToN("A", refs.actors.count))
    #expect(refs.steps == PackageRefs.oneToN("S", refs.steps.count))
    #expect(refs.notes == PackageRefs.oneToN("N", confidential ? 1 : 0))
    // The police package without the confidential steps: ignore, block, report, outcome; the
    // indemnifier step and its retraction are left out without a trace.
    #expect(refs.steps.count == (profile == .platform ? 1 : confidential ? 6 : 4))
    #expect(Set(refs.pointers).isSubset(of: refs.held), "\(refs.pointers)")
    #expect(refs.tokens.isSubset(of: refs.held), "\(refs.tokens.subtracting(refs.held).sorted())")
  }

  @Test(arguments: [ExportProfile.platform, .police])
  func nothingOfAnotherCaseAndNoStoreNumberIsInThePackage(_ profile: ExportProfile) throws {
    let c = try NumberingCase()
    let folder = try TempFolder()
    let (_, url) = try c.export(ExportRequest(caseRef: c.ref, profile: profile), in: folder)
    let bytes = try PackageBytes(url)
    #expect(bytes.places(of: NumberingCase.otherCase).isEmpty)
    #expect(bytes.places(of: "someone_else").isEmpty)
    #expect(bytes.places(of: c.otherRef).isEmpty)
    #expect(bytes.places(of: c.ref).isEmpty)
    // The case's items are E-4 and later in the store (the other case has E-1..E-3); the package
    // numbers its own from E-1, so no store number of an item, step or note is written.
    let refs = try PackageRefs(try packageEntries(url))
    for storeRef in c.abusive + [c.ownItem, c.excludedItem] where !refs.held.contains(storeRef) {
      #expect(!refs.tokens.contains(storeRef), "\(storeRef)")
    }
    #expect(refs.tokens.isSubset(of: refs.held), "\(refs.tokens.subtracting(refs.held).sorted())")
  }

  /// The one own message asked for goes out, marked as sent; the others stay behind.
  @Test func anOwnMessageGoesOutOnlyWhenAskedForByItself() throws {
    let c = try NumberingCase()
    let folder = try TempFolder()
    let (result, url) = try c.export(ExportRequest(caseRef: c.ref, profile: .platform, includeOwn: [c.ownItem]), in: folder)
    #expect(result.items == 4)
    #expect(!(try PackageBytes(url).places(of: NumberingCase.own).isEmpty))
    let bundle = try packageEntries(url)[BundlePackage.bundle]!
    let tree = try XMLTree.parseXML(bundle, location: .init(file: BundlePackage.bundle))
    #expect(try tree.nodes("//*[local-name()='item'][@direction='sent']").count == 1)
    #expect(try PackageRefs(try packageEntries(url)).items == PackageRefs.oneToN("E", 4))
    // Only the doctor's own messages can be asked for.
    #expect(throws: CasefileError.self) {
      try c.export(ExportRequest(caseRef: c.ref, profile: .platform, includeOwn: [c.abusive[0]]), in: folder, name: "x.zip")
    }
  }
}
