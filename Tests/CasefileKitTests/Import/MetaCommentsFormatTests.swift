import CasefileKit
import Foundation
import Testing

/// Facebook's and Instagram's JSON comments and Facebook's end-to-end encrypted chat download, from
/// invented fixtures in `Fixtures/meta-comments`.
@Suite struct MetaCommentsFormatTests {
  static let folder = "meta-comments/"
  static let facebook2019 = "comments/comments.json"
  static let facebook2024 = "your_activity_across_facebook/comments_and_reactions/comments.json"
  static let facebook2025 = "facebook-drexample-2025/your_facebook_activity/comments_and_reactions/comments.json"
  static let instagramPosts = "your_instagram_activity/comments/post_comments_1.json"
  static let instagramReels = "your_instagram_activity/comments/reels_comments.json"
  static let e2ee = "chats/jobloggs_1.json"
  static let e2eeNoThreadName = "chats/niamhexample_2.json"

  static func file(_ export: String, _ entry: String) throws -> Data {
    try FormatFixtures.data(folder + export + "/" + entry)
  }

  func read(_ format: any ExportFormat, _ export: String, _ entry: String) throws -> (messages: [ImportedMessage], file: Data) {
    let file = try Self.file(export, entry)
    let (messages, warnings) = try FormatFixtures.read(format, file, entry: entry)
    #expect(warnings.isEmpty)
    return (messages, file)
  }

  // MARK: Detection

