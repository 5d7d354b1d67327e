import CasefileKit
import Foundation
import Testing

/// The Mastodon account archive, from an invented archive in `Fixtures/mastodon/archive-20261124`.
@Suite struct MastodonArchiveFormatTests {
  static let folder = "mastodon/archive-20261124/"

  func read(
    _ name: String, data: Data? = nil, context: ExportContext = ExportContext()
  ) throws -> (messages: [ImportedMessage], warnings: [String]) {
    try FormatFixtures.read(
      MastodonArchiveFormat(), data ?? FormatFixtures.data(Self.folder + name), entry: "archive/\(name)",
      source: "/exports/mastodon.zip", chunk: 53, context: context)
  }

  @Test func detection() throws {
    let format = MastodonArchiveFormat()
    for name in ["outbox.json", "blocked_accounts.csv", "muted_accounts.csv"] {
      let head = try FormatFixtures.data(Self.folder + name).prefix(4096)
      #expect(FormatRegistry.detect(entryPath: "archive/" + name, head: head)?.id == "mastodon-archive", "\(name)")
    }
    #expect(!format.claims(entryPath: "actor.json", head: try FormatFixtures.data(Self.folder + "actor.json")))
    #expect(!format.claims(entryPath: "outbox.json", head: Data(#"{"messages": []}"#.utf8)))
  }

