import ArgumentParser
import Foundation

/// Writes a synthetic WhatsApp chat export (`WhatsApp Chat with <name>.txt`, Android's
/// `dd/mm/yyyy, HH:mm - Name: text` lines, some messages over several lines, `<Media omitted>`
/// now and then) or a synthetic mbox (plain mails and, every 50th, a multipart mail with a small
/// picture), deterministically. Every name, address and text is made up.
struct GenerateChatAndMail: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate-text", abstract: "Write a synthetic WhatsApp chat or mbox file.")

  enum Kind: String, ExpressibleByArgument, CaseIterable { case whatsapp, mbox }

  @Option(help: "whatsapp or mbox.") var kind: Kind
  @Option(help: "How many messages.") var messages = 100_000
  @Option(help: "The file to write (for whatsapp, a folder to put the chat in).") var out: String
  @Option(help: "Seed for the generator.") var seed: UInt64 = 2026

  static let chatPartner = "Harasser Example"
  static let mailSender = "harasser@bench.example.net"

  func run() throws {
    let (path, size) = kind == .whatsapp
      ? try Self.writeWhatsApp(messages: messages, folder: out, seed: seed)
      : (out, try Self.writeMbox(messages: messages, to: out, seed: seed))
    print("wrote \(messages) messages, \(size) bytes, to \(path)")
  }

  /// Writes `WhatsApp Chat with Harasser Example.txt` into `folder`; returns its path and size.
  static func writeWhatsApp(messages: Int, folder: String, seed: UInt64) throws -> (String, Int) {
    let path = "\(folder)/WhatsApp Chat with \(chatPartner).txt"
    let out = try BufferedOutput(path: path)
    var random = GenerateSMS.Random(state: seed)
    let formatter = utcFormatter("dd/MM/yyyy, HH:mm", locale: "en_GB")
    var date = 1_700_000_000.0
    try out.write("\u{FEFF}\(formatter.string(from: Date(timeIntervalSince1970: date))) - Messages and calls are end-to-end encrypted. Only people in this chat can read, listen to, or share them. Learn more.\n")
    for index in 0..<messages {
      date += Double(1 + random.below(120))
      let fromPartner = random.below(3) != 0
      var text = index % 100 == 99 ? "<Media omitted>" : Words.message(&random, abusive: fromPartner)
      if index % 20 == 19 { text += "\n" + Words.message(&random, abusive: fromPartner) }
      try out.write("\(formatter.string(from: Date(timeIntervalSince1970: date))) - \(fromPartner ? chatPartner : "Dr Example"): \(text)\n")
    }
    return (path, try out.close())
  }

  /// A formatter of UTC times in `format`, with the month and day names of `locale`.
  static func utcFormatter(_ format: String, locale: String) -> DateFormatter {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: locale)
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = format
    return formatter
  }

  /// Writes an mbox of `messages` mails, most from the harasser; returns its size.
  static func writeMbox(messages: Int, to path: String, seed: UInt64) throws -> Int {
    let out = try BufferedOutput(path: path)
    var random = GenerateSMS.Random(state: seed)
    let fromLine = utcFormatter("EEE MMM d HH:mm:ss yyyy", locale: "en_US_POSIX")
    let header = utcFormatter("EEE, d MMM yyyy HH:mm:ss Z", locale: "en_US_POSIX")
    var date = 1_700_000_000.0
    for index in 0..<messages {
      date += Double(60 + random.below(3600))
      let moment = Date(timeIntervalSince1970: date)
      let sender = random.below(4) == 0 ? "patient.services@bench.example.org" : mailSender
      var body = ""
      for _ in 0..<(1 + random.below(6)) { body += Words.message(&random, abusive: sender == mailSender) + "\n" }
      var mail = "From \(sender) \(fromLine.string(from: moment))\n"
      mail += "From: \(sender == mailSender ? "Harasser Example" : "Patient Services") <\(sender)>\n"
      mail += "To: Dr Example <reception@practice.bench.example.org>\n"
      mail += "Subject: \(index % 7 == 0 ? "Re: " : "")Message \(index)\n"
      mail += "Date: \(header.string(from: moment))\n"
      mail += "Message-ID: <\(index).\(random.below(1_000_000))@bench.example.net>\n"
      mail += "MIME-Version: 1.0\n"
      if index % 50 == 49 {
        let boundary = "bench-boundary-\(index)"
        mail += "Content-Type: multipart/mixed; boundary=\"\(boundary)\"\n\n"
        mail += "--\(boundary)\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n\(body)\n"
        let picture = Words.picture(index).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
        mail += "--\(boundary)\nContent-Type: image/png; name=\"photo\(index).png\"\nContent-Disposition: attachment; filename=\"photo\(index).png\"\n"
        mail += "Content-Transfer-Encoding: base64\n\n\(picture)\n--\(boundary)--\n\n"
      } else {
        mail += "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n\(body)\n"
      }
      try out.write(mail)
    }
    return try out.close()
  }
}
