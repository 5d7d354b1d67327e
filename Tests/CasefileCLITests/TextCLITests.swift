import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What reaches the terminal, and texts with a NUL, through the built binary.
@Suite struct TextCLITests {
  static let clear = "\u{1B}[2J"
  static let title = "\u{1B}]0;pwned\u{07}"
  static let conceal = "\u{1B}[8m"

  func seeded(title: String = "Texts") throws -> (CLI, String) {
    let cli = CLI(in: try TempDir())
    try cli.ok(["init"])
    let ref = (try cli.json(["case", "open", title, "--category", "threat"]) as! [String: Any])["ref"] as! String
    return (cli, ref)
  }

  /// No raw control character but the layout's line feeds; the sequences shown as pictures.
  func expectEscaped(_ output: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!output.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }, "\(output.debugDescription)", sourceLocation: sourceLocation)
    #expect(!output.unicodeScalars.contains { $0.value == 0x7F || (0x80...0x9F).contains($0.value) }, sourceLocation: sourceLocation)
  }

  @Test func controlSequencesInANameATitleAndATextAreShownNotObeyed() throws {
    let (cli, ref) = try seeded(title: "Subject \(Self.clear) here")
    try cli.ok(
      ["log", "--case", ref, "--platform", "x", "--kind", "dm", "--author", "@esc\(Self.clear)handle", "--author-name", "Name \(Self.title)",
       "--at", "2026-11-20 21:30Z"],
      stdin: "hide \(Self.conceal)this\u{9B}2J and \u{202E}reversed")
    for command in [["case", "show", ref], ["actor", "list"], ["case", "list"]] {
      let output = try cli.ok(command)
      expectEscaped(output)
      #expect(output.contains("\u{241B}[2J"), "\(command)")
    }
    let show = try cli.ok(["case", "show", ref])
    #expect(show.contains("Name \u{241B}]0;pwned\u{2407}"))
    #expect(show.contains("hide \u{241B}[8mthis<U+009B>2J and <U+202E>reversed"))
    // --json stays exact JSON: the escapes are JSON's own, and decode to the stored text.
    let json = try cli.json(["case", "show", ref]) as! [String: Any]
    let items = json["evidence"] as! [[String: Any]]
    #expect(items.first?["text"] as? String == "hide \(Self.conceal)this\u{9B}2J and \u{202E}reversed")
    #expect((json["case"] as? [String: Any])?["title"] as? String == "Subject \(Self.clear) here")
  }

  @Test func scanShowsAMailSubjectAndSenderEscaped() throws {
    let (cli, _) = try seeded()
    let mail = cli.dir.url.appendingPathComponent("threat.eml")
    try Data([
      "Message-ID: <esc.1@mail.example.org>", "Date: Fri, 20 Nov 2026 21:30:05 +0000",
      "From: Jo \(Self.clear)Sample <jo.sample@example.org>", "To: Dr Example <dr.example@example.org>",
      "Subject: Hello \(Self.title) there", "Content-Type: text/plain; charset=utf-8", "", "Body \(Self.conceal) text", "",
    ].joined(separator: "\r\n").utf8).write(to: mail)
    let output = try cli.ok(["scan", mail.path, "--all"])
    expectEscaped(output)
    #expect(output.contains("\u{241B}"))
    let chat = cli.dir.url.appendingPathComponent("WhatsApp Chat with Jo.txt")
    try Data("20/11/2026, 9:29 PM - Jo \(Self.clear)Example: You will regret this\n".utf8).write(to: chat)
    let whatsapp = try cli.ok(["scan", chat.path])
    expectEscaped(whatsapp)
    #expect(whatsapp.contains("Jo \u{241B}[2JExample"))
  }

  @Test func errorsThatQuoteWhatWasTypedAreEscaped() throws {
    let (cli, _) = try seeded()
    let notFound = try cli.run(["case", "show", "C-2026-9\(Self.clear)"])
    #expect(notFound.status != 0)
    expectEscaped(notFound.stderr)
    #expect(notFound.stderr.contains("\u{241B}[2J"))
    let missing = try cli.run(["scan", cli.dir.url.appendingPathComponent("gone\(Self.title).zip").path])
    #expect(missing.status != 0)
    expectEscaped(missing.stderr)
    let unknownOption = try cli.run(["case", "list", "--\(Self.clear)"])
    #expect(unknownOption.status == 64)
    expectEscaped(unknownOption.stderr)
    #expect(unknownOption.stderr.contains("\u{241B}"))
    // A line break in what was typed cannot start a line that passes for one of casefile's own.
    let forged = try cli.run(["case", "show", "C-2026-9\ncasefile: all checks passed"])
    #expect(forged.status != 0)
    let lines = forged.stderr.split(separator: "\n")
    #expect(lines.count >= 2 && lines.dropFirst().allSatisfy { $0.hasPrefix("  ") }, "\(forged.stderr)")
  }

  /// The threat whole: stored from stdin, shown with the NUL visible, exported, verified and
  /// received whole.
  @Test func aTextWithANULGoesWholeFromLogToReceive() throws {
    let (cli, ref) = try seeded()
    let threat = "See you soon\u{0} I know where you live and I will burn your car"
    try cli.ok(["log", "--case", ref, "--platform", "sms", "--kind", "sms", "--author", "+447700900123", "--at", "2026-11-20 21:30Z"], stdin: threat)
    #expect(try cli.ok(["case", "show", ref]).contains("See you soon\u{2400} I know where you live and I will burn your car"))
    let items = (try cli.json(["case", "show", ref]) as! [String: Any])["evidence"] as! [[String: Any]]
    #expect(items.first?["text"] as? String == threat)
    #expect(try cli.ok(["fsck"]).contains("OK"))
    try cli.ok(["keys", "init"])
    let fingerprint = (try cli.ok(["keys", "show"])).split(separator: "\n").first!.replacingOccurrences(of: "Fingerprint: ", with: "")
    let package = cli.dir.url.appendingPathComponent("police.zip").path
    try cli.ok(["export", "--case", ref, "--for", "police", "--out", package])
    try cli.ok(["verify", package, "--fingerprint", fingerprint])
    let other = CLI(in: try TempDir())
    try other.ok(["init"])
    let received = try other.json(["receive", package, "--fingerprint", fingerprint]) as! [String: Any]
    let there = (try other.json(["case", "show", received["case_ref"] as! String]) as! [String: Any])["evidence"] as! [[String: Any]]
    #expect(there.first?["text"] as? String == threat)
  }

  @Test(arguments: ["C-2026--1", "C-2026-+1", "C-2026-1x", "2026--1", "C--2026-1"]) func aMalformedCaseReferenceIsRefused(_ text: String) throws {
    let (cli, _) = try seeded()
    let result = try cli.run(["case", "show", text])
    #expect(result.status == 65)
    #expect(result.stderr.contains("is not a case reference like C-2026-0001"))
  }

  @Test func anEmptyStoreIsRefused() throws {
    let cli = CLI(in: try TempDir())
    let option = try cli.run(["case", "list", "--store", ""])
    #expect(option.status == 64)
    #expect(option.stderr.contains("--store is empty"))
    var empty = cli
    empty.environment["CASEFILE_STORE"] = ""
    let variable = try empty.run(["init"])
    #expect(variable.status == 64)
    #expect(variable.stderr.contains("CASEFILE_STORE is set but empty"))
  }

  @Test func initOnAFolderOthersMayWriteMakesItPrivate() throws {
    let dir = try TempDir()
    let store = dir.url.appendingPathComponent("shared")
    try FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
    chmod(store.path, 0o777)
    let cli = CLI(in: dir, store: store)
    let result = try cli.run(["init"])
    #expect(result.status == 0)
    #expect(result.stderr.contains("made private"))
    #expect((try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int) == 0o700)
  }

  @Test func logRefusesADateBefore1970() throws {
    let (cli, ref) = try seeded()
    let result = try cli.run(["log", "--case", ref, "--platform", "x", "--kind", "dm", "--at", "1500-06-01 12:00Z", "--text", "old"])
    #expect(result.status == 65)
    #expect(result.stderr.contains("before 1970"))
  }

  @Test func anAttachmentNamedInLatin1IsRefusedSayingWhy() throws {
    let (cli, ref) = try seeded()
    let dir = cli.dir.url.path
    let env = cli.environment.map { "\($0.key)='\($0.value.replacingOccurrences(of: "'", with: "'\\''"))'" }.joined(separator: " ")
    let result = try shell(
      "cd '\(dir)' && printf x > \"$(printf 'caf\\351.png')\" && env \(env) '\(CLI.binary.path)' log --case \(ref) --platform x --kind dm "
        + "--at '2026-11-20 21:30Z' --text hi --attach \"$(printf 'caf\\351.png')\"")
    #expect(result.status == 65, "\(result.output)")
    #expect(result.output.contains("not UTF-8"))
  }
}
