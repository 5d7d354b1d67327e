import CasefileKit
import Foundation

/// libFuzzer target for each import format's parse step, in memory.
///
/// The first byte picks an entry (a format and a path it reads, as in the fixtures) modulo their
/// number, and with what it leaves over (the byte divided by that number) the chunk size; the
/// rest is the entry's content. Chunk size 0 hands the content over the way ``ExportReading``
/// does from a plain file (a 4 KiB head, then chunks of the size asked for); the others cut it
/// into small pieces, as an archive's decompressor may, so a streaming parser meets every kind of
/// boundary. A format that would put the entry off until
/// another entry's facts are known is given those facts first, as on the second pass. Each message
/// read goes through what an import computes from it before storing it (its UTC stamp, identity
/// and fragment). Thrown errors are expected; a crash, trap, hang or runaway memory is a bug.
enum ImportTarget {
  /// Each format with an entry path it reads; a new format gets a line here.
  static let entries: [(format: String, path: String)] = [
    ("sms-backup", "sms-20261120.xml"),
    ("sms-backup", "calls-20261120.xml"),
    ("facebook-html", "messages/inbox/jobloggs_a1b2c3d4e5/message_1.html"),
    ("facebook-html", "your_facebook_activity/messages/message_requests/nightowl_f6g7h8/message_1.html"),
    ("instagram-html", "your_instagram_activity/messages/inbox/night.owl.77_17841400000000001/message_1.html"),
    ("telegram-html", "ChatExport_2026-11-20/messages.html"),
    ("wordpress-wxr", "examplepractice.WordPress.2026-11-20.xml"),
    ("google-voice", "Takeout/Voice/Calls/+15550100123 - Text - 2026-11-20T20_30_05Z.html"),
    ("facebook-json", "your_facebook_activity/messages/inbox/siobhanobriain_99887766/message_1.json"),
    ("instagram-json", "your_instagram_activity/messages/inbox/night.owl.77_17841400000000001/message_1.json"),
    ("facebook-comments-json", "your_activity_across_facebook/comments_and_reactions/comments.json"),
    ("instagram-comments-json", "your_instagram_activity/comments/post_comments_1.json"),
    ("facebook-e2ee-json", "chats/jobloggs_1.json"),
    ("telegram-json", "result.json"),
    ("whatsapp-chat", "WhatsApp Chat with Jo Example.txt"),
    ("whatsapp-chat", "_chat.txt"),
    ("youtube-comments", "Takeout/YouTube and YouTube Music/comments/comments.csv"),
    ("discord", "package/Messages/index.json"),
    ("discord", "package/Messages/c1187654321098765432/messages.json"),
    ("discord", "messages/987654321098765432/messages.csv"),
    ("x-archive", "twitter-2026-11-24/data/account.js"),
    ("x-archive", "twitter-2026-11-24/data/manifest.js"),
    ("x-archive", "twitter-2026-11-24/data/tweets.js"),
    ("x-archive", "twitter-2026-11-24/data/direct-messages.js"),
    ("x-archive", "twitter-2026-11-24/data/direct-messages-group.js"),
    ("x-archive", "twitter-2026-11-24/data/like.js"),
    ("mastodon-archive", "archive-20261124/outbox.json"),
    ("mastodon-archive", "archive-20261124/blocked_accounts.csv"),
    ("mastodon-archive", "archive-20261124/muted_accounts.csv"),
    ("eml", "threat.eml"),
    ("mbox", "Inbox.mbox"),
  ]

  /// The formats of `entries`, looked up once.
  static let formats: [any ExportFormat] = entries.map {
    guard let format = try? FormatRegistry.named($0.format) else { fatalError("fuzz-import: no format \($0.format)") }
    return format
  }

  /// What the other entries of an export would have told, for an entry that waits for them.
  static func learnFacts(_ context: ExportContext) {
    context["x-archive.owner"] = "1400000000000000001"
    context["x-archive.owner-name"] = "drexample_gp"
    context["x-archive.owner-from"] = "data/account.js"
    context["discord.index"] = "yes"
    context["discord.channel.1187654321098765432"] = "Direct Message with someone#0001"
    context["mastodon-archive.home-domain"] = "mastodon.example"
  }

  static let zone = TimeZone(identifier: "Europe/Dublin")!

  /// The chunk sizes besides the plain-file one, picked by `selector / entries.count`.
  static let chunkSizes = [1, 2, 3, 7, 64, 97, 511, 4093]

  static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let selector = bytes.first else { return }
    let index = Int(selector) % entries.count
    let variant = Int(selector) / entries.count
    let fixedChunk = variant == 0 ? nil : chunkSizes[(variant - 1) % chunkSizes.count]
    let format = formats[index]
    let path = entries[index].path
    let content = Data(bytes.dropFirst())
    let context = ExportContext()
    if format.defers(entryPath: path, head: content.prefix(4096), context: context) { learnFacts(context) }
    var offset = 0
    var first = true
    let input = FormatInput(entryPath: path, sourcePath: "/fuzz/export.zip", sourceZone: zone, context: context) { max in
      precondition(max > 0, "a format asked for a chunk of \(max) bytes")
      guard offset < content.count else { return nil }
      let size = Swift.min(fixedChunk ?? (first ? 4096 : max), max, content.count - offset)
      first = false
      defer { offset += size }
      return content.subdata(in: offset..<(offset + size))
    }
    var count = 0
    do {
      try format.messages(input) { message in
        // What an import computes from every message before storing it.
        count += 1
        _ = UTCStamp.format(message.occurredAt.utc)
        _ = message.identity
        _ = message.fragment
        _ = message.mediaCount
      }
    } catch {
      // A thrown error is a clean refusal.
    }
  }
}

#if FUZZING
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    ImportTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
  }
#else
  /// Replays the files given as arguments through the fuzz function, to reproduce a finding
  /// without libFuzzer.
  @main
  enum Replay {
    static func main() throws {
      for path in CommandLine.arguments.dropFirst() {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        data.withUnsafeBytes { ImportTarget.run($0.bindMemory(to: UInt8.self)) }
        print("replayed \(path) (\(data.count) bytes)")
      }
    }
  }
#endif
