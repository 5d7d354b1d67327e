import CasefileKit
import Foundation
import Testing

@Suite struct XMLFragmentScannerTests {
  let backup = """
    <?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
    <!--File Created By a backup app <sms> in a comment-->
    <?xml-stylesheet type="text/xsl" href="sms.xsl"?>
    <smses count="3">
      <sms address="+353 87" body="a &gt; b > c &#55357;&#56832;" date="1" />
      <!-- a comment between <sms/> records -->
      <mms date="2" address="x~y"><parts><part seq="-1" ct="application/smil" text="&lt;smil/&gt;" /><part ct="text/plain" text='quote " inside'/></parts><addrs><addr address="x" type="137"/></addrs></mms>
      <sms body="<![CDATA[ not really ]]>" date="3"/><sms date="4"><![CDATA[ </sms> ]]></sms>
    </smses>
    """

  let expected = [
    #"<sms address="+353 87" body="a &gt; b > c &#55357;&#56832;" date="1" />"#,
    #"<mms date="2" address="x~y"><parts><part seq="-1" ct="application/smil" text="&lt;smil/&gt;" /><part ct="text/plain" text='quote " inside'/></parts><addrs><addr address="x" type="137"/></addrs></mms>"#,
    #"<sms body="<![CDATA[ not really ]]>" date="3"/>"#,
    #"<sms date="4"><![CDATA[ </sms> ]]></sms>"#,
  ]

  @Test func cutsEachChildOfTheRootExactly() {
    var scanner = XMLFragmentScanner(depth: 1)
    scanner.push(Data(backup.utf8))
    var fragments: [String] = []
    while let fragment = scanner.nextFragment() { fragments.append(String(decoding: fragment, as: UTF8.self)) }
    #expect(fragments == expected)
  }

  @Test func theSameFragmentsWhateverTheChunking() {
    let bytes = Data(backup.utf8)
    for size in [1, 2, 3, 5, 8, 13, 64, 4096] {
      var scanner = XMLFragmentScanner(depth: 1)
      var offset = 0
      var fragments: [String] = []
      while offset < bytes.count {
        scanner.push(bytes.subdata(in: offset..<min(offset + size, bytes.count)))
        offset += size
        while let fragment = scanner.nextFragment() { fragments.append(String(decoding: fragment, as: UTF8.self)) }
      }
      #expect(fragments == expected, "chunks of \(size)")
    }
  }

  @Test func deeperElements() {
    var scanner = XMLFragmentScanner(depth: 3)
    scanner.push(Data("<rss><channel><item><wp:comment a='1'><x>y</x></wp:comment></item></channel></rss>".utf8))
    #expect(scanner.nextFragment().map { String(decoding: $0, as: UTF8.self) } == "<wp:comment a='1'><x>y</x></wp:comment>")
    #expect(scanner.nextFragment() == nil)
  }

  @Test func rawFragmentsSpanChunksAndCopyOnlyWhenAsked() {
    let bytes = Data(backup.utf8)
    var scanner = XMLFragmentScanner(depth: 1)
    var raw: [RawFragment] = []
    var offset = 0
    while offset < bytes.count {
      scanner.push(bytes.subdata(in: offset..<min(offset + 7, bytes.count)))
      offset += 7
      while let fragment = scanner.nextRawFragment() { raw.append(fragment) }
    }
    #expect(raw.map { String(decoding: $0.bytes, as: UTF8.self) } == expected)
    #expect(raw.map(\.count) == expected.map(\.utf8.count))
  }
}
