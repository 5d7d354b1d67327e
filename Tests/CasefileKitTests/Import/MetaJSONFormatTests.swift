import CasefileKit
import Foundation
import Testing

/// Facebook's and Instagram's JSON message files, from an invented fixture.
@Suite struct MetaJSONFormatTests {
  static let folder = "facebook-json"
  static let entry = "your_facebook_activity/messages/inbox/siobhanobriain_99887766/message_1.json"

  func read(_ data: Data? = nil, entry: String = Self.entry) throws -> (messages: [ImportedMessage], warnings: [String], file: Data) {
    let file = try data ?? FormatFixtures.data(Self.folder + "/" + Self.entry)
    let (messages, warnings) = try FormatFixtures.read(FacebookJSONFormat(), file, entry: entry)
    return (messages, warnings, file)
  }

  @Test func detection() throws {
    let head = try FormatFixtures.data(Self.folder + "/" + Self.entry).prefix(4096)
    #expect(FacebookJSONFormat().claims(entryPath: Self.entry, head: head))
    #expect(FacebookJSONFormat().claims(entryPath: "messages/archived_threads/x_1/message_2.json", head: head))
    #expect(!InstagramJSONFormat().claims(entryPath: Self.entry, head: head))
    #expect(InstagramJSONFormat().claims(entryPath: "your_instagram_activity/messages/inbox/x_1/message_1.json", head: head))
    #expect(!FacebookJSONFormat().claims(entryPath: "your_instagram_activity/messages/inbox/x_1/message_1.json", head: head))
    #expect(!FacebookJSONFormat().claims(entryPath: "messages/inbox/x_1/message_1.html", head: head))
    #expect(!FacebookJSONFormat().claims(entryPath: "messages/inbox/x_1/message_1.json", head: Data("[1, 2]".utf8)))
    #expect(!FacebookJSONFormat().claims(entryPath: "comments/comments.json", head: head))
  }

  @Test func messagesOldestFirstWithMojibakeRepaired() throws {
    let (messages, warnings, _) = try read()
    #expect(warnings.isEmpty)
    #expect(messages.count == 4)
    #expect(messages.allSatisfy { $0.format == "facebook-json" && $0.platform == .facebook && $0.thread == "siobhanobriain_99887766" })
    #expect(messages.map(\.occurredAt.original) == ["1795210320000", "1795210380000", "1795210440000", "1795210500000"])
    #expect(UTCStamp.format(messages[0].occurredAt.utc) == "2026-11-20T21:32:00.000Z")
    #expect(messages[0].occurredAt.zone == "epoch-ms")
    #expect(messages[3].sender?.handle == "Siobhán Ó Briain")
    #expect(messages[3].text == "You can't hide 😡 \"Dr\" Example")
    #expect(messages[3].details["reactions"] == "😡 Siobhán Ó Briain")
    #expect(messages[0].details["unsent"] == "true")
    #expect(messages[0].url == "https://reviews.example.net/dr-example")
    #expect(messages[2].text == nil)
    #expect(messages[2].media.map(\.name) == ["4455_1.png", "4455_2.jpg"])
  }

  @Test func fragmentsAreTheObjectsAsTheyStandInTheFile() throws {
    let (messages, _, file) = try read()
    for message in messages {
      #expect(file.range(of: message.fragment) != nil)
      let text = String(decoding: message.fragment, as: UTF8.self)
      #expect(text.hasPrefix("{") && text.hasSuffix("}"))
    }
    #expect(String(decoding: messages[3].fragment, as: UTF8.self).contains(#"\u00f0\u009f\u0098\u00a1"#))  // as written
    #expect(!String(decoding: messages[0].fragment, as: UTF8.self).contains("Please stop"))
  }

  @Test func mojibakeRepairKeepsRealLatin1() throws {
    // A string whose scalars are all ≤ 0xFF but are not UTF-8 bytes stays as it is.
    let json = #"{"participants":[],"messages":[{"sender_name":"Zo\u00eb","timestamp_ms":1,"content":"caf\u00e9"}]}"#
    let messages = try read(Data(json.utf8), entry: "messages/inbox/z_1/message_1.json").messages
    #expect(messages.first?.sender?.handle == "Zoë")
    #expect(messages.first?.text == "café")
  }

  @Test func malformedFilesAreClearErrors() throws {
    let file = try FormatFixtures.data(Self.folder + "/" + Self.entry)
    let truncated = #expect(throws: CasefileError.self) { try read(file.prefix(file.count / 2)) }
    #expect(truncated?.code == .badExport)
    #expect(truncated?.location?.entry == Self.entry)
    let wrongWrapper = #expect(throws: CasefileError.self) { try read(Data(#"{"participants": [], "conversation": []}"#.utf8)) }
    #expect(wrongWrapper?.code == .badExport)
    let missing = #expect(throws: CasefileError.self) {
      try read(Data("{\"messages\": [\n{\"sender_name\": \"A\", \"content\": \"no time here\"}]}".utf8))
    }
    #expect(missing?.message.contains("timestamp_ms") == true)
    #expect(missing?.message.contains("no time here") == false)
    #expect(missing?.location?.line == 2)
  }

  @Test func hostileNestingIsAnErrorNotACrash() throws {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    let json = "{\"messages\": [{\"sender_name\": \"A\", \"timestamp_ms\": 1, \"content\": \(deep)}]}"
    let error = #expect(throws: CasefileError.self) { try read(Data(json.utf8)) }
    #expect(error?.code == .badExport)
  }

  @Test func importedFromAFolderWithItsPhoto() throws {
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Messenger", category: .harassment, severity: .medium).ref
    let folder = FormatFixtures.root.appendingPathComponent(Self.folder)
    func run() throws -> ImportSummary {
      try FormatFixtures.importExport(t.store, ref, folder, filter: ImportFilter(from: ["Siobhán Ó Briain"]))
    }
    let summary = try run()
    #expect(summary.new == 3 && summary.skipped == 1)
    #expect(summary.mediaStored == 1 && summary.mediaMissing == 1)
    #expect(try run().new == 0)
    #expect(try t.store.fsck().ok)
  }
}
