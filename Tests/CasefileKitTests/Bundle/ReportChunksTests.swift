import Foundation
import Testing

@testable import CasefileKit

/// The report of a big bundle is rendered in runs of items on several threads
/// (``ReportChunks``): it must be the same bytes as one run over the whole bundle, whatever the
/// cut, the number of threads, or the order and ties of the items.
@Suite struct ReportChunksTests {
  let here = CasefileError.Location(file: "bundle.xml")

  /// A bundle whose items are out of time order in the file, share times (ties on one key and
  /// on both), lack a time or a capture time, name an author twice listed, an author not listed,
  /// or none, and carry base64 text, details and attachments.
  static func bundle(items count: Int, actorOutsideActors: Bool = false) -> Data {
    var items = ""
    for n in 0..<count {
      // Document order: 7, 14, 21 … modulo a prime, so that the file is not in time order.
      let k = (n * 7) % 23 + (n / 23) * 23
      let minute = String(format: "%02d", (k * 5) % 60 / 2)  // repeats: ties on the first key
      let utc = k % 9 == 4 ? "" : #" utc="2026-11-2\#(k % 3)T10:\#(minute):00.000Z""#
      let captured = k % 11 == 6 ? "" : "<capturedAt>2026-11-24T08:0\(k % 2):00.000Z</capturedAt>"
      let author = ["A-1", "A-2", "A-9", nil][k % 4].map { #" author="\#($0)""# } ?? ""
      let text = k % 5 == 0
        ? #"<text encoding="base64">\#(Data("Line \(k)\r\nnext <b>".utf8).base64EncodedString())</text>"#
        : "<text>Message \(k) &lt;script&gt; &amp; more</text>"
      let attachment = k % 6 == 1
        ? #"<attachments><attachment path="attachments/\#(String(repeating: "a", count: 64)).png" mediaType="image/png" size="\#(k)" sha256="\#(String(repeating: "a", count: 64))">shot \#(k).png</attachment></attachments>"#
        : ""
      items += """
            <item ref="E-\(k + 1)" kind="sms" platform="sms"\(author) direction="received">
              <occurredAt\(utc) zone="+00:00" zoneSource="stated">as given \(k)</occurredAt>
              \(captured)
              \(text)
              <details><detail name="n">\(k)</detail></details>
              <provenance method="manual"/>
              \(attachment)
            </item>

        """
    }
    let stray = actorOutsideActors ? #"<step ref="S-9" kind="ignore" on="2026-11-20" recordedAt="2026-11-20T22:00:00.000Z" confidential="false"><actor ref="A-1"><handle>@stray</handle></actor></step>"# : ""
    return Data(
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <bundle xmlns="urn:casefile:bundle:1" version="1" profile="indemnifier">
        <metadata><generator name="casefile" version="0.4.0"/><createdAt>2026-11-25T10:00:00.000Z</createdAt><caseRef>C-2026-0007</caseRef><excluded><item>E-999</item></excluded></metadata>
        <case ref="C-2026-0007"><title>Texts</title><category>harassment</category><severity>high</severity><status>open</status><openedAt>2026-11-20T09:00:00.000Z</openedAt></case>
        <actors>
          <actor ref="A-1" platform="sms"><handle>+447700900001</handle><patient flagged="true"/></actor>
          <actor ref="A-2" platform="sms"><handle>+447700900002</handle></actor>
          <actor ref="A-3" platform="sms"><handle>+447700900003</handle></actor>
          <actor ref="A-2" platform="sms"><handle>second listing of A-2</handle></actor>
        </actors>
        <items>
      \(items)  </items>
        <steps><step ref="S-1" kind="ignore" on="2026-11-20" recordedAt="2026-11-20T22:00:00.000Z" confidential="false"><detail name="decision">Not replying</detail></step>\(stray)</steps>
        <notes><note ref="N-1" createdAt="2026-11-21T10:00:00.000Z">Private.</note></notes>
        <manifest><file path="signer.pem" size="178" sha256="\(String(repeating: "e", count: 64))"/></manifest>
      </bundle>

      """.utf8)
  }

  func whole(_ data: Data) throws -> Data {
    try BundleReport.apply(BundleReport.stylesheetSource(), to: XMLTree.parseXML(data, location: here), location: here)
  }

  @Test(arguments: [1, 2, 5, 7, 23, 48])
  func anyCutGivesTheSameBytes(runSize: Int) throws {
    let data = Self.bundle(items: 49)
    let expected = try whole(data)
    for workers in [1, 2, 3] {
      let tree = try XMLTree.parseXML(data, location: here)
      let chunked = try #require(
        try ReportChunks.render(tree, stylesheet: BundleReport.stylesheetSource(), runSize: runSize, workers: workers, location: here))
      // (Compared as a Boolean: the pages are long.)
      let same = chunked == expected
      #expect(same, "run size \(runSize), \(workers) threads")
    }
    // The test means something: the items are out of order in the file, and tie.
    let html = String(decoding: expected, as: UTF8.self)
    #expect(html.components(separatedBy: #"<article class="item""#).count == 50)
    #expect(html.contains("+447700900002") && html.contains("as given 22"))
  }

  @Test func smallBundlesAndOddShapesAreRenderedInOneRun() throws {
    let stylesheet = try BundleReport.stylesheetSource()
    let small = try XMLTree.parseXML(Self.bundle(items: 10), location: here)
    #expect(try ReportChunks.render(small, stylesheet: stylesheet, runSize: 10, location: here) == nil)
    // key('actor') would find an actor outside <actors>, which a run's document does not carry.
    let odd = Self.bundle(items: 30, actorOutsideActors: true)
    #expect(try ReportChunks.render(XMLTree.parseXML(odd, location: here), stylesheet: stylesheet, runSize: 4, location: here) == nil)
    // BundleReport.render still gives the page, in one run.
    let rendered = try BundleReport.render(odd, location: here)
    #expect(rendered == (try whole(odd)))
  }

  @Test func aFailingRunFailsTheReport() throws {
    let source = String(decoding: try BundleReport.stylesheetSource(), as: UTF8.self)
    // Stops the run that reaches the item E-30, wherever it falls.
    let hostile = source.replacingOccurrences(
      of: #"<article class="item" id="item-{@ref}">"#,
      with: #"<xsl:if test="@ref = 'E-30'"><xsl:message terminate="yes">stop</xsl:message></xsl:if><article class="item" id="item-{@ref}">"#)
    #expect(hostile != source)
    let tree = try XMLTree.parseXML(Self.bundle(items: 49), location: here)
    let error = #expect(throws: CasefileError.self) {
      try ReportChunks.render(tree, stylesheet: Data(hostile.utf8), runSize: 5, workers: 2, location: here)
    }
    #expect(error?.code == .reportFailed)
  }

  @Test func findingTagsInPages() {
    let page = Data(#"<p>x</p><section id="items"><h2>E</h2><article class="item" id="a"></article><article class="item" id="b"></article></section><footer/>"#.utf8)
    let region = ReportChunks.articles(in: page)
    #expect(region.map { String(decoding: page[$0], as: UTF8.self) } == #"<article class="item" id="a"></article><article class="item" id="b"></article>"#)
    #expect(region.map { ReportChunks.count(of: ReportChunks.articleOpen, in: page, within: $0) } == 2)
    #expect(ReportChunks.articles(in: Data("<section id=\"items\"><p>none</p></section>".utf8)) == nil)
    #expect(ReportChunks.find(Array("ab".utf8), in: Data("xxaxab".utf8), from: 0) == 4)
    #expect(ReportChunks.find(Array("ab".utf8), in: Data("xxaxa".utf8), from: 0) == nil)
    #expect(ReportChunks.find(Array("ab".utf8), in: Data("abab".utf8), from: 1) == 2)
  }
}
