import CasefileKit
import Foundation
import Testing

/// The X archive, from an invented archive in `Fixtures/x/twitter-2026-11-24`.
@Suite struct XArchiveFormatTests {
  static let folder = "x/twitter-2026-11-24/"
  static let owner = "1400000000000000001"
  static let abuser = "1500000000000000002"

  /// Reads one data file with a context shared between calls, as one read of an archive does.
  func read(
    _ name: String, data: Data? = nil, context: ExportContext = ExportContext()
  ) throws -> (messages: [ImportedMessage], warnings: [String]) {
    try FormatFixtures.read(
      XArchiveFormat(), data ?? FormatFixtures.data(Self.folder + "data/" + name), entry: "twitter-2026-11-24/data/\(name)",
      source: "/exports/twitter.zip", chunk: 61, context: context)
  }

  /// The fixture archive as a zip, its entries in the order given (names relative to `data/`).
  func zip(_ names: [String], in folder: TempFolder, extra: [FixtureEntry] = []) throws -> URL {
    let url = folder.url("twitter-2026-11-24-abc.zip")
    let entries = try names.map { name in
      FixtureEntry.file("data/" + name, try FormatFixtures.data(Self.folder + "data/" + name), deflate: true)
    }
    try writeArchive(url, .zip, entries + extra)
    return url
  }

  @Test func filesAreClaimedByTheNameInTheirWrapper() throws {
    let format = XArchiveFormat()
    for name in ["account.js", "manifest.js", "direct-messages.js", "direct-messages-group.js", "tweets.js", "tweets-part1.js"] {
      let head = try FormatFixtures.data(Self.folder + "data/" + name).prefix(4096)
      #expect(format.claims(entryPath: "data/" + name, head: head), "\(name)")
      #expect(FormatRegistry.detect(entryPath: "data/" + name, head: head)?.id == "x-archive", "\(name)")
    }
    // Old names and numbered parts are read by the wrapper, whatever the file is called.
    #expect(format.claims(entryPath: "data/tweet.js", head: Data("window.YTD.tweet.part0 = [".utf8)))
    #expect(format.claims(entryPath: "data/direct-message.js", head: Data("window.YTD.direct_message.part0 = [".utf8)))
    #expect(format.claims(entryPath: "data/direct-messages-part2.js", head: Data("window.YTD.direct_messages.part2 = [".utf8)))
    // Kinds not read, and JavaScript that is not an archive file, are left alone.
    #expect(!format.claims(entryPath: "data/like.js", head: try FormatFixtures.data(Self.folder + "data/like.js")))
    #expect(!format.claims(entryPath: "assets/js/app.js", head: Data("window.app = {}".utf8)))
    #expect(!format.claims(entryPath: "data/tweets.json", head: Data("window.YTD.tweets.part0 = [".utf8)))
  }

  @Test func directMessagesWithTheOwnerKnown() throws {
    let context = ExportContext()
    #expect(try read("account.js", context: context).messages.isEmpty)
    let file = try FormatFixtures.data(Self.folder + "data/direct-messages.js")
    #expect(!XArchiveFormat().defers(entryPath: "data/direct-messages.js", head: file, context: context))
    let (messages, warnings) = try read("direct-messages.js", context: context)
    #expect(warnings.isEmpty)
    // Newest first in the file, oldest first here.
    #expect(messages.map(\.platformMessageID) == ["1600000000000000011", "1600000000000000012", "1600000000000000013"])
    #expect(messages.map(\.direction) == [.received, .sent, .received])
    #expect(messages[0].sender == ActorInput(handle: Self.abuser, platformUserID: Self.abuser))
    #expect(messages[1].sender == nil)
    #expect(messages[1].recipients == [Self.abuser])
    #expect(messages.allSatisfy { $0.platform == .x && $0.kind == .dm && $0.thread == "\(Self.owner)-\(Self.abuser)" })
    #expect(UTCStamp.format(messages[0].occurredAt.utc) == "2026-11-20T21:30:05.000Z")
    #expect(messages[2].occurredAt.original == "2026-11-21T22:05:09.120Z")
    #expect(messages[2].occurredAt.zoneSource == .stated)
    #expect(messages[0].details["links"] == "https://reviews.example.net/dr-example")
    #expect(messages[0].details["reactions"] == "angry \(Self.abuser)")
    // A video's name comes without the URL's query; media sit beside the data folder.
    guard case .entry(let reference, let candidates, _) = messages[0].media.first?.content else {
      Issue.record("no media entry")
      return
    }
    #expect(reference == "1600000000000000011-Qw3rTy.mp4")
    #expect(candidates == ["twitter-2026-11-24/data/direct_messages_media/1600000000000000011-Qw3rTy.mp4"])
    #expect(messages[0].media.first?.mediaType == "video/mp4")
    FormatFixtures.expectExactFragments(messages, in: file, texts: messages.map(\.text))
    #expect(messages[0].fragment.starts(with: Data("{\n          \"messageCreate\"".utf8)))
  }

