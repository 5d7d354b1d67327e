import CasefileKit
import Foundation
import Testing

/// Discord data packages, both layouts, from invented fixtures.
@Suite struct DiscordFormatTests {
  static let jsonEntry = "package/Messages/c1187654321098765432/messages.json"
  static let csvEntry = "old/messages/987654321098765432/messages.csv"

  func read(_ entry: String) throws -> (messages: [ImportedMessage], file: Data) {
    let file = try FormatFixtures.data("discord/" + entry)
    return (try FormatFixtures.read(DiscordFormat(), file, entry: entry).messages, file)
  }

  @Test func detection() throws {
    let json = try FormatFixtures.data("discord/" + Self.jsonEntry).prefix(4096)
    let csv = try FormatFixtures.data("discord/" + Self.csvEntry).prefix(4096)
    #expect(DiscordFormat().claims(entryPath: Self.jsonEntry, head: json))
    #expect(DiscordFormat().claims(entryPath: Self.csvEntry, head: csv))
    #expect(DiscordFormat().claims(entryPath: "package/Messages/index.json", head: Data("{}".utf8)))
    #expect(!DiscordFormat().claims(entryPath: "package/Messages/index.json", head: Data("[1]".utf8)))
    #expect(!DiscordFormat().claims(entryPath: "package/Messages/c1/channel.json", head: Data("{}".utf8)))
    #expect(!DiscordFormat().claims(entryPath: "messages/inbox/x_1/messages.json", head: json))
  }

  @Test func idsBeyondTwoToTheFiftyThreeAreKeptExactly() throws {
    let (messages, file) = try read(Self.jsonEntry)
    #expect(messages.map(\.platformMessageID) == ["1187654321098765433", "1187654321098765499"])
    // A double would have rounded the first: 1187654321098765433 is not representable.
    #expect(Double("1187654321098765433").map { String(format: "%.0f", $0) } != "1187654321098765433")
    #expect(messages.allSatisfy { $0.platform == .discord && $0.direction == .sent && $0.sender == nil })
    #expect(messages[0].thread == "1187654321098765432")
    #expect(UTCStamp.format(messages[0].occurredAt.utc) == "2026-11-20T21:30:05.000Z")
    #expect(messages[0].occurredAt.original == "2026-11-20 21:30:05")
    #expect(messages[1].text == nil)
    #expect(messages[1].details["attachments"]?.split(separator: "\n").count == 2)
    for message in messages { #expect(file.range(of: message.fragment) != nil) }
  }

  @Test func channelNamesComeFromTheIndexEvenWhenItComesLast() throws {
    let index = "package/Messages/index.json"
    #expect(DiscordFormat().claims(entryPath: index, head: try FormatFixtures.data("discord/" + index)))
    #expect(DiscordFormat().defers(entryPath: Self.jsonEntry, head: Data(), context: ExportContext()))
    #expect(!DiscordFormat().defers(entryPath: index, head: Data(), context: ExportContext()))
    // The channel's file first: it is read after the index, and its thread is the channel's name.
    let folder = try TempFolder()
    let url = folder.url("package.zip")
    try writeArchive(url, .zip, [
      .file(Self.jsonEntry, try FormatFixtures.data("discord/" + Self.jsonEntry)),
      .file(index, try FormatFixtures.data("discord/" + index)),
    ])
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Discord", category: .harassment, severity: .low).ref
    let summary = try FormatFixtures.importExport(t.store, ref, url, filter: ImportFilter(thread: "Direct Message with angry_example#0"))
    #expect(summary.new == 2 && summary.skipped == 0)
    // Without the index, the thread is the channel id.
    let alone = folder.url("alone.zip")
    try writeArchive(alone, .zip, [.file(Self.jsonEntry, try FormatFixtures.data("discord/" + Self.jsonEntry))])
    let other = try t.store.openCase(title: "Discord 2", category: .harassment, severity: .low).ref
    #expect(try FormatFixtures.importExport(t.store, other, alone, filter: ImportFilter(thread: "1187654321098765432")).new == 2)
    let broken = folder.url("broken.zip")
    try writeArchive(broken, .zip, [.file(index, "{\"1187654321098765432\": \"Direct"), .file(Self.jsonEntry, try FormatFixtures.data("discord/" + Self.jsonEntry))])
    let error = #expect(throws: CasefileError.self) { try FormatFixtures.importExport(t.store, other, broken) }
    #expect(error?.location?.entry == index)
  }

  @Test func olderCSVLayout() throws {
    let (messages, file) = try read(Self.csvEntry)
    #expect(messages.count == 1)
    #expect(messages[0].platformMessageID == "987654321098765433")
    #expect(messages[0].text == "Older package, with a comma")
    #expect(UTCStamp.format(messages[0].occurredAt.utc) == "2020-03-01T10:00:00.123Z")
    #expect(file.range(of: messages[0].fragment) != nil)
  }

  @Test func malformedFilesAreClearErrors() throws {
    let file = try FormatFixtures.data("discord/" + Self.jsonEntry)
    let cut = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(DiscordFormat(), file.prefix(file.count / 2), entry: Self.jsonEntry)
    }
    #expect(cut?.code == .badExport)
    let wrapper = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(DiscordFormat(), Data(#"{"messages": []}"#.utf8), entry: Self.jsonEntry)
    }
    #expect(wrapper?.message.contains("not an array") == true)
    let noTime = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(DiscordFormat(), Data("[\n{\"ID\": 5, \"Contents\": \"secret\"}]".utf8), entry: Self.jsonEntry)
    }
    #expect(noTime?.message.contains("Timestamp") == true)
    #expect(noTime?.message.contains("secret") == false)
    #expect(noTime?.location?.line == 2)
  }
}