  @Test func eachPathIsClaimedByTheRightFormat() throws {
    let facebook = try Self.file("facebook-2025", Self.facebook2025).prefix(4096)
    let legacy = try Self.file("facebook-2019", Self.facebook2019).prefix(4096)
    let posts = try Self.file("instagram", Self.instagramPosts).prefix(4096)
    let reels = try Self.file("instagram", Self.instagramReels).prefix(4096)
    let e2ee = try Self.file("facebook-e2ee", Self.e2ee).prefix(4096)
    let classic = try FormatFixtures.data(
      "facebook-json/your_facebook_activity/messages/inbox/siobhanobriain_99887766/message_1.json"
    ).prefix(4096)
    let cases: [(String, Data, String?)] = [
      // Facebook comments, every era, also packed in a top folder.
      ("comments/comments.json", legacy, "facebook-comments-json"),
      ("facebook-drexample-2019/comments/comments.json", facebook, "facebook-comments-json"),
      ("comments_and_reactions/comments.json", facebook, "facebook-comments-json"),
      ("your_activity_across_facebook/comments_and_reactions/comments.json", facebook, "facebook-comments-json"),
      (Self.facebook2025, facebook, "facebook-comments-json"),
      // Instagram comments, both folders, both shapes.
      (Self.instagramPosts, posts, "instagram-comments-json"),
      ("comments/post_comments_2.json", posts, "instagram-comments-json"),
      ("your_instagram_activity/comments/post_comments.json", posts, "instagram-comments-json"),
      (Self.instagramReels, reels, "instagram-comments-json"),
      ("comments/reels_comments.json", reels, "instagram-comments-json"),
      // The end-to-end encrypted download, at the top or in a folder.
      ("jobloggs_1.json", e2ee, "facebook-e2ee-json"),
      (Self.e2ee, e2ee, "facebook-e2ee-json"),
      // The message files stay with the message formats, whatever their keys.
      ("messages/inbox/x_1/message_1.json", classic, "facebook-json"),
      ("your_facebook_activity/messages/inbox/x_1/message_2.json", classic, "facebook-json"),
      ("your_instagram_activity/messages/inbox/x_1/message_1.json", classic, "instagram-json"),
      ("your_facebook_activity/messages/inbox/x_1/message_1.json", e2ee, "facebook-json"),
      // Not ours.
      ("message_1.json", classic, nil),  // a classic file outside the messages folders
      ("chats/jobloggs_1.json", classic, nil),  // snake_case keys
      ("comments.json", facebook, nil),  // not in a comments folder
      ("your_facebook_activity/comments_and_reactions/comments_1.json", facebook, nil),  // no such split is known
      ("your_facebook_activity/comments_and_reactions/comments.json", Data("[1]".utf8), nil),
      ("comments/comments.json", Data(#"{"media_comments": [], "live_comments": []}"#.utf8), nil),  // Instagram's old file
      ("your_instagram_activity/comments/post_comments_x.json", posts, nil),
      ("your_instagram_activity/likes/post_comments_1.json", posts, nil),
      ("jobloggs.json", e2ee, nil),
    ]
    for (path, head, expected) in cases {
      #expect(FormatRegistry.detect(entryPath: path, head: head)?.id == expected, "\(path)")
    }
    // Each new format on its own: no message file, and not each other's files.
    for path in ["messages/inbox/x_1/message_1.json", "your_instagram_activity/messages/inbox/x_1/message_1.json"] {
      #expect(!FacebookCommentsJSONFormat().claims(entryPath: path, head: classic))
      #expect(!InstagramCommentsJSONFormat().claims(entryPath: path, head: classic))
      #expect(!FacebookE2EEFormat().claims(entryPath: path, head: classic))
      #expect(!FacebookE2EEFormat().claims(entryPath: path, head: e2ee))
    }
    for (path, head) in [(Self.facebook2025, facebook), (Self.instagramPosts, posts), (Self.instagramReels, reels)] {
      #expect(!FacebookJSONFormat().claims(entryPath: path, head: head))
      #expect(!InstagramJSONFormat().claims(entryPath: path, head: head))
      #expect(!FacebookE2EEFormat().claims(entryPath: path, head: head))
    }
    #expect(!FacebookE2EEFormat().claims(entryPath: Self.instagramPosts, head: Data(#"{"senderName": "x"}"#.utf8)))
    #expect(!FacebookE2EEFormat().claims(entryPath: Self.e2ee, head: Data()))  // the name alone says too little
    #expect(!InstagramCommentsJSONFormat().claims(entryPath: Self.facebook2025, head: facebook))
    #expect(!FacebookCommentsJSONFormat().claims(entryPath: Self.instagramPosts, head: posts))
  }

  // MARK: Facebook comments

  @Test func facebookCommentsOldestFirstWithMojibakeRepaired() throws {
    let (comments, _) = try read(FacebookCommentsJSONFormat(), "facebook-2025", Self.facebook2025)
    #expect(comments.count == 3)
    #expect(comments.allSatisfy {
      $0.format == "facebook-comments-json" && $0.platform == .facebook && $0.direction == .sent && $0.sender == nil
        && $0.platformMessageID == nil && $0.entryPath == Self.facebook2025
    })
    // The file lists the newest first; the last has only its inner comment's timestamp.
    #expect(comments.map(\.occurredAt.original) == ["1795210200", "1795210380", "1795300000"])
    #expect(comments[0].text == "Stop posting about my patients 😡")
    #expect(comments[0].kind == .reply)
    #expect(comments[0].thread == "Dr Example replied to Siobhán Ó Briain's comment.")
    #expect(comments[0].details["title"] == "Dr Example replied to Siobhán Ó Briain's comment.")
    #expect(comments[0].details["author"] == "Dr Example")
    #expect(comments[1].text == nil)  // a photo only
    #expect(comments[2].kind == .comment)
    #expect(comments[2].text == "Please read the clinic’s statement.")
    #expect(comments[2].thread == "Dr Example commented on Siobhán Ó Briain's post.")
    #expect(comments[2].url == "https://reviews.example.net/dr-example")
    #expect(comments[2].media.isEmpty)
  }

