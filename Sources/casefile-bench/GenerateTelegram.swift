import ArgumentParser
import Foundation

/// Writes a big, synthetic Telegram Desktop `result.json` (a full export), deterministically: the
/// biggest JSON file casefile reads whole, which the JSON benchmark measures.
///
/// It has what real exports have: a few hundred personal chats and groups, one harassing sender
/// (about 2% of the messages, in a chat of their own), `date` beside `date_unixtime`, text as a
/// string or as an array of strings and entity objects, Telegram's `\xNN` escapes, photos named
/// beside the file, and service messages. Every name and text is made up.
struct GenerateTelegram: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate-telegram", abstract: "Write a synthetic Telegram result.json.")

  @Option(help: "How many messages.") var messages = 1_000_000
  @Option(help: "Where to write it.") var out: String
  @Option(help: "Seed for the generator.") var seed: UInt64 = 2026

  /// The first message's time, in seconds; each next one is up to 2 minutes later.
  static let firstDate: Int64 = 1_700_000_000
  /// The sender the import benchmark selects (Telegram's `from` is a display name).
  static let abuser = "Harasser Example"

  func run() throws {
    let written = try Self.write(messages: messages, to: URL(fileURLWithPath: out), seed: seed)
    print("wrote \(messages) messages, \(written) bytes, to \(out)")
  }

  /// Writes the file chat by chat: the messages are spread over 300 chats (one of them the
  /// abuser's) in runs, so each chat's messages are in time order as Telegram writes them.
  static func write(messages: Int, to url: URL, seed: UInt64) throws -> Int {
    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    let output = try FileHandle(forWritingTo: url)
    defer { try? output.close() }
    var random = GenerateSMS.Random(state: seed)
    var buffer = ""
    var written = 0
    func flush(force: Bool = false) throws {
      guard force || buffer.utf8.count >= 1 << 20 else { return }
      let data = Data(buffer.utf8)
      try output.write(contentsOf: data)
      written += data.count
      buffer = ""
    }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "Europe/London")
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
    let chats = 300
    let perChat = max(1, messages / chats)
    buffer += "{\n \"about\": \"A synthetic export for casefile's benchmark.\",\n \"chats\": {\n  \"about\": \"chats\",\n  \"list\": [\n"
    var date = firstDate
    var id = 0
    for chat in 0..<chats {
      let count = chat == chats - 1 ? messages - perChat * (chats - 1) : perChat
      guard count > 0 else { continue }
      // The abuser writes in one chat of their own; every tenth chat is a group.
      let isAbuser = chat == 7
      let isGroup = !isAbuser && chat % 10 == 0
      let name = isAbuser ? abuser : isGroup ? "Group \(chat)" : "Contact \(chat)"
      buffer += chat == 0 ? "" : ",\n"
      buffer += "   {\n    \"name\": \"\(name)\",\n    \"type\": \"\(isGroup ? "private_group" : "personal_chat")\",\n"
      buffer += "    \"id\": \(4_000_000 + chat),\n    \"messages\": [\n"
      for index in 0..<count {
        id += 1
        date += Int64(1 + random.below(120))
        let local = formatter.string(from: Date(timeIntervalSince1970: Double(date)))
        buffer += index == 0 ? "" : ",\n"
        if random.below(200) == 0 {
          buffer += "     {\n      \"id\": \(id),\n      \"type\": \"service\",\n      \"date\": \"\(local)\",\n"
          buffer += "      \"date_unixtime\": \"\(date)\",\n      \"actor\": \"\(name)\",\n      \"action\": \"phone_call\",\n"
          buffer += "      \"text\": \"\",\n      \"text_entities\": []\n     }"
          continue
        }
        let fromOwner = !isAbuser && random.below(2) == 0
        let from = fromOwner ? "Dr Example" : isGroup ? "Member \(random.below(40))" : name
        let fromID = fromOwner ? "user1000001" : "user\(2_000_000 + (isGroup ? random.below(40) : chat))"
        var words: [String] = []
        for _ in 0..<(3 + random.below(14)) {
          words.append(isAbuser && random.below(4) == 0
            ? GenerateSMS.threats[random.below(GenerateSMS.threats.count)] : GenerateSMS.words[random.below(GenerateSMS.words.count)])
        }
        let text = words.joined(separator: " ")
        buffer += "     {\n      \"id\": \(id),\n      \"type\": \"message\",\n      \"date\": \"\(local)\",\n"
        buffer += "      \"date_unixtime\": \"\(date)\",\n      \"from\": \"\(from)\",\n      \"from_id\": \"\(fromID)\",\n"
        if random.below(50) == 0 {
          buffer += "      \"photo\": \"chats/chat_\(chat)/photos/photo_\(id)@synthetic.jpg\",\n      \"width\": 800,\n      \"height\": 600,\n"
        }
        switch random.below(10) {
        case 0:
          // Formatted text: an array of strings and entity objects.
          buffer += "      \"text\": [\"\(text) \", {\"type\": \"bold\", \"text\": \"really\"}, \" ok\"],\n"
          buffer += "      \"text_entities\": [{\"type\": \"plain\", \"text\": \"\(text) \"}, {\"type\": \"bold\", \"text\": \"really\"}, {\"type\": \"plain\", \"text\": \" ok\"}]\n     }"
        case 1:
          // A control character, as Telegram escapes it.
          buffer += "      \"text\": \"\(text)\\x0b end\",\n      \"text_entities\": [{\"type\": \"plain\", \"text\": \"\(text)\\x0b end\"}]\n     }"
        default:
          buffer += "      \"text\": \"\(text)\",\n      \"text_entities\": [{\"type\": \"plain\", \"text\": \"\(text)\"}]\n     }"
        }
        try flush()
      }
      buffer += "\n    ]\n   }"
    }
    buffer += "\n  ]\n }\n}\n"
    try flush(force: true)
    return written
  }
}