  @Test func postsAndRepliesOfTheOwner() throws {
    let context = ExportContext()
    let file = try FormatFixtures.data(Self.folder + "outbox.json")
    let (posts, warnings) = try read("outbox.json", context: context)
    #expect(warnings.isEmpty)
    // The boost (Announce) is not the owner's words.
    #expect(posts.count == 2)
    #expect(posts.allSatisfy { $0.platform == .mastodon && $0.direction == .sent && $0.sender == nil })
    #expect(posts[0].kind == .post && posts[1].kind == .reply)
    #expect(posts[0].text == "Winter vaccines: walk-in Saturday & Sunday.\n\nBring your card\nand a coat.")
    #expect(posts[1].text == "@angry I can't discuss anything here. Please use the practice's complaints procedure.")
    #expect(posts[1].thread == "@angry@other.example.net")
    #expect(posts[1].details["in_reply_to"] == "https://other.example.net/users/angry/statuses/777")
    #expect(posts[1].details["content_warning"] == "complaints")
    #expect(posts[0].details["visibility"] == "public" && posts[1].details["visibility"] == "followers")
    #expect(posts[0].platformMessageID == "https://clinic.example.social/users/drexample/statuses/113500000000000001")
    #expect(posts[0].url == "https://clinic.example.social/@drexample/113500000000000001")
    #expect(UTCStamp.format(posts[1].occurredAt.utc) == "2026-11-21T07:45:30.000Z")
    #expect(posts[1].occurredAt.zoneSource == .stated)
    guard case .entry(_, let candidates, _) = posts[0].media.first?.content else {
      Issue.record("no media entry")
      return
    }
    #expect(candidates.contains("archive/media_attachments/files/113/500/001/original/poster.png"))
    #expect(posts[0].media.first?.mediaType == "image/png")
    for post in posts { #expect(file.range(of: post.fragment) != nil) }
    #expect(context["mastodon-archive.home-domain"] == "clinic.example.social")
  }

  @Test func blockAndMuteListsAreHandedOnNotStored() throws {
    let context = ExportContext()
    _ = try read("outbox.json", context: context)
    #expect(try read("blocked_accounts.csv", context: context).messages.isEmpty)
    #expect(try read("muted_accounts.csv", context: context).messages.isEmpty)
    let listed = context.blockedAccounts.map { "\($0.action.rawValue) \($0.handle) \($0.homeDomain ?? "-")" }
    #expect(listed == [
      "block angry@other.example.net clinic.example.social", "block localtroll clinic.example.social",
      "block spam@bots.example.org clinic.example.social", "mute noisy@loud.example.com clinic.example.social",
      "mute angry@other.example.net clinic.example.social",
    ])
    // A list waits for the outbox, which names the owner's server.
    #expect(MastodonArchiveFormat().defers(entryPath: "a/blocked_accounts.csv", head: Data(), context: ExportContext()))
    #expect(!MastodonArchiveFormat().defers(entryPath: "a/blocked_accounts.csv", head: Data(), context: context))
  }

  @Test func malformedFilesAreClearErrors() throws {
    let file = try FormatFixtures.data(Self.folder + "outbox.json")
    let cut = #expect(throws: CasefileError.self) { try read("outbox.json", data: file.prefix(file.count - 30)) }
    #expect(cut?.code == .badExport)
    #expect(cut?.location?.entry == "archive/outbox.json")
    let wrapper = #expect(throws: CasefileError.self) {
      try read("outbox.json", data: Data(#"{"type": "Collection", "orderedItems": []}"#.utf8))
    }
    #expect(wrapper?.message.contains("OrderedCollection") == true)
    let noTime = Data("""
      {"type": "OrderedCollection", "orderedItems": [
        {"type": "Create", "object": {"id": "https://a.example/s/1", "content": "<p>a private word</p>"}}
      ]}
      """.utf8)
    let missing = #expect(throws: CasefileError.self) { try read("outbox.json", data: noTime) }
    #expect(missing?.message.contains("published") == true)
    #expect(missing?.message.contains("private word") == false)
    #expect(missing?.location?.line == 2)
    let badList = #expect(throws: CasefileError.self) {
      try read("blocked_accounts.csv", data: Data("ok@a.example\nnot an address\n".utf8))
    }
    #expect(badList?.location?.line == 2)
  }

  // MARK: Through a store

  /// A case with two Mastodon authors (one on the doctor's own server, written with its domain)
  /// and one by text, and the fixture archive as a zip.
  func caseWithAuthors() throws -> (TestStore, String, URL, TempFolder) {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Mastodon", category: .harassment, severity: .medium).ref
    for (platform, handle) in [(Platform.mastodon, "@angry@other.example.net"), (.mastodon, "@localtroll@clinic.example.social"), (.sms, "+447700900123")] {
      _ = try t.store.logItem(ItemDraft(
        caseRef: ref, platform: platform, kind: platform == .sms ? .sms : .reply, author: ActorInput(handle: handle),
        occurredAt: try at("2026-11-20 10:00"), text: "abuse"))
    }
    let folder = try TempFolder()
    let url = folder.url("archive-20261124.zip")
    try writeArchive(url, .zip, try ["blocked_accounts.csv", "muted_accounts.csv", "outbox.json", "actor.json",
      "media_attachments/files/113/500/001/original/poster.png"].map { .file($0, try FormatFixtures.data(Self.folder + $0)) })
    return (t, ref, url, folder)
  }

  func importArchive(_ store: CaseStore, _ ref: String, _ url: URL, recordBlocks: Bool, dryRun: Bool = false) throws -> ImportSummary {
    let source = try ExportSource(url: url)
    let context = ExportContext()
    return try store.importMessages(
      caseRef: ref, source: ImportSourceInfo(path: url.path, kind: source.kind.rawValue, sha256: try source.sha256),
      filter: ImportFilter(), dryRun: dryRun, mediaSource: source, blockList: recordBlocks ? { context.blockedAccounts } : nil
    ) { emit in
      try ExportReading.read(source, format: nil, sourceZone: TimeZone(identifier: "UTC")!, context: context, emit: emit)
    }
  }

  @Test func recordingBlocksIsAnOptionAndHappensOnce() throws {
    let (t, ref, url, folder) = try caseWithAuthors()
    defer { withExtendedLifetime(folder) {} }
    // Off by default: the posts are imported, the ladder is not touched.
    let plain = try importArchive(t.store, ref, url, recordBlocks: false)
    #expect(plain.new == 2 && plain.mediaStored == 1)
    #expect(plain.blockList == nil)
    #expect(try t.store.caseDetail(ref).timeline.isEmpty)

    let dry = try importArchive(t.store, ref, url, recordBlocks: true, dryRun: true)
    #expect(dry.blockList?.matched.count == 3)
    #expect(dry.blockList?.stepsRecorded.isEmpty == true)
    #expect(try t.store.caseDetail(ref).timeline.isEmpty)

    let summary = try importArchive(t.store, ref, url, recordBlocks: true)
    let result = try #require(summary.blockList)
    #expect(result.listed == 5)
    #expect(result.matched.map { "\($0.handle) \($0.action)" } == [
      "@angry@other.example.net block", "@angry@other.example.net mute", "@localtroll@clinic.example.social block",
    ])
    #expect(result.stepsRecorded.count == 2)
    let steps = try t.store.caseDetail(ref).timeline
    #expect(steps.map(\.kind) == ["block", "block"])
    let block = try #require(steps.first { $0.details["action"] == "block" })
    #expect(block.details["platform"] == "mastodon")
    #expect(block.details["handles"] == "@angry@other.example.net,@localtroll@clinic.example.social")
    #expect(block.details["source"] == "the export's blocked_accounts.csv")
    #expect(block.details["source_sha256"] == (try ExportSource(url: url).sha256))
    #expect(steps.first { $0.details["action"] == "mute" }?.details["handles"] == "@angry@other.example.net")

    // The same archive again records nothing more.
    let again = try importArchive(t.store, ref, url, recordBlocks: true)
    #expect(again.blockList?.stepsRecorded.isEmpty == true)
    #expect(again.blockList?.alreadyRecorded.sorted() == result.stepsRecorded.sorted())
    #expect(try t.store.caseDetail(ref).timeline.count == 2)
    #expect(try t.store.fsck().ok)
  }

  @Test func aBrokenOutboxStoresNothingAndRecordsNoStep() throws {
    let (t, ref, _, folder) = try caseWithAuthors()
    let outbox = try FormatFixtures.data(Self.folder + "outbox.json")
    let url = folder.url("broken.zip")
    try writeArchive(url, .zip, [
      .file("blocked_accounts.csv", try FormatFixtures.data(Self.folder + "blocked_accounts.csv")),
      .file("outbox.json", outbox.prefix(outbox.count / 2)),
    ])
    let before = try t.fingerprint()
    let error = #expect(throws: CasefileError.self) { try importArchive(t.store, ref, url, recordBlocks: true) }
    #expect(error?.location?.entry == "outbox.json")
    #expect(try t.fingerprint() == before)
  }
}