  @Test func groupConversationsSkipJoinAndLeaveEvents() throws {
    let context = ExportContext()
    _ = try read("manifest.js", context: context)
    let (messages, _) = try read("direct-messages-group.js", context: context)
    #expect(messages.count == 1)
    #expect(messages[0].thread == "1700000000000000001")
    #expect(messages[0].recipients.isEmpty)
    #expect(messages[0].direction == .received)
    #expect(messages[0].details["group"] == "true")
  }

  @Test func withoutTheOwnerDirectionIsUnknownWithAWarning() throws {
    let context = ExportContext()
    let head = try FormatFixtures.data(Self.folder + "data/direct-messages.js")
    #expect(XArchiveFormat().defers(entryPath: "data/direct-messages.js", head: head, context: context))
    let (messages, warnings) = try read("direct-messages.js", context: context)
    #expect(messages.allSatisfy { $0.direction == .unknown && $0.sender != nil })
    #expect(warnings.count == 1)
    #expect(warnings[0].contains("neither account.js nor manifest.js"))
  }

  @Test func tweetsAreTheOwnersPostsAndReplies() throws {
    let (posts, _) = try read("tweets.js")
    let (replies, _) = try read("tweets-part1.js")
    #expect(posts.count == 1)
    #expect(posts[0].kind == .post && posts[0].direction == .sent && posts[0].sender == nil)
    #expect(posts[0].text == "Flu clinic this Saturday: bring your card & arrive <10 min early")
    #expect(posts[0].url == "https://x.com/i/web/status/1800000000000000002")
    #expect(UTCStamp.format(posts[0].occurredAt.utc) == "2026-11-19T09:00:00.000Z")
    #expect(posts[0].occurredAt.original == "Thu Nov 19 09:00:00 +0000 2026")
    #expect(replies[0].kind == .reply)
    #expect(replies[0].thread == "@angry_example")
    #expect(replies[0].details["in_reply_to"] == "1800000000000000001")
    guard case .entry(_, let candidates, _) = replies[0].media.first?.content else {
      Issue.record("no media entry")
      return
    }
    #expect(candidates == [
      "twitter-2026-11-24/data/tweets_media/1800000000000000003-Xy9Zpic.png",
      "twitter-2026-11-24/data/tweet_media/1800000000000000003-Xy9Zpic.png",
    ])
    // Tweets from before 2020 are not wrapped in {"tweet": …} and live in tweet.js.
    let old = Data("""
      window.YTD.tweet.part0 = [ {
        "id_str" : "1000000000000000001",
        "created_at" : "Wed Oct 10 20:19:24 +0000 2018",
        "full_text" : "Old &quot;tweet&quot;"
      } ]
      """.utf8)
    let (older, _) = try read("tweet.js", data: old)
    #expect(older.map(\.platformMessageID) == ["1000000000000000001"])
    #expect(older[0].text == "Old \"tweet\"")
    #expect(UTCStamp.format(older[0].occurredAt.utc) == "2018-10-10T20:19:24.000Z")
  }

  @Test func malformedFilesAreClearErrors() throws {
    let file = try FormatFixtures.data(Self.folder + "data/direct-messages.js")
    let cut = #expect(throws: CasefileError.self) { try read("direct-messages.js", data: file.prefix(file.count / 2)) }
    #expect(cut?.code == .badExport)
    #expect(cut?.location?.entry == "twitter-2026-11-24/data/direct-messages.js")
    let noEquals = #expect(throws: CasefileError.self) { try read("tweets.js", data: Data("window.YTD.tweets.part0 [ ]".utf8)) }
    #expect(noEquals?.message.contains("'='") == true)
    let notArray = #expect(throws: CasefileError.self) {
      try read("tweets.js", data: Data(#"window.YTD.tweets.part0 = {"tweet": {}}"#.utf8))
    }
    #expect(notArray?.message.contains("not an array") == true)
    let noWrapper = #expect(throws: CasefileError.self) { try read("tweets.js", data: Data(#"[{"tweet": {}}]"#.utf8)) }
    #expect(noWrapper?.message.contains("window.YTD") == true)
    let noTime = Data("""
      window.YTD.direct_messages.part0 = [ {
        "dmConversation" : { "conversationId" : "1-2", "messages" : [
          { "messageCreate" : { "id" : "5", "senderId" : "2", "text" : "a private threat" } }
        ] }
      } ]
      """.utf8)
    let missing = #expect(throws: CasefileError.self) { try read("direct-messages.js", data: noTime) }
    #expect(missing?.message.contains("createdAt") == true)
    #expect(missing?.message.contains("private threat") == false)
    #expect(missing?.location?.line == 3)
  }

  // MARK: Through a store

  @Test func anArchiveWhoseDMsComeBeforeTheAccountIsReadInTheRightOrder() throws {
    let folder = try TempFolder()
    // DMs first: they are put off until account.js has been read.
    let url = try zip(
      ["direct-messages.js", "direct-messages-group.js", "tweets.js", "tweets-part1.js", "like.js", "account.js", "manifest.js"],
      in: folder,
      extra: [.file("data/direct_messages_media/1600000000000000013-kZx1.jpg",
        try FormatFixtures.data(Self.folder + "data/direct_messages_media/1600000000000000013-kZx1.jpg"))])
    let t = try TestStore()
    let ref = try t.store.openCase(title: "X", category: .harassment, severity: .high).ref
    let summary = try FormatFixtures.importExport(t.store, ref, url)
    #expect(summary.new == 6)
    #expect(summary.warnings.isEmpty)
    #expect(summary.mediaStored == 1)
    #expect(summary.mediaMissing == 2)  // the DM's video and the reply's picture
    let items = try t.store.caseDetail(ref).evidence
    let dms = items.filter { $0.kind == .dm }
    #expect(dms.count == 4)
    let photo = try #require(dms.first { !$0.attachments.isEmpty })
    #expect(try t.store.blobs.read(photo.attachments[0].sha256)
      == FormatFixtures.data(Self.folder + "data/direct_messages_media/1600000000000000013-kZx1.jpg"))
    #expect(dms.filter { $0.authorHandle == nil }.count == 1)
    #expect(dms.filter { $0.authorHandle == Self.abuser }.count == 2)
    // A second import of the same archive adds nothing.
    let again = try FormatFixtures.importExport(t.store, ref, url)
    #expect(again.new == 0 && again.alreadyPresent == 6)
  }

  @Test func theManifestTellsOfAMissingPartAndAWrongCount() throws {
    let folder = try TempFolder()
    // tweets-part1.js is left out, and the DM file holds one conversation where the manifest says three.
    var manifest = String(decoding: try FormatFixtures.data(Self.folder + "data/manifest.js"), as: UTF8.self)
    manifest = manifest.replacingOccurrences(
      of: #""globalName" : "YTD.direct_messages.part0", "count" : "1""#, with: #""globalName" : "YTD.direct_messages.part0", "count" : "3""#)
    let url = folder.url("twitter.zip")
    try writeArchive(url, .zip, [
      .file("data/manifest.js", manifest),
      .file("data/direct-messages.js", try FormatFixtures.data(Self.folder + "data/direct-messages.js")),
      .file("data/account.js", try FormatFixtures.data(Self.folder + "data/account.js")),
      .file("data/tweets.js", try FormatFixtures.data(Self.folder + "data/tweets.js")),
      .file("data/direct-messages-group.js", try FormatFixtures.data(Self.folder + "data/direct-messages-group.js")),
    ])
    let t = try TestStore()
    let ref = try t.store.openCase(title: "X", category: .harassment, severity: .high).ref
    let summary = try FormatFixtures.importExport(t.store, ref, url)
    #expect(summary.new == 5)
    let warnings = summary.warnings.map { "\($0.entry ?? ""): \($0.message)" }.sorted()
    #expect(warnings.count == 2)
    #expect(warnings[0].hasPrefix("data/direct-messages.js: ") && warnings[0].contains("holds 3 items, but it holds 1"))
    #expect(warnings[1].hasPrefix("data/tweets-part1.js: ") && warnings[1].contains("does not hold"))
  }

  @Test func aBrokenFileStoresNothingOfTheArchive() throws {
    let folder = try TempFolder()
    let tweets = try FormatFixtures.data(Self.folder + "data/tweets.js")
    let url = folder.url("twitter.zip")
    try writeArchive(url, .zip, [
      .file("data/account.js", try FormatFixtures.data(Self.folder + "data/account.js")),
      .file("data/direct-messages.js", try FormatFixtures.data(Self.folder + "data/direct-messages.js")),
      .file("data/tweets.js", tweets.prefix(tweets.count - 40)),
    ])
    let t = try TestStore()
    let ref = try t.store.openCase(title: "X", category: .harassment, severity: .high).ref
    let before = try t.fingerprint()
    let error = #expect(throws: CasefileError.self) { try FormatFixtures.importExport(t.store, ref, url) }
    #expect(error?.location?.entry == "data/tweets.js")
    #expect(try t.fingerprint() == before)
  }
}
