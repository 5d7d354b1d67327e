import ArgumentParser
import Foundation

/// Writes a synthetic X (Twitter) archive zip, deterministically: `messages` DMs over 200
/// conversations in `data/direct-messages.js` (newest first in each), a tenth as many tweets in
/// `data/tweets.js`, `account.js` and `manifest.js`, and a picture in `direct_messages_media/` for
/// every 50th DM. One conversation is the harasser's. Every id, name and text is made up.
struct GenerateX: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "generate-x", abstract: "Write a synthetic X archive (zip).")

  @Option(help: "How many DMs.") var messages = 100_000
  @Option(help: "The zip to write.") var out: String
  @Option(help: "Seed for the generator.") var seed: UInt64 = 2026

  static let owner = "1400000000000000001"
  /// The harasser's user id (the `--from` of an import).
  static let abuser = "1590000000000000321"
  static let conversations = 200

  func run() throws {
    let size = try Self.write(messages: messages, zip: out, seed: seed)
    print("wrote \(messages) DMs and \(messages / 10) tweets, \(size) bytes, to \(out)")
  }

  struct DM {
    var id: String
    var sender: String
    var recipient: String
    var createdAt: String
    var text: String
    var picture: Int?
  }

  static func write(messages: Int, zip: String, seed: UInt64) throws -> Int {
    let folder = zip + ".d/twitter-bench"
    try? FileManager.default.removeItem(atPath: zip + ".d")
    var random = GenerateSMS.Random(state: seed)
    let iso = ISO8601DateFormatter()
    iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let classic = DateFormatter()
    classic.locale = Locale(identifier: "en_US_POSIX")
    classic.timeZone = TimeZone(identifier: "UTC")
    classic.dateFormat = "EEE MMM dd HH:mm:ss Z yyyy"
    var byConversation = Array(repeating: [DM](), count: conversations)
    var date = 1_700_000_000.0
    for index in 0..<messages {
      date += Double(1 + random.below(120))
      let conversation = index % conversations
      let other = conversation == 7 ? abuser : String(1_510_000_000_000_000_000 + conversation)
      let fromOwner = conversation != 7 && random.below(2) == 0
      let id = String(1_860_000_000_000_000_000 + index)
      byConversation[conversation].append(DM(
        id: id, sender: fromOwner ? owner : other, recipient: fromOwner ? other : owner,
        createdAt: iso.string(from: Date(timeIntervalSince1970: date)), text: Words.message(&random, abusive: other == abuser && !fromOwner),
        picture: index % 50 == 49 ? index : nil))
    }
    let dms = try BufferedOutput(path: "\(folder)/data/direct-messages.js")
    try dms.write("window.YTD.direct_messages.part0 = [\n")
    for (conversation, list) in byConversation.enumerated() where !list.isEmpty {
      let other = conversation == 7 ? abuser : String(1_510_000_000_000_000_000 + conversation)
      try dms.write((conversation == 0 ? "" : ",\n") + "  {\n    \"dmConversation\" : {\n      \"conversationId\" : \"\(owner)-\(other)\",\n      \"messages\" : [\n")
      for (index, dm) in list.reversed().enumerated() {
        var media = "[]"
        if let picture = dm.picture {
          media = "[\n              \"https://ton.twitter.com/dm/\(dm.id)/\(dm.id)/Pic\(picture).png\"\n            ]"
          let path = "\(folder)/data/direct_messages_media/\(dm.id)-Pic\(picture).png"
          try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
          try Words.picture(picture).write(to: URL(fileURLWithPath: path))
        }
        try dms.write((index == 0 ? "" : ",\n") + """
                  {
                    "messageCreate" : {
                      "recipientId" : "\(dm.recipient)",
                      "reactions" : [],
                      "urls" : [],
                      "text" : "\(Words.json(dm.text))",
                      "mediaUrls" : \(media),
                      "senderId" : "\(dm.sender)",
                      "id" : "\(dm.id)",
                      "createdAt" : "\(dm.createdAt)"
                    }
                  }
          """)
      }
      try dms.write("\n      ]\n    }\n  }")
    }
    try dms.write("\n]\n")
    try dms.close()
    let tweets = try BufferedOutput(path: "\(folder)/data/tweets.js")
    try tweets.write("window.YTD.tweets.part0 = [\n")
    var tweetDate = 1_700_000_000.0
    for index in 0..<(messages / 10) {
      tweetDate += Double(60 + random.below(1200))
      let text = Words.html(Words.message(&random, abusive: false))
      try tweets.write((index == 0 ? "" : ",\n") + """
          {
            "tweet" : {
              "id_str" : "\(1_850_000_000_000_000_000 + index)",
              "id" : "\(1_850_000_000_000_000_000 + index)",
              "created_at" : "\(classic.string(from: Date(timeIntervalSince1970: tweetDate)))",
              "full_text" : "\(Words.json(text))",
              "entities" : { "hashtags" : [], "urls" : [], "user_mentions" : [] },
              "lang" : "en"
            }
          }
        """)
    }
    try tweets.write("\n]\n")
    try tweets.close()
    let account = try BufferedOutput(path: "\(folder)/data/account.js")
    try account.write("""
      window.YTD.account.part0 = [
        {
          "account" : {
            "username" : "drexample_gp",
            "accountId" : "\(owner)",
            "createdAt" : "2019-03-02T09:00:00.000Z",
            "accountDisplayName" : "Dr A Example"
          }
        }
      ]

      """)
    try account.close()
    let manifest = try BufferedOutput(path: "\(folder)/data/manifest.js")
    try manifest.write("""
      window.__THAR_CONFIG = {
        "userInfo" : { "accountId" : "\(owner)", "userName" : "drexample_gp", "displayName" : "Dr A Example" },
        "archiveInfo" : { "generationDate" : "2026-11-24T08:00:00.000Z", "isPartialArchive" : false },
        "dataTypes" : {
          "account" : { "files" : [ { "fileName" : "data/account.js", "globalName" : "YTD.account.part0", "count" : "1" } ] },
          "directMessages" : {
            "mediaDirectory" : "data/direct_messages_media",
            "files" : [ { "fileName" : "data/direct-messages.js", "globalName" : "YTD.direct_messages.part0", "count" : "\(conversations)" } ]
          },
          "tweets" : {
            "mediaDirectory" : "data/tweets_media",
            "files" : [ { "fileName" : "data/tweets.js", "globalName" : "YTD.tweets.part0", "count" : "\(messages / 10)" } ]
          }
        }
      }

      """)
    try manifest.close()
    try zipFolder(folder, to: zip)
    try FileManager.default.removeItem(atPath: zip + ".d")
    return (try FileManager.default.attributesOfItem(atPath: zip)[.size] as? Int) ?? 0
  }
}
