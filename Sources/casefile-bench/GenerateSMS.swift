import ArgumentParser
import Foundation

/// Writes a big, synthetic SMS Backup & Restore file, deterministically.
///
/// It has what real backups have: a few thousand ordinary threads (a fixed set of contacts and
/// groups, whatever the size), one harassing sender (about 2% of the
/// messages), MMS with a SMIL part, small images and now and then a multi-megabyte base64 part,
/// surrogate-pair emoji references, XML escapes, `null` strings and `~` group addresses. Every
/// number is from a fictional range and every text is made up.
struct GenerateSMS: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "generate-sms", abstract: "Write a synthetic SMS backup.")

  @Option(help: "How many records.") var messages = 1_000_000
  @Option(help: "Where to write it.") var out: String
  @Option(help: "Seed for the generator.") var seed: UInt64 = 2026

  /// The time of the first record, in epoch milliseconds; each next one is 1 ms to 2 minutes later
  /// (a minute apart on average). The same seed gives the same records, so a bigger file starts
  /// with every record of a smaller one.
  static let firstDate: Int64 = 1_700_000_000_000

  /// The sender the import benchmark selects.
  static let abuser = "+447700900001"

  func run() throws {
    let written = try Self.write(messages: messages, to: URL(fileURLWithPath: out), seed: seed)
    print("wrote \(messages) records, \(written) bytes, to \(out)")
  }

  /// A small, fast, deterministic generator (SplitMix64).
  struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  }

  static let words = [
    "hello", "running", "late", "tonight", "dinner", "thanks", "see", "you", "soon", "call", "me", "when",
    "free", "ok", "the", "meeting", "moved", "to", "Tuesday", "&amp;", "&lt;3", "great", "news", "&#10;",
    "&#55357;&#56832;", "&#55357;&#56397;", "bring", "milk", "train", "delayed", "&quot;fine&quot;", "café",
  ]
  static let threats = [
    "you will regret this", "I know where you work", "everyone will hear about you", "watch yourself",
    "&#55357;&#56864; not finished with you",
  ]

  static func write(messages: Int, to url: URL, seed: UInt64) throws -> Int {
    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    var random = Random(state: seed)
    var buffer = ""
    buffer.reserveCapacity(1 << 21)
    var total = 0
    func flush(force: Bool = false) throws {
      if force || buffer.utf8.count >= 1 << 20 {
        let data = Data(buffer.utf8)
        total += data.count
        try handle.write(contentsOf: data)
        buffer.removeAll(keepingCapacity: true)
      }
    }
    buffer += "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
    buffer += "<!--File Created By a synthetic generator for casefile benchmarks-->\n"
    buffer += "<?xml-stylesheet type=\"text/xsl\" href=\"sms.xsl\"?>\n"
    buffer += "<smses count=\"\(messages)\" backup_set=\"synthetic\" backup_date=\"1795288503000\" type=\"full\">\n"
    let smallImage = String(repeating: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", count: 1)
    let bigImage = String(repeating: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3", count: 50_000)  // 2 MB of base64
    var date: Int64 = firstDate
    for index in 0..<messages {
      date += Int64(1 + random.below(120_000))
      let isAbuser = random.below(50) == 0
      let number = isAbuser ? abuser : "+4477009\(String(format: "%05d", random.below(3000)))"
      let received = isAbuser || random.below(2) == 0
      var text = ""
      let length = 3 + random.below(14)
      for _ in 0..<length {
        text += (isAbuser && random.below(4) == 0 ? threats[random.below(threats.count)] : words[random.below(words.count)]) + " "
      }
      if index % 100 == 37 {
        // An MMS: SMIL, text and an image part; now and then a big one.
        let image = index % 50_000 == 37 ? bigImage : smallImage
        // A group conversation is one of a fixed set, as on a real phone: the number of threads
        // depends on the owner's contacts, not on how many messages the backup holds.
        let groupIndex = random.below(5) == 0 ? random.below(40) : nil
        let address = groupIndex.map { "+4477009\(String(format: "%05d", 2000 + $0))~+4477009\(String(format: "%05d", 2100 + $0))" } ?? number
        buffer += "  <mms date=\"\(date)\" rr=\"null\" sub=\"null\" ct_t=\"application/vnd.wap.multipart.related\" msg_box=\"\(received ? 1 : 2)\" address=\"\(address)\" m_type=\"\(received ? 132 : 128)\" read=\"1\" sub_id=\"1\" contact_name=\"(Unknown)\" readable_date=\"synthetic\">\n"
        buffer += "    <parts>\n"
        buffer += "      <part seq=\"-1\" ct=\"application/smil\" name=\"null\" chset=\"null\" cl=\"smil.xml\" text=\"&lt;smil&gt;&lt;body/&gt;&lt;/smil&gt;\" />\n"
        buffer += "      <part seq=\"0\" ct=\"image/png\" name=\"photo\(index).png\" chset=\"null\" cl=\"photo\(index).png\" text=\"null\" data=\"\(image)\" />\n"
        buffer += "      <part seq=\"0\" ct=\"text/plain\" name=\"null\" chset=\"106\" cl=\"text_0.txt\" text=\"\(text)\" />\n"
        buffer += "    </parts>\n"
        buffer += "    <addrs>\n      <addr address=\"\(number)\" type=\"\(received ? 137 : 151)\" charset=\"106\" />\n    </addrs>\n"
        buffer += "  </mms>\n"
      } else {
        buffer += "  <sms protocol=\"0\" address=\"\(number)\" date=\"\(date)\" type=\"\(received ? 1 : 2)\" subject=\"null\" body=\"\(text)\" toa=\"null\" sc_toa=\"null\" service_center=\"null\" read=\"1\" status=\"-1\" locked=\"0\" date_sent=\"\(received ? date - 1000 : 0)\" sub_id=\"1\" readable_date=\"synthetic\" contact_name=\"\(received && random.below(3) == 0 ? "Contact \(random.below(500))" : "(Unknown)")\" />\n"
      }
      try flush()
    }
    buffer += "</smses>\n"
    try flush(force: true)
    return total
  }
}
