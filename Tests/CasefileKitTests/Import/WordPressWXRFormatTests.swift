import CasefileKit
import Foundation
import Testing

/// A practice blog's WordPress export, from an invented fixture.
@Suite struct WordPressWXRFormatTests {
  static let path = "wordpress-wxr/examplepractice.WordPress.2026-11-20.xml"
  static let entry = "examplepractice.WordPress.2026-11-20.xml"

  func read(chunk: Int = 97) throws -> (messages: [ImportedMessage], warnings: [String], file: Data) {
    let file = try FormatFixtures.data(Self.path)
    let (messages, warnings) = try FormatFixtures.read(WordPressWXRFormat(), file, entry: Self.entry, chunk: chunk)
    return (messages, warnings, file)
  }

  @Test func detection() throws {
    let format = WordPressWXRFormat()
    let head = try FormatFixtures.data(Self.path).prefix(4096)
    #expect(format.claims(entryPath: Self.entry, head: head))
    #expect(format.claims(entryPath: "blog.wxr", head: head))
    #expect(!format.claims(entryPath: "feed.xml", head: Data("<rss version=\"2.0\"><channel/></rss>".utf8)))
    #expect(!format.claims(entryPath: "sms-1.xml", head: Data("<smses count='0'/>".utf8)))
  }

  @Test func everyCommentWithAuthorEmailIPAndStatus() throws {
    let (messages, warnings, _) = try read()
    #expect(warnings.isEmpty)
    #expect(messages.count == 5)
    #expect(messages.allSatisfy { $0.format == "wordpress-wxr" && $0.kind == .comment })
    let first = messages[0]
    #expect(first.sender?.handle == "siobhan@example.com")
    #expect(first.sender?.displayName == "Siobhán Ó Briain")
    #expect(first.sender?.profileURL == "https://siobhan.example.com")
    #expect(first.details["author_ip"] == "203.0.113.7")
    #expect(first.details["approved"] == "1")
    #expect(first.thread == "Winter flu clinic hours")
    #expect(first.url == "https://practice.example.org/2026/11/flu-clinic/#comment-7")
    #expect(first.text == "This doctor is a fraud & everyone will know.\nCheck her \"reviews\".")
    #expect(first.direction == .received)
    #expect(first.platformMessageID == "42#7")
  }

  @Test func trashedCommentWithASplitCDATAEnd() throws {
    let trashed = try read().messages[1]
    #expect(trashed.details["approved"] == "trash")
    #expect(trashed.text == "Deleting my comments won't help ]]> you")
  }

  @Test func gmtDatePreferredAndLocalDateAssumed() throws {
    let messages = try read().messages
    #expect(UTCStamp.format(messages[0].occurredAt.utc) == "2026-11-20T21:30:05.000Z")
    #expect(messages[0].occurredAt.zoneSource == .stated)
    #expect(messages[0].occurredAt.original == "2026-11-20 21:30:05")
    // GMT 0000-00-00 00:00:00: the site-local date in the source zone (Dublin, summer time in July).
    let pending = messages[3]
    #expect(pending.details["approved"] == "0")
    #expect(UTCStamp.format(pending.occurredAt.utc) == "2026-07-01T22:15:00.000Z")
    #expect(pending.occurredAt.zoneSource == .assumed)
    #expect(pending.occurredAt.zone == "Europe/Dublin")
    #expect(pending.sender?.handle == "Anonymous Coward")  // no e-mail: the name
    #expect(pending.text == "You &lt;b&gt;will&lt;/b&gt; pay.")  // inside CDATA, entities are literal text
  }

  @Test func repliesByTheDoctorAndPingbacks() throws {
    let messages = try read().messages
    #expect(messages[2].details["user_id"] == "1")
    #expect(messages[2].details["parent"] == "7")
    #expect(messages[2].direction == .unknown)
    #expect(messages[4].details["comment_type"] == "pingback")
    #expect(messages[4].thread == "https://practice.example.org/2026/11/untitled/")  // no title: the link
  }

  @Test func fragmentsAreExactWhateverTheChunking() throws {
    let (messages, _, file) = try read(chunk: 5)
    FormatFixtures.expectExactFragments(
      messages, in: file, texts: ["<wp:comment_id>7</wp:comment_id>", "]]]]><![CDATA[>", "Please contact", "Anonymous Coward", "Gossip Blog"])
    for message in messages {
      let text = String(decoding: message.fragment, as: UTF8.self)
      #expect(text.hasPrefix("<wp:comment>") && text.hasSuffix("</wp:comment>"))
    }
    #expect(try read(chunk: 1 << 16).messages.map(\.fragment) == messages.map(\.fragment))
  }

  @Test func malformedExportsAreClearErrors() throws {
    let file = try FormatFixtures.data(Self.path)
    let cut = file.prefix(file.range(of: Data("Please contact".utf8))!.lowerBound)
    let truncated = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(WordPressWXRFormat(), Data(cut), entry: Self.entry)
    }
    #expect(truncated?.location?.entry == Self.entry)

    let wrongRoot = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(WordPressWXRFormat(), Data("<rss version=\"2.0\"><channel/></rss>".utf8), entry: "x.xml")
    }
    #expect(wrongRoot?.code == .badExport)

    let noID = """
      <rss xmlns:wp="http://wordpress.org/export/1.1/"><channel><item><title>T</title>
      <wp:comment><wp:comment_author>A</wp:comment_author><wp:comment_date_gmt>2026-01-01 10:00:00</wp:comment_date_gmt></wp:comment>
      </item></channel></rss>
      """
    let missing = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(WordPressWXRFormat(), Data(noID.utf8), entry: "x.xml")
    }
    #expect(missing?.code == .badExport)
    #expect(missing?.message.contains("comment_id") == true)
    #expect(missing?.location?.line == 2)
  }

  /// The line named is the comment's own, not where the parser has read ahead to.
  @Test func errorsNameTheCommentsOwnLine() throws {
    let filler = (0..<3000).map { "<wp:postmeta><wp:meta_key>k\($0)</wp:meta_key></wp:postmeta>" }.joined(separator: "\n")
    let doc = """
      <rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>T</title>
      <wp:comment><wp:comment_author>A</wp:comment_author><wp:comment_date_gmt>2026-01-01 10:00:00</wp:comment_date_gmt></wp:comment>
      \(filler)
      </item></channel></rss>
      """
    let error = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(WordPressWXRFormat(), Data(doc.utf8), entry: "x.xml", chunk: 1 << 16)
    }
    #expect(error?.message.contains("comment_id") == true)
    #expect(error?.location?.line == 2)
  }
}
