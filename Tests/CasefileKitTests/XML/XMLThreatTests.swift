import CasefileKit
import Foundation
import Testing

/// The XML and HTML rows of threats.md, each with its hostile input.
@Suite struct XMLThreatTests {
  let here = CasefileError.Location(file: "/exports/test.zip", entry: "data/hostile.xml")

  func parse(_ text: String) throws -> XMLTree {
    try XMLTree.parseXML(Data(text.utf8), location: here)
  }

  /// Reads a whole document through the streaming reader, in small chunks.
  func stream(_ text: String, chunk: Int = 7) throws -> [String] {
    var bytes = Data(text.utf8)[...]
    let reader = try XMLStreamReader(location: here) { _ in
      guard !bytes.isEmpty else { return nil }
      let piece = bytes.prefix(chunk)
      bytes = bytes.dropFirst(chunk)
      return Data(piece)
    }
    var seen: [String] = []
    while try reader.next() {
      if reader.nodeType == .element { seen.append(reader.localName) }
      if reader.nodeType == .text { seen.append("text:" + reader.value) }
    }
    return seen
  }

  @Test func externalEntityIsRefusedAndTheCanaryIsNeverRead() throws {
    let canary = FileManager.default.temporaryDirectory.appendingPathComponent("CANARY-\(UUID().uuidString)")
    let secret = "canary-\(UUID().uuidString)"
    try Data(secret.utf8).write(to: canary)
    defer { try? FileManager.default.removeItem(at: canary) }
    let hostile = "<!DOCTYPE r [<!ENTITY x SYSTEM \"file://\(canary.path)\">]><r>&x;</r>"
    let tree = #expect(throws: CasefileError.self) { try parse(hostile) }
    #expect(tree?.code == .xmlDTD)
    #expect(tree?.message.contains("DTD not allowed") == true)
    #expect(tree?.description.contains(secret) == false)
    #expect(tree?.location?.entry == "data/hostile.xml")
    let streamed = #expect(throws: CasefileError.self) { try stream(hostile) }
    #expect(streamed?.code == .xmlDTD)
    #expect(streamed?.description.contains(secret) == false)
  }

  @Test func externalDTDAndParameterEntitiesAreRefused() throws {
    for hostile in [
      "<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><r/>",
      "<!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><r/>",
    ] {
      #expect((#expect(throws: CasefileError.self) { try parse(hostile) })?.code == .xmlDTD)
      #expect((#expect(throws: CasefileError.self) { try stream(hostile) })?.code == .xmlDTD)
    }
  }

  @Test func billionLaughsIsAClearError() throws {
    var dtd = "<!ENTITY lol0 \"lol\">"
    for level in 1...9 {
      dtd += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
    }
    let hostile = "<!DOCTYPE r [\(dtd)]><r>&lol9;</r>"
    #expect((#expect(throws: CasefileError.self) { try parse(hostile) })?.code == .xmlDTD)
    // The streaming reader meets libxml2's own "entity reference loop" error while it reads the
    // internal subset, before it can hand over the DOCTYPE node: a clear refusal either way.
    let streamed = #expect(throws: CasefileError.self) { try stream(hostile, chunk: 4096) }
    #expect(streamed?.code == .xmlDTD || streamed?.code == .xmlMalformed)
    #expect(streamed?.location?.entry == "data/hostile.xml")
  }

  @Test func quadraticBlowUpIsRefused() throws {
    let big = String(repeating: "A", count: 10_000)
    let hostile = "<!DOCTYPE r [<!ENTITY a \"\(big)\">]><r>" + String(repeating: "&a;", count: 20_000) + "</r>"
    #expect((#expect(throws: CasefileError.self) { try parse(hostile) })?.code == .xmlDTD)
    #expect((#expect(throws: CasefileError.self) { try stream(hostile, chunk: 65_536) })?.code == .xmlDTD)
  }

  @Test func deepXMLNestingIsAClearError() throws {
    let hostile = String(repeating: "<a>", count: 300) + String(repeating: "</a>", count: 300)
    let tree = #expect(throws: CasefileError.self) { try parse(hostile) }
    #expect(tree?.code == .xmlMalformed)
    let streamed = #expect(throws: CasefileError.self) { try stream(hostile, chunk: 4096) }
    #expect(streamed?.code == .xmlMalformed)
    // 200 levels are fine.
    #expect(try parse(String(repeating: "<a>", count: 200) + String(repeating: "</a>", count: 200)).root?.name == "a")
  }

  @Test func deepHTMLNestingIsFlaggedLossy() throws {
    let hostile = "<html><body>" + String(repeating: "<div>", count: 100_000) + "deep" + String(repeating: "</div>", count: 100_000) + "</body></html>"
    let tree = try XMLTree.parseHTML(Data(hostile.utf8), location: here)
    #expect(tree.lossy)
    #expect(!tree.lossyReasons.isEmpty)
    // An ordinary page is not lossy.
    let plain = try XMLTree.parseHTML(Data("<html><body><div><p>hello</p></div></body></html>".utf8), location: here)
    #expect(!plain.lossy)
    #expect(try plain.node("//p")?.text == "hello")
  }

