import CasefileKit
import Foundation
import Testing

/// The rows of threats.md again, for the SAX push parser that SMS backups are read with.
@Suite struct XMLPushParserTests {
  let here = CasefileError.Location(file: "/exports/test.zip", entry: "data/hostile.xml")

  /// Parses a whole document in small chunks (after the surrogate repair, as its users do);
  /// returns each element as `depth:name`, and the values of the attributes `a` and `b`.
  func parse(_ text: String, chunk: Int = 7) throws -> [String] {
    let parser = try XMLPushParser(location: here)
    var seen: [String] = []
    let names = AttributeNames(["a", "b"])
    parser.onStart = { depth, name, attributes in
      seen.append("\(depth):\(String(cString: name))")
      attributes.forEach(names) { index, value in
        seen.append("\(names.names[index])=\(XMLPushParser.Attributes.string(value))")
      }
    }
    parser.onEnd = { depth in seen.append("/\(depth)") }
    var repair = SurrogateRepair()
    var bytes = Data(text.utf8)[...]
    while !bytes.isEmpty {
      try parser.push(repair.push(Data(bytes.prefix(chunk))))
      bytes = bytes.dropFirst(chunk)
    }
    try parser.push(repair.finish())
    try parser.finish()
    return seen
  }

  @Test func elementsAndAttributesInOrder() throws {
    let text = "<?xml version='1.0' encoding='UTF-8'?>\n<r><x a='1 &amp; 2 &lt; &#38;amp; &#55357;&#56832;' b=\"&quot;\"/><y>text</y></r>"
    for chunk in [1, 3, 7, 4096] {
      #expect(try parse(text, chunk: chunk) == ["0:r", "1:x", "a=1 & 2 < &amp; 😀", "b=\"", "/1", "1:y", "/1", "/0"], "chunk \(chunk)")
    }
  }

  @Test func doctypesAreRefusedAndTheCanaryIsNeverRead() throws {
    let canary = FileManager.default.temporaryDirectory.appendingPathComponent("CANARY-\(UUID().uuidString)")
    let secret = "canary-\(UUID().uuidString)"
    try Data(secret.utf8).write(to: canary)
    defer { try? FileManager.default.removeItem(at: canary) }
    var laughs = "<!ENTITY lol0 \"lol\">"
    for level in 1...9 {
      laughs += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
    }
    for hostile in [
      "<!DOCTYPE r [<!ENTITY x SYSTEM \"file://\(canary.path)\">]><r a='&x;'>&x;</r>",
      "<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><r/>",
      "<!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><r/>",
      "<!DOCTYPE r [\(laughs)]><r>&lol9;</r>",
      "<!DOCTYPE r><r/>",
    ] {
      for chunk in [5, 65_536] {
        let error = #expect(throws: CasefileError.self) { try parse(hostile, chunk: chunk) }
        #expect(error?.code == .xmlDTD || error?.code == .xmlMalformed, "\(hostile)")
        #expect(error?.description.contains(secret) == false)
        #expect(error?.location?.entry == "data/hostile.xml")
      }
    }
    #expect((#expect(throws: CasefileError.self) { try parse("<!DOCTYPE r><r/>", chunk: 100) })?.code == .xmlDTD)
  }

  @Test func recoverableErrorsFail() throws {
    for hostile in [
      "<r>&undefined;</r>", "<r a='&undefined;'/>", "<r><a></r>", "<r a='1' a='2'/>", "<r>\u{1}</r>", "", "<r>",
      "<r><p:x/></r>",
    ] {
      let error = #expect(throws: CasefileError.self, "\(hostile.debugDescription)") { try parse(hostile) }
      #expect(error?.code == .xmlMalformed, "\(hostile.debugDescription)")
    }
  }

  @Test func nothingAfterAnErrorIsReported() throws {
    let parser = try XMLPushParser(location: here)
    var seen: [String] = []
    parser.onStart = { _, name, _ in seen.append(String(cString: name)) }
    let error = #expect(throws: CasefileError.self) {
      try parser.push(Data("<r><a/><b x='1' x='2'/><c/><d/></r>".utf8))
      try parser.finish()
    }
    #expect(error?.code == .xmlMalformed)
    #expect(!seen.contains("c") && !seen.contains("d"))
  }

  @Test func errorsNameTheLine() throws {
    let error = #expect(throws: CasefileError.self) { try parse("<r>\n<a>\n<b>\n</r>", chunk: 100) }
    #expect(error?.location?.line == 4)
    #expect(error?.location?.file == "/exports/test.zip")
  }

  @Test func aHandlerErrorStopsTheParse() throws {
    struct Stop: Error {}
    let parser = try XMLPushParser(location: here)
    var seen = 0
    parser.onStart = { _, _, _ in
      seen += 1
      if seen == 2 { throw Stop() }
    }
    #expect(throws: Stop.self) { try parser.push(Data("<r><a/><b/><c/></r>".utf8)) }
    #expect(seen == 2)
  }
}
