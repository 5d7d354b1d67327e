import CasefileKit
import Foundation
import Testing

/// YouTube comments from Google Takeout, from invented fixtures.
@Suite struct YouTubeCommentsFormatTests {
  static let entry = "Takeout/YouTube and YouTube Music/comments/comments.csv"

  func read(_ path: String = "youtube-comments/" + Self.entry, entry: String = Self.entry) throws -> (messages: [ImportedMessage], file: Data) {
    let file = try FormatFixtures.data(path)
    return (try FormatFixtures.read(YouTubeCommentsFormat(), file, entry: entry).messages, file)
  }

  @Test func detection() throws {
    let head = try FormatFixtures.data("youtube-comments/" + Self.entry).prefix(4096)
    #expect(YouTubeCommentsFormat().claims(entryPath: Self.entry, head: head))
    #expect(!YouTubeCommentsFormat().claims(entryPath: "Takeout/Other/comments.csv", head: head))
    #expect(!YouTubeCommentsFormat().claims(entryPath: Self.entry, head: Data("Name,Email\n".utf8)))
  }

  @Test func bothCommentTextShapesAndAMultilineRecord() throws {
    let (messages, file) = try read()
    #expect(messages.count == 3)
    #expect(messages.allSatisfy { $0.format == "youtube-comments" && $0.platform == .youtube && $0.direction == .sent })
    #expect(messages[0].text == "Thank you all for the kind words about the clinic.")
    #expect(messages[0].kind == .comment)
    #expect(messages[0].platformMessageID == "UgxExampleComment0001")
    #expect(messages[0].url == "https://www.youtube.com/watch?v=vidEXAMPLE01&lc=UgxExampleComment0001")
    #expect(UTCStamp.format(messages[0].occurredAt.utc) == "2026-11-20T21:30:05.123Z")
    #expect(messages[1].text == "Please do not share personal details here.")  // the comma-joined shape
    #expect(messages[1].kind == .reply)
    #expect(messages[1].details["parent"] == "UgxTheirComment0009")
    #expect(messages[2].text == "Line one\nline two")
    #expect(UTCStamp.format(messages[2].occurredAt.utc) == "2026-11-22T09:00:00.000Z")
    for message in messages {
      #expect(file.range(of: message.fragment) != nil)
      #expect(!String(decoding: message.fragment, as: UTF8.self).hasSuffix("\r"))
    }
    #expect(String(decoding: messages[2].fragment, as: UTF8.self).contains("Line one\\n\"\"},\r\n{"))
  }

  @Test func columnsAreFoundByNameInAnyOrderAndCase() throws {
    let messages = try read("youtube-comments/reordered/comments.csv", entry: "Takeout/YouTube/comments/comments.csv").messages
    #expect(messages.map(\.text) == ["reordered"])
    #expect(messages.first?.platformMessageID == "UgxExampleComment0004")
    #expect(messages.first?.thread == "vidEXAMPLE03")
  }

  @Test func malformedFilesAreClearErrors() throws {
    let file = try FormatFixtures.data("youtube-comments/" + Self.entry)
    let cut = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(YouTubeCommentsFormat(), file.prefix(file.count - 12), entry: Self.entry)
    }
    #expect(cut?.code == .badExport)
    #expect(cut?.location?.line == 4)
    let noColumns = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(YouTubeCommentsFormat(), Data("Comment ID,Video ID\nx,y\n".utf8), entry: Self.entry)
    }
    #expect(noColumns?.message.contains("Comment Text") == true)
    let badText = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(YouTubeCommentsFormat(), Data("Comment ID,Comment Create Timestamp,Comment Text\nc1,2026-11-20T10:00:00Z,not json secret\n".utf8), entry: Self.entry)
    }
    #expect(badText?.message.contains("c1") == true)
    #expect(badText?.message.contains("secret") == false)
    #expect(badText?.location?.line == 2)
  }
}
