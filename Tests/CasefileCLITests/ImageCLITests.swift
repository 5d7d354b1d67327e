import CasefileKit
import Foundation
import Testing

/// Image attachments through the built binary: a platform export stops on a file it cannot clean,
/// by item and file name, and otherwise carries the image without its metadata.
@Suite struct ImageCLITests {
  @Test func aPDFStopsThePlatformExportByNameAndAPhotoLeavesWithoutItsMetadata() throws {
    let cli = CLI(in: try TempDir())
    let dir = cli.dir.url
    let photo = dir.appendingPathComponent("IMG_2041.jpg")
    for (tool, arguments) in [
      ("/usr/bin/convert", ["-size", "32x24", "gradient:red-blue", photo.path]),
      ("/usr/bin/exiftool", ["-q", "-overwrite_original", "-Artist=CanaryCliArtist", "-Comment=cli.canary@example.org", photo.path]),
    ] {
      let process = try Process.run(URL(fileURLWithPath: tool), arguments: arguments)
      process.waitUntilExit()
      try #require(process.terminationStatus == 0)
    }
    let pdf = dir.appendingPathComponent("statement.pdf")
    try Data("%PDF-1.4\n%%EOF\n".utf8).write(to: pdf)
    try cli.ok(["init"])
    let fingerprint = (try cli.json(["keys", "init", "--json"]) as! [String: Any])["fingerprint"] as! String
    let ref = (try cli.json(["case", "open", "Threats", "--category", "threat"]) as! [String: Any])["ref"] as! String
    for file in [photo, pdf] {
      try cli.ok(["log", "--case", ref, "--platform", "x", "--kind", "dm", "--author", "@angry_example", "--at", "2026-11-20 10:00", "--attach", file.path])
    }
    let out = dir.appendingPathComponent("x.zip").path
    let stopped = try cli.run(["export", "--case", ref, "--for", "platform", "--out", out])
    #expect(stopped.status == 65)
    let finding = "E-2's attachment statement.pdf is a PDF, which casefile cannot clean of metadata; exclude the item with --exclude-item E-2"
    #expect(stopped.stderr.contains(finding), "\(stopped.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
    try cli.ok(["export", "--case", ref, "--for", "platform", "--out", out, "--exclude-item", "E-2"])
    try cli.ok(["verify", out, "--fingerprint", fingerprint])
    let package = try Data(contentsOf: URL(fileURLWithPath: out))
    for canary in ["CanaryCliArtist", "cli.canary@example.org"] {
      #expect(package.range(of: Data(canary.utf8)) == nil)
    }
  }
}
