import Foundation
import Testing

@testable import CasefileKit

/// The HTML report of a bundle (threats.md, "XSLT and the HTML report"), from the two sample
/// bundles in `Fixtures/bundle`: the indemnifier profile with notes and the patient flag, and the
/// platform profile without them.
@Suite struct BundleReportTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/bundle")
  static let repository = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  let here = CasefileError.Location(file: "/packages/C-2026-0001/bundle.xml")

  static func fixture(_ name: String) throws -> Data {
    try Data(contentsOf: fixtures.appendingPathComponent(name))
  }

  func render(_ name: String) throws -> String {
    String(decoding: try BundleReport.render(Self.fixture(name), location: here), as: UTF8.self)
  }

  func render(text: String) throws -> String {
    String(decoding: try BundleReport.render(Data(text.utf8), location: here), as: UTF8.self)
  }

  /// The page as a browser would see it, to ask what it loads.
  func page(_ html: String) throws -> XMLTree {
    try XMLTree.parseHTML(Data(html.utf8), location: here)
  }

  static let csp =
    #"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'">"#

  @Test func rendersTheIndemnifierSample() throws {
    let html = try render("sample-indemnifier.xml")
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    for expected in [
      "C-2026-0001: Threatening DMs on X", "<dd>harassment</dd>", "<dd>high</dd>", "<dd>open</dd>",
      "indemnifier (for the doctor's indemnifier)", "2026-11-25 10:00:00 UTC", "casefile 0.4.0",
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "89abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567", "Dr A Example", "Example Medical Defence",
      "<span class=\"message\">2026-11-21 08:00</span> (zone <span class=\"message\">Europe/Dublin</span>, <strong>assumed</strong>",
      "zone <span class=\"message\">+00:00</span>, stated by the source",
      "<dd>dm</dd>", "<dd>received</dd>", "@angry_example", "<strong>REDACTED copy</strong>",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "<dd>x-archive</dd>",
      "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "<code>data/direct-messages.js</code>",
      "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", "image/png, 420 bytes",
      "answer to <a href=\"#step-S-2\">S-2</a>", "<code>signer.pem</code>",
      "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
    ] {
      #expect(html.contains(expected), "\(expected)")
    }
    // Items in time order, steps by day.
    let items = try #require(html.range(of: "id=\"item-E-1\"")).lowerBound
    #expect(try #require(html.range(of: "id=\"item-E-2\"")).lowerBound > items)
  }

  @Test func itemsAreInTimeOrderAndRetractedStepsMarked() throws {
    let html = try render("sample-platform.xml")
    // E-7 comes first in the file but happened later.
    let early = try #require(html.range(of: "id=\"item-E-5\"")).lowerBound
    #expect(try #require(html.range(of: "id=\"item-E-7\"")).lowerBound > early)
    #expect(html.contains("2026-11-22 07:15:30.125 UTC"))
    let tree = try page(html)
    let retracted = try tree.node("//tr[@id='step-S-4']")
    #expect(retracted?.attribute("class") == "retracted")
    #expect(retracted?.text.contains("RETRACTED by S-5") == true)
    #expect(try tree.node("//tr[@id='step-S-6']")?.attribute("class") == nil)
    #expect(try tree.node("//tr[@id='step-S-5']")?.text.contains("withdraws S-4") == true)
  }

  @Test func theHeadHasTheContentSecurityPolicy() throws {
    for name in ["sample-indemnifier.xml", "sample-platform.xml"] {
      let html = try render(name)
      let head = try #require(html.range(of: "</head>")).lowerBound
      #expect(html[..<head].contains(Self.csp), "\(name)")
    }
  }

  /// No script, and nothing that loads from anywhere but the package: only `<a href>` may point
  /// outside (to be followed by a person), and only to http or https.
  @Test func noScriptAndNothingRemoteLoads() throws {
    for name in ["sample-indemnifier.xml", "sample-platform.xml"] {
      let html = try render(name)
      #expect(!html.lowercased().contains("<script"), "\(name)")
      #expect(!html.lowercased().contains("url("), "\(name)")
      #expect(!html.lowercased().contains("@import"), "\(name)")
      let tree = try page(html)
      #expect(try tree.nodes("//script | //iframe | //object | //embed | //link | //base | //form").isEmpty)
      #expect(try tree.nodes("//@*[starts-with(name(), 'on')] | //@style | //@srcset | //@background").isEmpty)
      let sources = try tree.nodes("//@src").map(\.text)
      #expect(!sources.isEmpty)
      for source in sources {
        #expect(source.hasPrefix("attachments/") && !source.contains(":") && !source.contains(".."), "\(source)")
      }
      #expect(try tree.nodes("//img").allSatisfy { $0.attribute("src")?.hasPrefix("attachments/") == true })
      for link in try tree.nodes("//*[@href]") {
        let href = link.attribute("href") ?? ""
        #expect(link.name == "a", "\(link.markup)")
        if href.contains(":") {
          #expect(href.hasPrefix("https://") || href.hasPrefix("http://"), "\(href)")
        }
      }
    }
  }

  @Test func hostileMessageTextIsShownAsText() throws {
    for name in ["sample-indemnifier.xml", "sample-platform.xml"] {
      let html = try render(name)
      #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(name)")
      #expect(html.contains("&lt;img src=http://evil.example/x.png&gt;"), "\(name)")
      #expect(!html.contains("evil.example/x.png\""))
      let tree = try page(html)
      #expect(try tree.nodes("//*[contains(@src, 'evil') or contains(@href, 'evil')]").isEmpty)
      #expect(try tree.nodes("//div[contains(@class, 'text')]").contains { $0.text.contains("<script>alert(1)</script>") })
    }
    let platform = try page(render("sample-platform.xml"))
    // Markup in a display name or a file name stays text; a javascript: URL is not a link.
    #expect(try platform.nodes("//td//b").isEmpty)
    #expect(try platform.node("//tr[@id='actor-A-2']")?.text.contains("R <b>Example</b>") == true)
    #expect(try platform.nodes("//a[contains(@href, 'javascript')]").isEmpty)
    #expect(try platform.node("//tr[@id='actor-A-2']")?.text.contains("javascript:alert(document.cookie)") == true)
    #expect(try platform.node("//a[@href='https://www.instagram.com/p/EXAMPLE/']") != nil)
  }

  /// A bundle that was not validated may hold any path: nothing outside the package is shown or
  /// linked.
  @Test func attachmentPathsOutsideThePackageAreNeitherShownNorLinked() throws {
    let sample = String(decoding: try Self.fixture("sample-indemnifier.xml"), as: UTF8.self)
    let good = "attachments/dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd.png\" mediaType"
    for path in [
      "http://evil.example/x.png", "//evil.example/x.png", "attachments/../../etc/x.png", "/etc/x.png",
      "attachments/x.png?http://evil", "attachments/ x.png", "attachments//x.png", "javascript:alert(1)",
    ] {
      let hostile = sample.replacingOccurrences(of: good, with: "\(path)\" mediaType")
      let html = try render(text: hostile)
      let tree = try page(html)
      #expect(try tree.nodes("//img").isEmpty, "\(path)")
      #expect(try tree.nodes("//a[contains(@href, 'x.png') or contains(@href, 'javascript')]").isEmpty, "\(path)")
    }
  }

  @Test func base64TextIsDecodedForDisplay() throws {
    let indemnifier = try render("sample-indemnifier.xml")
    #expect(indemnifier.contains("Stop\u{240D}\nplease"))
    #expect(!indemnifier.contains("U3RvcA0KcGxlYXNl"))
    let platform = try render("sample-platform.xml")
    // UTF-8 beyond ASCII, a carriage return and a control character (shown as symbols).
    #expect(platform.contains("Café ☕ 😀\u{240D}\nbye\u{2401}"))
    #expect(platform.contains("Notes: Ünïcode in a thread"))
    #expect(platform.contains("tab\tand line\u{240D}\n"))
    #expect(!platform.contains("Q2Fmw6kg4piVIPCfmIANCmJ5ZQE="))
  }

  @Test func base64ThatIsNotUTF8OrNotBase64IsShownAsItStands() throws {
    let sample = String(decoding: try Self.fixture("sample-indemnifier.xml"), as: UTF8.self)
    let original = "<text encoding=\"base64\">U3RvcA0KcGxlYXNl</text>"
    let cases = [
      ("//79/A==", "[base64 that is not UTF-8 text, as it stands in bundle.xml] //79/A=="),
      ("U3Rv*A0K", "[malformed base64, as it stands in bundle.xml] U3Rv*A0K"),
      ("U3RvcA=", "[malformed base64, as it stands in bundle.xml] U3RvcA="),
      ("AA==", "\u{2400}"),
      ("", "<div class=\"message text\"></div>"),
    ]
    for (data, expected) in cases {
      let html = try render(text: sample.replacingOccurrences(of: original, with: "<text encoding=\"base64\">\(data)</text>"))
      #expect(html.contains(expected), "\(data)")
    }
  }

  @Test func longBase64TextIsDecoded() throws {
    let sample = String(decoding: try Self.fixture("sample-indemnifier.xml"), as: UTF8.self)
    let text = String(repeating: "Ünïcode line\r\n", count: 5_000)
    let encoded = Data(text.utf8).base64EncodedString(options: .lineLength76Characters)
    let html = try render(
      text: sample.replacingOccurrences(
        of: "<text encoding=\"base64\">U3RvcA0KcGxlYXNl</text>", with: "<text encoding=\"base64\">\(encoded)</text>"))
    #expect(html.contains(String(repeating: "Ünïcode line\u{240D}\n", count: 5_000)))
  }

  @Test func confidentialSectionsOnlyWhenTheBundleHasThem() throws {
    let platform = try render("sample-platform.xml")
    #expect(!platform.contains("CONFIDENTIAL"))
    #expect(!platform.contains("Patient"))
    #expect(!platform.contains("id=\"notes\""))
    #expect(!platform.contains("Sent by"))

    let indemnifier = try render("sample-indemnifier.xml")
    #expect(indemnifier.contains("<h2>Private notes (CONFIDENTIAL)</h2>"))
    #expect(indemnifier.contains("Private: spoke to practice manager."))
    #expect(indemnifier.contains("Patient (CONFIDENTIAL)"))
    #expect(indemnifier.contains("CONFIDENTIAL: not marked"))
    #expect(indemnifier.contains("<p class=\"banner confidential\">CONFIDENTIAL"))
  }

  @Test func theOutputIsDeterministic() throws {
    for name in ["sample-indemnifier.xml", "sample-platform.xml"] {
      let data = try Self.fixture(name)
      let first = try BundleReport.render(data, location: here)
      let second = try BundleReport.render(data, location: here)
      #expect(first == second, "\(name)")
    }
  }

  /// xsltproc, which a recipient may use on the package, accepts the stylesheet and writes the
  /// same bytes.
  @Test func xsltprocRendersTheSameBytes() throws {
    for name in ["sample-indemnifier.xml", "sample-platform.xml"] {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/xsltproc")
      process.arguments = [
        "--nonet", "--nowrite", "--nomkdir",
        Self.repository.appendingPathComponent("schemas/casefile-report-1.xsl").path,
        Self.fixtures.appendingPathComponent(name).path,
      ]
      let output = Pipe()
      let errors = Pipe()
      process.standardOutput = output
      process.standardError = errors
      try process.run()
      let html = output.fileHandleForReading.readDataToEndOfFile()
      let complaints = errors.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      #expect(process.terminationStatus == 0, "\(name)")
      #expect(complaints.isEmpty, "\(String(decoding: complaints, as: UTF8.self))")
      #expect(html == (try BundleReport.render(Self.fixture(name), location: here)), "\(name)")
    }
  }

  /// Bundles as casefile's own export writes them render too: the indemnifier profile with its
  /// confidential parts, the platform profile without.
  @Test func exportedBundlesRender() throws {
    let c = try BundleCase()
    let folder = try TempFolder()
    let indemnifier = folder.url("indemnifier.zip")
    _ = try c.t.store.exportBundle(ExportRequest(caseRef: c.ref, profile: .indemnifier), to: indemnifier)
    let full = String(
      decoding: try BundleReport.render(BundleVerifier.verify(indemnifier, pin: .none).tree.serialized(), location: here),
      as: UTF8.self)
    #expect(full.contains("Threats on X &amp; by text"))
    #expect(full.contains("I know where you work. &lt;script&gt;alert(1)&lt;/script&gt;\u{240D}\nSee you soon."))
    #expect(full.contains("CONFIDENTIAL: marked as a patient's account"))
    #expect(full.contains("Private: the account may belong to someone I treated."))
    #expect(full.contains(c.key.publicKey.fingerprint))
    let images = try page(full).nodes("//img").compactMap { $0.attribute("src") }
    #expect(images.count == 1 && images.allSatisfy { $0.hasPrefix("attachments/") })

    let platform = folder.url("platform.zip")
    _ = try c.t.store.exportBundle(
      ExportRequest(caseRef: c.ref, profile: .platform, platform: .x, redactions: ["(?i)my patient"]), to: platform)
    let shared = String(
      decoding: try BundleReport.render(BundleVerifier.verify(platform, pin: .none).tree.serialized(), location: here),
      as: UTF8.self)
    #expect(shared.contains("X-REPORT-0001"))
    for secret in ["CONFIDENTIAL", "Private:", "Dr A Example", "Example Defence", "Patient"] {
      #expect(!shared.contains(secret), "\(secret)")
    }
  }

  @Test func aDocumentThatIsNotABundleIsRefused() throws {
    let error = #expect(throws: CasefileError.self) {
      try render(text: "<bundle xmlns='urn:casefile:bundle:2' version='1' profile='platform'/>")
    }
    #expect(error?.code == .badValue)
    let dtd = #expect(throws: CasefileError.self) {
      try render(text: "<!DOCTYPE bundle [<!ENTITY x SYSTEM 'file:///etc/hostname'>]><bundle xmlns='urn:casefile:bundle:1'>&x;</bundle>")
    }
    #expect(dtd?.code == .xmlDTD)
  }

  // The stylesheet's own powers, checked with hostile stylesheets through the same transform.

  func stylesheet(_ body: String, version: String = "1.0") -> Data {
    Data(
      """
      <xsl:stylesheet version="\(version)" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
      <xsl:output method="text"/>
      \(body)
      </xsl:stylesheet>
      """.utf8)
  }

  /// A canary file with a secret in it, removed after the test.
  func withCanary(_ body: (URL, String) throws -> Void) throws {
    let canary = FileManager.default.temporaryDirectory.appendingPathComponent("CANARY-\(UUID().uuidString).xml")
    let secret = "canary-\(UUID().uuidString)"
    try Data("<secret>\(secret)</secret>".utf8).write(to: canary)
    defer { try? FileManager.default.removeItem(at: canary) }
    try body(canary, secret)
  }

  @Test func theStylesheetCannotReadFiles() throws {
    let input = Data("<r/>".utf8)
    // Nothing reads it: the run fails and the text never appears.
    let hostname = try? String(contentsOfFile: "/etc/hostname", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    let error = #expect(throws: CasefileError.self) {
      try BundleReport.transform(
        input, stylesheet: stylesheet("<xsl:template match='/'>[<xsl:value-of select=\"document('file:///etc/hostname')\"/>]</xsl:template>"),
        location: here)
    }
    #expect(error?.code == .reportFailed)
    #expect(error?.message.contains("denied") == true || error?.message.contains("refused") == true, "\(String(describing: error))")
    if let hostname, !hostname.isEmpty { #expect(error?.description.contains("[\(hostname)]") == false) }

    try withCanary { canary, secret in
      for uri in [canary.path, canary.absoluteString, "", "#x"] {
        var output: Data?
        let error = #expect(throws: CasefileError.self) {
          output = try BundleReport.transform(
            input, stylesheet: stylesheet("<xsl:template match='/'><xsl:copy-of select=\"document('\(uri)')\"/></xsl:template>"),
            location: here)
        }
        #expect(output == nil)
        #expect(error?.code == .reportFailed, "\(uri)")
        #expect(error?.description.contains(secret) == false)
      }
    }
  }

  @Test func theStylesheetCannotIncludeFiles() throws {
    try withCanary { canary, secret in
      for element in ["include", "import"] {
        let error = #expect(throws: CasefileError.self) {
          try BundleReport.transform(
            Data("<r/>".utf8), stylesheet: stylesheet("<xsl:\(element) href='\(canary.absoluteString)'/>"), location: here)
        }
        #expect(error?.code == .reportFailed)
        #expect(error?.description.contains(secret) == false)
      }
    }
  }

  @Test func theStylesheetCannotWriteFilesOrMakeDirectories() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("REPORT-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let target = folder.appendingPathComponent("written.txt")
    let error = #expect(throws: CasefileError.self) {
      try BundleReport.transform(
        Data("<r/>".utf8),
        stylesheet: stylesheet(
          "<xsl:template match='/'><xsl:document href='\(target.path)' method='text'>written</xsl:document>ok</xsl:template>",
          version: "1.1"),
        location: here)
    }
    #expect(error?.code == .reportFailed)
    #expect(!FileManager.default.fileExists(atPath: folder.path))
  }

  @Test func stylesheetErrorsAreCollectedNotPrinted() throws {
    let broken = #expect(throws: CasefileError.self) {
      try BundleReport.transform(
        Data("<r/>".utf8), stylesheet: stylesheet("<xsl:template match='/'><xsl:value-of select='1 +'/></xsl:template>"),
        location: here)
    }
    #expect(broken?.code == .reportFailed)
    #expect(broken?.message.hasPrefix("the stylesheet did not compile") == true)
    let failing = #expect(throws: CasefileError.self) {
      try BundleReport.transform(
        Data("<r/>".utf8), stylesheet: stylesheet("<xsl:template match='/'><xsl:message terminate='yes'>stop</xsl:message></xsl:template>"),
        location: here)
    }
    #expect(failing?.message == "the stylesheet failed: stop")
  }
}
