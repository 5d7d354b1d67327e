import CasefileKit
import Foundation
import Testing

/// The leak check itself must be able to fail: a canary put into a package is found wherever it
/// hides.
@Suite struct PackageBytesTests {
  @Test func findsACanaryInAnEntryNameAStoredEntryAndADeflatedOne() throws {
    let folder = try TempFolder()
    let url = folder.url("p.zip")
    try writeArchive(url, .zip, [
      .file("dir/CANARY-NAME.txt", "x"),
      .file("stored.txt", "a Canary-Stored b"),
      .file("deflated.txt", String(repeating: "pad ", count: 200) + "canary-deflated", deflate: true),
      .file("encoded.txt", "<t>" + Data("hidden canary-base64 inside".utf8).base64EncodedString() + "</t> &#x63;anary-ref"),
    ])
    let bytes = try PackageBytes(url)
    #expect(bytes.places(of: "canary-name").contains("the name of entry dir/CANARY-NAME.txt"))
    #expect(bytes.places(of: "canary-stored").contains("stored.txt"))
    let deflated = bytes.places(of: "canary-deflated")
    #expect(deflated.contains("deflated.txt") && !deflated.contains("the zip file"))
    #expect(bytes.places(of: "canary-base64").contains { $0.hasPrefix("encoded.txt, base64") })
    #expect(bytes.places(of: "canary-ref").contains("encoded.txt, character references decoded"))
    #expect(bytes.places(of: "not-there").isEmpty)
  }
}
