import CasefileKit
import Foundation
import Testing

/// Reads a whole fixture through a format, in small chunks.
func readMessages(_ text: String, entry: String = "sms-20261120.xml", chunk: Int = 97) throws -> [ImportedMessage] {
  var bytes = Data(text.utf8)[...]
  var out: [ImportedMessage] = []
  let input = FormatInput(entryPath: entry, sourcePath: "/exports/\(entry)", sourceZone: TimeZone(identifier: "Europe/Dublin")!) { _ in
    guard !bytes.isEmpty else { return nil }
    let piece = bytes.prefix(chunk)
    bytes = bytes.dropFirst(chunk)
    return Data(piece)
  }
  try SMSBackupFormat().messages(input) { out.append($0) }
  return out
}

@Suite struct SMSBackupFormatTests {
  @Test func detection() {
    let format = SMSBackupFormat()
    #expect(format.claims(entryPath: "sms-20261120.xml", head: Data(SMSFixtures.sms.utf8)))
    #expect(format.claims(entryPath: "backups/calls-20261120.xml", head: Data(SMSFixtures.calls.utf8)))
    #expect(format.claims(entryPath: "renamed.xml", head: Data(SMSFixtures.sms.utf8)))
    #expect(!format.claims(entryPath: "export.xml", head: Data("<rss><channel/></rss>".utf8)))
    #expect(!format.claims(entryPath: "sms-1.json", head: Data("{}".utf8)))
    #expect(FormatRegistry.detect(entryPath: "x.xml", head: Data(SMSFixtures.calls.utf8))?.id == "sms-backup")
    #expect(throws: CasefileError.self) { try FormatRegistry.named("myspace") }
  }

  @Test func everyQuirkOfTheSMSFile() throws {
    let messages = try readMessages(SMSFixtures.sms)
    #expect(messages.count == 7)
    let first = messages[0]
    #expect(first.kind == .sms)
    #expect(first.direction == .received)
    #expect(first.text == "You will regret this 😠")  // a surrogate pair, repaired
    #expect(first.sender?.handle == "+44 7700 900123")
    #expect(first.sender?.displayName == nil)  // "(Unknown)"
    #expect(UTCStamp.format(first.occurredAt.utc) == "2026-11-20T20:30:00.000Z")
    #expect(first.occurredAt.original == "1795206600000")
    #expect(first.occurredAt.zone == "epoch-ms")
    #expect(String(decoding: first.fragment, as: UTF8.self).hasPrefix("<sms protocol=\"0\" address=\"+44 7700 900123\""))
    #expect(String(decoding: first.fragment, as: UTF8.self).contains("&#55357;&#56864;"))  // the file's own bytes
    #expect(messages[1].text == "I know where you work.\nWatch yourself \u{FFFD}")  // newline, lone half
    #expect(messages[2].sender?.displayName == "Sam (friend)")
    #expect(messages[3].direction == .sent)
    #expect(messages[3].sender == nil)
    #expect(messages[3].recipients == ["+44 7700 900456"])

    let mms = messages[4]
    #expect(mms.kind == .mms)
    #expect(mms.text == "Nice car. Shame if something happened to it.")
    #expect(mms.sender?.handle == "+447700900123")
    #expect(mms.media.count == 1)  // the SMIL part is skipped
    #expect(mms.media.first?.name == "car.png")
    #expect(mms.media.first?.content == .inline(Data(base64Encoded: SMSFixtures.pngBase64)!))
    #expect(String(decoding: mms.fragment, as: UTF8.self).hasSuffix("</mms>"))

    let group = messages[5]
    #expect(group.thread == "+447700900123~+447700900789")
    #expect(group.sender?.handle == "+447700900789")  // from addr type 137
    #expect(group.recipients == ["+447700900123"])
    #expect(group.text == "Everyone knows what you did & they will hear more")
    #expect(group.media.first?.content == .missing(reference: "gone.jpg: no data in the backup"))

    #expect(messages[6].text == nil)  // body="null"
    #expect(messages[6].sender?.handle == "ACME-BANK")
  }

  @Test func calls() throws {
    let calls = try readMessages(SMSFixtures.calls, entry: "calls-20261120.xml")
    #expect(calls.map(\.details["call_type"]) == ["missed", "incoming", "rejected", "outgoing"])
    #expect(calls.map(\.kind) == [.call, .call, .call, .call])
    #expect(calls[1].details["duration_seconds"] == "42")
    #expect(calls[3].direction == .sent)
    #expect(calls[3].sender == nil)
    #expect(calls[0].text == nil)
  }

  @Test func fragmentsAreTheSameWhateverTheChunking() throws {
    let reference = try readMessages(SMSFixtures.sms, chunk: 1 << 16).map(\.fragment)
    for chunk in [1, 3, 64, 1000] {
      #expect(try readMessages(SMSFixtures.sms, chunk: chunk).map(\.fragment) == reference, "chunk \(chunk)")
    }
    // Each fragment parses on its own as the same record.
    for fragment in reference {
      _ = try XMLTree.parseXML(fragment, location: .init(file: "fragment"))
    }
  }

