import CasefileKit
import Foundation
import Testing

/// Telegram Desktop's `result.json`, full and single-chat, from invented fixtures.
@Suite struct TelegramJSONFormatTests {
  func read(_ path: String, entry: String = "DataExport_2026-11-21/result.json") throws -> (messages: [ImportedMessage], warnings: [String], file: Data) {
    let file = try FormatFixtures.data(path)
    let (messages, warnings) = try FormatFixtures.read(TelegramJSONFormat(), file, entry: entry)
    return (messages, warnings, file)
  }

  @Test func detection() throws {
    let head = try FormatFixtures.data("telegram-json/full/result.json").prefix(4096)
    #expect(TelegramJSONFormat().claims(entryPath: "DataExport/result.json", head: head))
    #expect(TelegramJSONFormat().claims(entryPath: "result.json", head: try FormatFixtures.data("telegram-json/single/result.json").prefix(4096)))
    #expect(!TelegramJSONFormat().claims(entryPath: "DataExport/other.json", head: head))
    #expect(!TelegramJSONFormat().claims(entryPath: "result.json", head: Data("[]".utf8)))
  }

  @Test func fullExportWithEveryQuirk() throws {
    let (messages, warnings, file) = try read("telegram-json/full/result.json")
    #expect(messages.count == 4)  // the service message is skipped; the left chat is read
    #expect(messages.map(\.platformMessageID) == ["4242/12", "4242/13", "4242/14", "777/3"])
    #expect(messages.allSatisfy { $0.format == "telegram-json" && $0.platform == .telegram })
    #expect(messages[0].text == "Ring\u{07}ring. Answer the phone, doctor.")  // \x07 repaired
    #expect(messages[0].thread == "Niall Example")
    #expect(messages[0].sender == ActorInput(handle: "Niall Example", displayName: "Niall Example", platformUserID: "user4242"))
    #expect(messages[0].occurredAt.original == "1795210205")
    #expect(messages[0].occurredAt.zone == "epoch-s")
    #expect(UTCStamp.format(messages[0].occurredAt.utc) == "2026-11-20T21:30:05.000Z")
    #expect(messages[1].text == "Look who is on the news tonight: https://news.example.net/clinic")
    #expect(messages[1].media.map(\.name) == ["photo_1@20-11-2026_21-31-00.jpg"])
    // from: null, a local date in the autumn overlap, an excluded file, a reply.
    #expect(messages[2].sender?.handle == "user9999")
    #expect(messages[2].details["deleted_account"] == "true")
    #expect(messages[2].details["reply_to"] == "4242/12")
    #expect(messages[2].text == #"a \x41 that is not an escape"#)
    #expect(messages[2].occurredAt.zoneSource == .assumed)
    #expect(UTCStamp.format(messages[2].occurredAt.utc) == "2026-10-25T00:30:00.000Z")
    #expect(warnings.count == 1 && warnings[0].contains("happens twice"))
    guard case .missing = messages[2].media.first?.content else {
      Issue.record("an excluded file is recorded as missing")
      return
    }
    #expect(messages[3].thread == "Book club")
    for message in messages {
      #expect(file.range(of: message.fragment) != nil)
    }
    #expect(String(decoding: messages[0].fragment, as: UTF8.self).contains(#"Ring\x07ring"#))  // as written
  }

  @Test func singleChatShape() throws {
    let (messages, _, _) = try read("telegram-json/single/result.json", entry: "result.json")
    #expect(messages.map(\.platformMessageID) == ["4242/12"])
    #expect(messages.first?.thread == "Niall Example")
  }

  @Test func malformedExportsAreClearErrors() throws {
    let file = try FormatFixtures.data("telegram-json/full/result.json")
    let truncated = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(TelegramJSONFormat(), file.prefix(file.count - 30), entry: "x/result.json")
    }
    #expect(truncated?.code == .badExport)
    #expect(truncated?.location?.entry == "x/result.json")
    let wrapper = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(TelegramJSONFormat(), Data(#"{"personal_information": {}}"#.utf8), entry: "result.json")
    }
    #expect(wrapper?.message.contains("neither chats.list nor messages") == true)
    let noDate = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(TelegramJSONFormat(), Data("{\"id\": 1, \"messages\": [\n{\"id\": 5, \"type\": \"message\", \"text\": \"secret\"}]}".utf8), entry: "result.json")
    }
    #expect(noDate?.message.contains("no date") == true)
    #expect(noDate?.message.contains("secret") == false)
    #expect(noDate?.location?.line == 2)
  }
}
