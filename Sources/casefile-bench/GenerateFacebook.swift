import ArgumentParser
import Foundation

/// Writes a synthetic Facebook "Download Your Information" zip, deterministically: `messages` over
/// `threads` inbox threads of the 2025 layout (`your_facebook_activity/messages/inbox/<thread>/`),
/// as JSON (`message_1.json`, newest first, every non-ASCII character in Meta's mojibake) or as HTML
/// (`message_1.html`, the 2024-onwards markup, local times with no zone).
///
/// One thread is the harasser's; every tenth is a group; every 50th message carries a photo whose
/// file is in the zip. Every name and text is made up.
struct GenerateFacebook: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate-facebook", abstract: "Write a synthetic Facebook download (zip, JSON or HTML messages).")

  enum Variant: String, ExpressibleByArgument, CaseIterable { case json, html }

  @Option(help: "How many messages.") var messages = 100_000
  @Option(help: "Over how many threads.") var threads = 200
  @Option(help: "json or html.") var variant: Variant = .json
  @Option(help: "The zip to write.") var out: String
  @Option(help: "Seed for the generator.") var seed: UInt64 = 2026

  /// The harasser's display name (the `--from` of an import).
  static let abuser = "Harasser Example"
  static let owner = "Dr Example"

  func run() throws {
    let size = try Self.write(messages: messages, threads: threads, variant: variant, zip: out, seed: seed)
    print("wrote \(messages) messages over \(threads) threads, \(size) bytes, to \(out)")
  }

  struct Message {
    var sender: String
    var milliseconds: Int64
    var text: String
    var photo: Int?
  }

  /// Writes the export's folder beside `zip`, zips it, and returns the zip's size.
  static func write(messages: Int, threads: Int, variant: Variant, zip: String, seed: UInt64) throws -> Int {
    let folder = zip + ".d/facebook-drexample-bench"
    try? FileManager.default.removeItem(atPath: zip + ".d")
    var random = GenerateSMS.Random(state: seed)
    var byThread = Array(repeating: [Message](), count: threads)
    var date: Int64 = 1_700_000_000_000
    for index in 0..<messages {
      date += Int64(1000 * (1 + random.below(120)))
      let thread = index % threads
      let fromOwner = thread != 7 && random.below(2) == 0
      let sender = fromOwner ? owner : name(of: thread, member: random.below(3))
      byThread[thread].append(Message(
        sender: sender, milliseconds: date, text: Words.message(&random, abusive: sender == abuser),
        photo: index % 50 == 49 ? index : nil))
    }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_GB")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "d MMM yyyy, HH:mm:ss"
    for (thread, list) in byThread.enumerated() where !list.isEmpty {
      let slug = "\(name(of: thread, member: 0).lowercased().filter { $0.isLetter && $0.isASCII })_\(100_000 + thread)"
      let relative = "your_facebook_activity/messages/inbox/\(slug)"
      for message in list {
        if let photo = message.photo {
          let path = "\(folder)/\(relative)/photos/\(photo).png"
          try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
          try Words.picture(photo).write(to: URL(fileURLWithPath: path))
        }
      }
      let title = thread % 10 == 0 ? "Group \(thread)" : name(of: thread, member: 0)
      let participants = thread % 10 == 0 ? (0..<3).map { name(of: thread, member: $0) } + [owner] : [title, owner]
      switch variant {
      case .json:
        let out = try BufferedOutput(path: "\(folder)/\(relative)/message_1.json")
        try out.write("{\n  \"participants\": [\n")
        try out.write(participants.map { "    {\n      \"name\": \"\(Words.metaJSON($0))\"\n    }" }.joined(separator: ",\n"))
        try out.write("\n  ],\n  \"messages\": [\n")
        for (index, message) in list.reversed().enumerated() {
          var object = "    {\n      \"sender_name\": \"\(Words.metaJSON(message.sender))\",\n      \"timestamp_ms\": \(message.milliseconds),\n"
          object += "      \"content\": \"\(Words.metaJSON(message.text))\",\n"
          if let photo = message.photo {
            object += "      \"photos\": [\n        {\n          \"uri\": \"\(relative)/photos/\(photo).png\",\n"
            object += "          \"creation_timestamp\": \(message.milliseconds / 1000)\n        }\n      ],\n"
          }
          object += "      \"is_geoblocked_for_viewer\": false\n    }"
          try out.write((index == 0 ? "" : ",\n") + object)
        }
        try out.write("\n  ],\n  \"title\": \"\(Words.metaJSON(title))\",\n  \"is_still_participant\": true,\n")
        try out.write("  \"thread_path\": \"inbox/\(slug)\",\n  \"magic_words\": []\n}\n")
        try out.close()
      case .html:
        let out = try BufferedOutput(path: "\(folder)/\(relative)/message_1.html")
        try out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\" /><title>\(Words.html(title))</title></head>\n")
        try out.write("<body class=\"_a6-g\"><div class=\"_a6-g _a705\"><header class=\"_a6-g\"><div class=\"_3b0d\">\(Words.html(title))</div></header>\n<main class=\"_a706\" role=\"main\">\n")
        for message in list {
          let time = formatter.string(from: Date(timeIntervalSince1970: Double(message.milliseconds) / 1000))
          let media = message.photo.map { "<a href=\"\(relative)/photos/\($0).png\"><img src=\"\(relative)/photos/\($0).png\" /></a>" } ?? ""
          try out.write(
            "<section class=\"_a6-g\"><h2 class=\"_2ph_ _a6-h _a6-i\">\(Words.html(message.sender))</h2><div class=\"_2ph_ _a6-p\"><div><div></div><div>\(Words.html(message.text))</div><div>\(media)</div><div></div></div></div><footer class=\"_3-94 _a6-o\"><div class=\"_a72d\">\(time)</div></footer></section>\n")
        }
        try out.write("</main></div></body></html>\n")
        try out.close()
      }
    }
    try zipFolder(folder, to: zip)
    try FileManager.default.removeItem(atPath: zip + ".d")
    return (try FileManager.default.attributesOfItem(atPath: zip)[.size] as? Int) ?? 0
  }

  /// The other side of `thread`: the harasser in thread 7, a member of a group in every tenth.
  static func name(of thread: Int, member: Int) -> String {
    if thread == 7 { return abuser }
    if thread % 10 == 0 { return "Member \(thread)-\(member)" }
    return thread % 10 == 3 ? "Siobhán Contact \(thread)" : "Contact \(thread)"
  }
}