  @Test func malformedInputNamesTheEntryAndLine() throws {
    let truncated = String(SMSFixtures.sms.prefix(1200))
    let error = #expect(throws: CasefileError.self) { try readMessages(truncated) }
    #expect(error?.code == .xmlMalformed)
    #expect(error?.location?.entry == "sms-20261120.xml")
    let wrongRoot = #expect(throws: CasefileError.self) { try readMessages("<backup><sms date='1'/></backup>") }
    #expect(wrongRoot?.code == .badExport)
    let noDate = #expect(throws: CasefileError.self) {
      try readMessages("<smses>\n<sms address='1' body='x' type='1'/></smses>")
    }
    #expect(noDate?.message.contains("no usable date") == true)
    #expect(noDate?.location?.line == 2)
  }

  @Test func mediaAreReadFromTheFragmentOnlyWhenAskedFor() throws {
    for chunk in [1, 97, 1 << 16] {
      let mms = try readMessages(SMSFixtures.sms, chunk: chunk)[4]
      #expect(mms.hasMedia)
      let loaded = try mms.loadMedia()
      #expect(loaded == mms.media, "chunk \(chunk)")
      #expect(loaded.first?.content == .inline(Data(base64Encoded: SMSFixtures.pngBase64)!), "chunk \(chunk)")
    }
  }

  @Test func lazyFragmentsAreTheFilesExactBytes() throws {
    let file = Data(SMSFixtures.sms.utf8)
    for chunk in [1, 5, 97] {
      for message in try readMessages(SMSFixtures.sms, chunk: chunk) {
        #expect(message.rawFragment.count == message.fragment.count)
        #expect(message.fragment.startIndex == 0)
        #expect(file.range(of: message.fragment) != nil, "chunk \(chunk)")
      }
    }
  }

  @Test func deferredMediaAreReadInTheDocumentsEncoding() throws {
    // A Latin-1 file: the fragment alone has no declaration, so it must be read as Latin-1.
    let png = SMSFixtures.pngBase64
    var bytes = Data("<?xml version='1.0' encoding='ISO-8859-1'?>\n<smses count='1'>\n".utf8)
    bytes.append(Data("<mms date='1795206600000' msg_box='1' address='+447700900123' contact_name='Se".utf8))
    bytes.append(0xE1)  // á in Latin-1
    bytes.append(Data("n'><parts><part seq='0' ct='image/png' name='x.png' data='\(png)'/></parts></mms>\n</smses>\n".utf8))
    var rest = bytes[...]
    var out: [ImportedMessage] = []
    let input = FormatInput(entryPath: "sms-1.xml", sourcePath: "/exports/sms-1.xml", sourceZone: TimeZone(identifier: "UTC")!) { _ in
      guard !rest.isEmpty else { return nil }
      defer { rest = rest.dropFirst(50) }
      return Data(rest.prefix(50))
    }
    try SMSBackupFormat().messages(input) { out.append($0) }
    #expect(out.count == 1)
    #expect(out[0].sender?.displayName == "Seán")
    #expect(try out[0].loadMedia().first?.content == .inline(Data(base64Encoded: png)!))
    #expect(bytes.range(of: out[0].fragment) != nil)
  }

  /// The parse runs on a worker thread: failures on either side must stop it and come out in order.
  @Test func failuresOnEitherSideOfTheWorkerThread() throws {
    struct Stop: Error {}
    // The consumer gives up: the error comes out and the worker is stopped.
    var seen = 0
    let input = { (chunk: Int) -> FormatInput in
      var bytes = Data(SMSFixtures.sms.utf8)[...]
      return FormatInput(entryPath: "sms-1.xml", sourcePath: "/exports/sms-1.xml", sourceZone: TimeZone(identifier: "UTC")!) { _ in
        guard !bytes.isEmpty else { return nil }
        defer { bytes = bytes.dropFirst(chunk) }
        return Data(bytes.prefix(chunk))
      }
    }
    #expect(throws: Stop.self) {
      try SMSBackupFormat().messages(input(13)) { _ in
        seen += 1
        if seen == 2 { throw Stop() }
      }
    }
    #expect(seen == 2)

    // The input fails part way.
    var offset = 0
    let failing = FormatInput(entryPath: "sms-1.xml", sourcePath: "/exports/sms-1.xml", sourceZone: TimeZone(identifier: "UTC")!) { _ in
      offset += 1
      if offset > 5 { throw Stop() }
      return Data(SMSFixtures.sms.utf8.dropFirst((offset - 1) * 100).prefix(100))
    }
    #expect(throws: Stop.self) { try SMSBackupFormat().messages(failing) { _ in } }

    // A parse error after some records: those come first, then the error. (libxml2 reads ahead,
    // so the last records before the damage may not be reached, as on one thread.)
    let broken = SMSFixtures.sms.replacingOccurrences(of: "</smses>", with: "<sms date='1'></smses>")
    var before = 0
    let error = #expect(throws: CasefileError.self) { try SMSBackupFormat().messages(input(50).withText(broken)) { _ in before += 1 } }
    #expect(error?.code == .xmlMalformed)
    #expect((5...7).contains(before))
  }
}

extension FormatInput {
  /// The same input over other text, in chunks of 50 bytes.
  fileprivate func withText(_ text: String) -> FormatInput {
    var bytes = Data(text.utf8)[...]
    return FormatInput(entryPath: entryPath, sourcePath: sourcePath, sourceZone: sourceZone) { _ in
      guard !bytes.isEmpty else { return nil }
      defer { bytes = bytes.dropFirst(50) }
      return Data(bytes.prefix(50))
    }
  }
}