  @Test func hugeHTMLTextNodeIsFlaggedLossy() throws {
    let hostile = "<html><body><p>" + String(repeating: "x", count: 30_000_000) + "</p></body></html>"
    let tree = try XMLTree.parseHTML(Data(hostile.utf8), location: here)
    #expect(tree.lossy)
  }

  @Test func xincludeStaysInert() throws {
    let text = """
      <r xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="/etc/hostname" parse="text"/></r>
      """
    let tree = try parse(text)
    let hostname = (try? String(contentsOfFile: "/etc/hostname", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(tree.root?.elements.first?.name == "include")
    #expect(tree.root?.text.isEmpty == true)
    if let hostname, !hostname.isEmpty { #expect(tree.root?.markup.contains(hostname) == false) }
    #expect(try stream(text) == ["r", "include"])
  }

  @Test func recoverableErrorsFailAnXMLParse() throws {
    for hostile in ["<r>&undefined;</r>", "<r><a></r>", "<r a='1' a='2'/>", "<r>\u{1}</r>", ""] {
      let error = #expect(throws: CasefileError.self, "\(hostile.debugDescription)") { try parse(hostile) }
      #expect(error?.code == .xmlMalformed)
      #expect((#expect(throws: CasefileError.self) { try stream(hostile) })?.code == .xmlMalformed)
    }
  }

  @Test func errorsNameTheLine() throws {
    let error = #expect(throws: CasefileError.self) { try parse("<r>\n<a>\n<b>\n</r>") }
    #expect(error?.location?.line == 4)
    #expect(error?.location?.file == "/exports/test.zip")
  }

  @Test func surrogatePairReferencesAreRepaired() throws {
    let text = "<r a=\"&#55357;&#56832;\">&#xD83D;&#xDE00; and &#55357; alone, &#56832; too, &#233;</r>"
    let tree = try parse(text)
    #expect(tree.root?.attribute("a") == "😀")
    #expect(tree.root?.text == "😀 and \u{FFFD} alone, \u{FFFD} too, é")
    #expect(try stream(text) == ["r", "text:😀 and \u{FFFD} alone, \u{FFFD} too, é"])
  }

  @Test func streamingRepairHandlesEverySplitPoint() throws {
    let text = Data("x&#55357;&#56832;y&#55357;z&amp;&#xDE00;&#65;".utf8)
    let whole = SurrogateRepair.repair(text)
    #expect(String(decoding: whole.data, as: UTF8.self) == "x&#128512;y&#65533;z&amp;&#65533;&#65;")
    #expect(whole.repairs == 3)
    for split in 0...text.count {
      var repair = SurrogateRepair()
      var out = repair.push(text.prefix(split))
      out.append(repair.push(text.dropFirst(split)))
      out.append(repair.finish())
      #expect(out == whole.data, "split at \(split)")
    }
    // A high half at the very end of the input stands alone.
    #expect(String(decoding: SurrogateRepair.repair(Data("a&#55357;".utf8)).data, as: UTF8.self) == "a&#65533;")
    // Text that merely looks like a reference passes through.
    let plain = Data("&#;&#x;&#12345678901;& #1;".utf8)
    #expect(SurrogateRepair.repair(plain).data == plain)
  }

  @Test func xpathWithNamespaces() throws {
    let wxr = """
      <rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>Post</title>
      <wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_content><![CDATA[a ]]]]><![CDATA[> b]]></wp:comment_content></wp:comment>
      </item></channel></rss>
      """
    let tree = try parse(wxr)
    let ns = ["wp": "http://wordpress.org/export/1.2/"]
    let comments = try tree.nodes("//wp:comment", namespaces: ns)
    #expect(comments.count == 1)
    #expect(try comments[0].node("wp:comment_id", namespaces: ns)?.text == "7")
    #expect(try comments[0].node("wp:comment_content", namespaces: ns)?.text == "a ]]> b")
    #expect(comments[0].namespaceURI == "http://wordpress.org/export/1.2/")
    #expect(throws: CasefileError.self) { try tree.nodes("//[") }
  }

  @Test func streamingReaderReadsAttributesOfABigDocument() throws {
    var text = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!-- backup -->\n<smses count=\"5000\">"
    for index in 0..<5000 {
      text += "<sms address=\"+35387\(index)\" date=\"\(1_700_000_000_000 + index)\" body=\"hi &amp; &#55357;&#56832; \(index)&#10;x\" />"
    }
    text += "</smses>"
    var bytes = Data(text.utf8)[...]
    let reader = try XMLStreamReader(location: here) { max in
      guard !bytes.isEmpty else { return nil }
      let piece = bytes.prefix(max)
      bytes = bytes.dropFirst(max)
      return Data(piece)
    }
    var count = 0
    var last: String?
    while try reader.next() {
      guard reader.nodeType == .element, reader.localName == "sms" else { continue }
      count += 1
      last = reader.attribute("body")
      #expect(reader.isEmptyElement)
    }
    #expect(count == 5000)
    #expect(last == "hi & 😀 4999\nx")
  }
}