  @Test func facebookAttachmentsAreEntriesFromTheExportsRoot() throws {
    let photo = try read(FacebookCommentsJSONFormat(), "facebook-2025", Self.facebook2025).messages[1].media
    #expect(photo.map(\.name) == ["4455_1.png", "4455_2.jpg"])
    #expect(
      photo.first?.content
        == .entry(
          reference: "your_facebook_activity/posts/media/Comments_1/4455_1.png",
          candidates: [
            "facebook-drexample-2025/your_facebook_activity/posts/media/Comments_1/4455_1.png",
            "your_facebook_activity/posts/media/Comments_1/4455_1.png",
          ], anyExtension: false))
  }

  @Test func facebookLegacyKeyAndTheOtherEras() throws {
    let (legacy, _) = try read(FacebookCommentsJSONFormat(), "facebook-2019", Self.facebook2019)
    #expect(legacy.map(\.text) == ["Thank you, Zoë.", "Café closed today, sorry."])
    #expect(legacy.map(\.kind) == [.comment, .comment])
    #expect(legacy[0].thread == "Dr Éamonn Example commented on Zoë Example's photo.")
    #expect(legacy.map { $0.details["author"] } == ["Dr Éamonn Example", "Dr Éamonn Example"])
    #expect(UTCStamp.format(legacy[0].occurredAt.utc) == "2018-12-31T00:00:00.000Z")
    let (v2, _) = try read(FacebookCommentsJSONFormat(), "facebook-2024", Self.facebook2024)
    #expect(v2.map(\.text) == ["The clinic is closed on bank holidays."])
    #expect(UTCStamp.format(v2[0].occurredAt.utc) == "2024-06-01T12:00:00.000Z")
  }

  // MARK: Instagram comments

  @Test func instagramArrayAndWrappedShapes() throws {
    let (posts, _) = try read(InstagramCommentsJSONFormat(), "instagram", Self.instagramPosts)
    #expect(posts.count == 2)
    #expect(posts.allSatisfy {
      $0.format == "instagram-comments-json" && $0.platform == .instagram && $0.kind == .comment && $0.direction == .sent
        && $0.sender == nil
    })
    #expect(posts.map(\.occurredAt.original) == ["1795210200", "1795210440"])  // newest first in the file
    #expect(posts[0].text == "Thank you — see you at the clinic.")
    #expect(posts[0].thread == "jo.bloggs")
    #expect(posts[1].text == "Please stop messaging the clinic 🙏")
    #expect(posts[1].thread == "siobhán.example")
    #expect(posts[1].details["media_owner"] == "siobhán.example")
    let (reels, _) = try read(InstagramCommentsJSONFormat(), "instagram", Self.instagramReels)
    #expect(reels.map(\.text) == ["That is not what happened."])
    #expect(reels.first?.thread == "siobhán.example")
    #expect(reels.first?.details["title"] == nil)  // an empty title is left out
    // A wrapper under another name, and an array in the reels file, read the same.
    let renamed = try FormatFixtures.read(
      InstagramCommentsJSONFormat(), Data(#"{"comments_story_comments": []}"#.utf8), entry: Self.instagramReels)
    #expect(renamed.messages.isEmpty)
    let array = try FormatFixtures.read(
      InstagramCommentsJSONFormat(), Data(#"[{"string_map_data": {"Time": {"timestamp": 1}}}]"#.utf8), entry: Self.instagramReels)
    #expect(array.messages.count == 1)
  }

  // MARK: The end-to-end encrypted download

  @Test func e2eeIsNotRepairedAndIsHandedOnOldestFirst() throws {
    let (messages, _) = try read(FacebookE2EEFormat(), "facebook-e2ee", Self.e2ee)
    #expect(messages.count == 3)
    #expect(messages.allSatisfy {
      $0.format == "facebook-e2ee-json" && $0.platform == .facebook && $0.kind == .dm && $0.direction == .unknown
        && $0.thread == "Jo Bloggs"
    })
    #expect(messages.map(\.occurredAt.original) == ["1795210200123", "1795210260000", "1795210320000"])
    // "\u00c3\u00a9" and "Ã©" are two real characters here: the mojibake repair would have made
    // each "é" (every character of the text is at most U+00FF, and they are valid UTF-8 as bytes).
    #expect(messages[0].text == "CafÃ© Ã©, I know where you park.")
    #expect(messages[0].sender?.handle == "Jo Bloggs")
    #expect(messages[0].details["reactions"] == "😡 Dr Example")
    #expect(messages[1].text == nil)
    #expect(messages[2].details["unsent"] == "true")
    #expect(messages[2].sender?.handle == "Dr Example")
    let media = messages[1].media
    #expect(media.map(\.name) == ["photo_1.jpg", "sticker_1.png", "not_in_download.mp4"])
    #expect(media[0].content == .entry(reference: "media/photo_1.jpg", candidates: ["chats/media/photo_1.jpg", "media/photo_1.jpg"], anyExtension: false))
    #expect(media[1].content == .entry(reference: "shared/sticker_1.png", candidates: ["chats/shared/sticker_1.png", "shared/sticker_1.png"], anyExtension: false))

    let (other, _) = try read(FacebookE2EEFormat(), "facebook-e2ee", Self.e2eeNoThreadName)
    #expect(other.map(\.thread) == ["niamhexample"])  // no threadName: the file name without _<n>
  }

  @Test func secondsAndMilliseconds() throws {
    let comment = try read(FacebookCommentsJSONFormat(), "facebook-2025", Self.facebook2025).messages[0].occurredAt
    #expect(UTCStamp.format(comment.utc) == "2026-11-20T21:30:00.000Z")
    #expect(comment.zone == "epoch-s" && comment.zoneSource == .stated)
    let instagram = try read(InstagramCommentsJSONFormat(), "instagram", Self.instagramPosts).messages[0].occurredAt
    #expect(UTCStamp.format(instagram.utc) == "2026-11-20T21:30:00.000Z")
    #expect(instagram.zone == "epoch-s")
    let message = try read(FacebookE2EEFormat(), "facebook-e2ee", Self.e2ee).messages[0].occurredAt
    #expect(UTCStamp.format(message.utc) == "2026-11-20T21:30:00.123Z")
    #expect(message.zone == "epoch-ms" && message.zoneSource == .stated)
  }

  // MARK: Raw fragments

  @Test func fragmentsAreTheItemsAsTheyStandInTheFile() throws {
    let (facebook, facebookFile) = try read(FacebookCommentsJSONFormat(), "facebook-2025", Self.facebook2025)
    FormatFixtures.expectExactFragments(
      facebook, in: facebookFile, texts: [#"\u00f0\u009f\u0098\u00a1"#, "4455_2.jpg", #"clinic\u00e2\u0080\u0099s"#])
    let (legacy, legacyFile) = try read(FacebookCommentsJSONFormat(), "facebook-2019", Self.facebook2019)
    FormatFixtures.expectExactFragments(legacy, in: legacyFile, texts: [#"Zo\u00c3\u00ab."#, #"Caf\u00c3\u00a9"#])
    let (posts, postsFile) = try read(InstagramCommentsJSONFormat(), "instagram", Self.instagramPosts)
    FormatFixtures.expectExactFragments(posts, in: postsFile, texts: ["jo.bloggs", #"clinic \u00f0\u009f\u0099\u008f"#])
    let (reels, reelsFile) = try read(InstagramCommentsJSONFormat(), "instagram", Self.instagramReels)
    FormatFixtures.expectExactFragments(reels, in: reelsFile, texts: ["That is not what happened."])
    let (e2ee, e2eeFile) = try read(FacebookE2EEFormat(), "facebook-e2ee", Self.e2ee)
    FormatFixtures.expectExactFragments(e2ee, in: e2eeFile, texts: [#"Caf\u00c3\u00a9 Ã©"#, "not_in_download.mp4", "Please stop."])
    for item in facebook + legacy + posts + reels + e2ee {
      let text = String(decoding: item.fragment, as: UTF8.self)
      #expect(text.hasPrefix("{") && text.hasSuffix("}"))
    }
    // Each fragment is one item: the newest comment's bytes hold none of the others'.
    #expect(!String(decoding: facebook[2].fragment, as: UTF8.self).contains("4455"))
  }

  // MARK: Through a store

  func importAll(_ store: CaseStore, _ caseRef: String, _ export: String) throws -> ImportSummary {
    try FormatFixtures.importExport(store, caseRef, FormatFixtures.root.appendingPathComponent(Self.folder + export))
  }

  @Test func importedWithTheirMediaAndNothingTwice() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Comments", category: .harassment, severity: .medium).ref
    let facebook = try importAll(t.store, ref, "facebook-2025")
    #expect(facebook.new == 3 && facebook.mediaStored == 1 && facebook.mediaMissing == 1)
    let instagram = try importAll(t.store, ref, "instagram")
    #expect(instagram.new == 3)
    let e2ee = try importAll(t.store, ref, "facebook-e2ee")
    #expect(e2ee.new == 4 && e2ee.mediaStored == 2 && e2ee.mediaMissing == 1)
    let legacy = try importAll(t.store, ref, "facebook-2019")
    #expect(legacy.new == 2)

    let before = try t.fingerprint()
    for export in ["facebook-2025", "instagram", "facebook-e2ee", "facebook-2019"] {
      let again = try importAll(t.store, ref, export)
      #expect(again.new == 0 && again.alreadyPresent == again.read, "\(export)")
    }
    #expect(try t.fingerprint() == before)
    #expect(try t.store.fsck().ok)

    // The listing orders items of every file by time: the two Instagram files interleave.
    let evidence = try t.store.caseDetail(ref).evidence
    #expect(evidence.map(\.occurredAt) == evidence.map(\.occurredAt).sorted())
    let instagramTimes = evidence.filter { $0.platform == .instagram }.map(\.occurredAtText)
    #expect(instagramTimes == ["1795210200", "1795210300", "1795210440"])
    let photo = try #require(evidence.first { $0.platform == .facebook && $0.attachments.count == 1 && $0.kind == .reply })
    #expect(photo.attachments[0].fileName == "4455_1.png")
    let provenance = try #require(try t.store.provenance(of: photo.ref))
    #expect(provenance.format == "facebook-comments-json")
    #expect(provenance.entryPath == Self.facebook2025)
    #expect(try Self.file("facebook-2025", Self.facebook2025).range(of: provenance.fragment) != nil)
  }

  // MARK: Malformed files

  enum Broken: String, CaseIterable, Sendable {
    case facebookTruncated, facebookWrapper, facebookNoTimestamp
    case instagramTruncated, instagramWrapper, instagramNoTime
    case e2eeTruncated, e2eeWrapper, e2eeNoTimestamp

    /// The entry, its bytes, and the line the error must name (nil: the whole file).
    func make() throws -> (entry: String, data: Data, line: Int?) {
      /// The first half of a good file, and the line it ends on (where the scanner stops).
      func half(_ export: String, _ entry: String, in place: String) throws -> (String, Data, Int?) {
        let file = try MetaCommentsFormatTests.file(export, entry)
        let cut = file.prefix(file.count / 2)
        return (place, cut, 1 + cut.count(where: { $0 == 0x0A }))
      }
      let facebook = "your_facebook_activity/comments_and_reactions/comments.json"
      switch self {
      case .facebookTruncated:
        return try half("facebook-2025", MetaCommentsFormatTests.facebook2025, in: facebook)
      case .facebookWrapper:
        return (facebook, Data(#"{"comments_v2": {"title": "secret words"}}"#.utf8), nil)
      case .facebookNoTimestamp:
        return (
          facebook,
          Data("{\"comments_v2\": [\n{\"title\": \"a post\", \"data\": [{\"comment\": {\"comment\": \"secret words\", \"author\": \"Dr Example\"}}]}]}".utf8),
          2)
      case .instagramTruncated:
        return try half("instagram", MetaCommentsFormatTests.instagramPosts, in: MetaCommentsFormatTests.instagramPosts)
      case .instagramWrapper:
        return (
          MetaCommentsFormatTests.instagramReels,
          Data(#"{"comments_reels_comments": {"string_map_data": {"Comment": {"value": "secret words"}}}}"#.utf8), nil)
      case .instagramNoTime:
        return (
          MetaCommentsFormatTests.instagramPosts,
          Data("[\n{\"string_map_data\": {\"Comment\": {\"value\": \"secret words\"}, \"Media Owner\": {\"value\": \"jo.bloggs\"}}}]".utf8), 2)
      case .e2eeTruncated:
        return try half("facebook-e2ee", MetaCommentsFormatTests.e2ee, in: MetaCommentsFormatTests.e2ee)
      case .e2eeWrapper:
        return (
          MetaCommentsFormatTests.e2ee, Data(#"{"threadName": "Jo Bloggs", "messages": {"senderName": "Jo Bloggs", "text": "secret words"}}"#.utf8),
          nil)
      case .e2eeNoTimestamp:
        return (
          MetaCommentsFormatTests.e2ee,
          Data("{\"threadName\": \"Jo Bloggs\", \"messages\": [\n{\"senderName\": \"Jo Bloggs\", \"text\": \"secret words\"}]}".utf8), 2)
      }
    }
  }

  @Test(arguments: Broken.allCases)
  func malformedFilesAreClearErrorsAndStoreNothing(_ broken: Broken) throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Comments", category: .harassment, severity: .medium).ref
    _ = try importAll(t.store, ref, "instagram")  // earlier evidence
    let before = try t.fingerprint()

    let folder = try TempFolder()
    let (entry, data, line) = try broken.make()
    let url = folder.url("export").appendingPathComponent(entry)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: url)
    let error = #expect(throws: CasefileError.self) {
      try FormatFixtures.importExport(t.store, ref, folder.url("export"))
    }
    #expect(error?.code == .badExport, "\(broken): \(String(describing: error))")
    #expect(error?.location?.entry == entry)
    #expect(error?.location?.line == line, "\(broken): \(String(describing: error))")
    #expect(error?.message.contains("secret words") == false)
    #expect(try t.fingerprint() == before)
    #expect(try t.store.fsck().ok)
  }
}
