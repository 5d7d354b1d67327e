import CasefileKit
import Foundation
import GRDB
import Testing

/// Media that message pages name as other files of the export: read from the archive into the
/// blob store, or recorded as missing.
@Suite struct MediaImportTests {
  /// The fixture files under `folder`, as archive entries under `prefix`.
  func entries(_ folder: String, prefix: String) throws -> [FixtureEntry] {
    let root = FormatFixtures.root.appendingPathComponent(folder)
    let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])!
      .compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    return try files.map { url in
      let relative = String(url.path.dropFirst(root.path.count + 1))
      return FixtureEntry.file(prefix + relative, try Data(contentsOf: url), deflate: true)
    }
  }

  func importAll(_ store: CaseStore, _ caseRef: String, _ url: URL, filter: ImportFilter = ImportFilter()) throws -> ImportSummary {
    try FormatFixtures.importExport(store, caseRef, url, filter: filter)
  }

  func count(_ t: TestStore, _ table: String) throws -> Int? {
    try DatabaseQueue(path: t.store.location.databaseURL.path).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") }
  }

  @Test func photosAreReadFromTheArchiveAndMissingOnesRecorded() throws {
    let folder = try TempFolder()
    let zip = folder.url("facebook-jo-2026.zip")
    // Packed under a top folder, as a re-zipped download often is: references still resolve.
    try writeArchive(zip, .zip, try entries("facebook-html/2019", prefix: "facebook-jo/") + entries("facebook-html/2025", prefix: "facebook-jo/"))
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Messenger", category: .threat, severity: .high).ref
    let summary = try importAll(t.store, ref, zip)
    #expect(summary.new == 7)
    #expect(summary.mediaStored == 1)
    #expect(summary.mediaMissing == 1)  // the 2025 video the download left out
    let detail = try t.store.caseDetail(ref)
    let withPhoto = try #require(detail.evidence.first { !$0.attachments.isEmpty })
    #expect(withPhoto.text == "Look at this")
    let attachment = withPhoto.attachments[0]
    #expect(attachment.fileName == "1234567890_10158.jpg")
    #expect(attachment.mediaType == "image/png")  // the bytes say PNG, whatever the name says
    let photo = try FormatFixtures.data("facebook-html/2019/messages/inbox/jobloggs_a1b2c3d4e5/photos/1234567890_10158.jpg")
    #expect(try t.store.blobs.read(attachment.sha256) == photo)
    let missing = try DatabaseQueue(path: t.store.location.databaseURL.path).read { db in
      try String.fetchAll(db, sql: "SELECT reference FROM missing_media")
    }
    #expect(missing == ["your_facebook_activity/messages/message_requests/nightowl_f6g7h8/videos/999_111.mp4"])
    #expect(try t.store.fsck().ok)

    // Again: nothing new, no second blob, no second missing row.
    let again = try importAll(t.store, ref, zip)
    #expect(again.new == 0 && again.alreadyPresent == 7)
    #expect(try count(t, "attachments") == 1)
    #expect(try count(t, "missing_media") == 1)
  }

  @Test func anExactMatchFoundLaterReplacesASuffixMatchAndLeavesNoStrayBlob() throws {
    let folder = try TempFolder()
    let zip = folder.url("two-copies.zip")
    let page = try FormatFixtures.data(MetaHTMLFormatTests.older)
    let photo = try FormatFixtures.data("facebook-html/2019/messages/inbox/jobloggs_a1b2c3d4e5/photos/1234567890_10158.jpg")
    let path = "messages/inbox/jobloggs_a1b2c3d4e5/photos/1234567890_10158.jpg"
    try writeArchive(zip, .zip, [
      .file(MetaHTMLFormatTests.olderEntry, page), .file("old-copy/" + path, Data("an older, different file".utf8)),
      .file(path, photo),
    ])
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Messenger", category: .threat, severity: .high).ref
    let summary = try importAll(t.store, ref, zip, filter: ImportFilter(match: "Look at this"))
    #expect(summary.mediaStored == 1)
    let attachment = try #require(try t.store.caseDetail(ref).evidence.first?.attachments.first)
    #expect(try t.store.blobs.read(attachment.sha256) == photo)
    let blobFiles = FileManager.default.enumerator(atPath: t.store.blobs.root.path)!.compactMap { $0 as? String }
      .filter { $0.count > 60 && !$0.hasPrefix("tmp") }
    #expect(blobFiles.count == 1)
    #expect(try t.store.fsck().ok)
  }

  @Test func googleVoicePicturesWithoutExtensionsAndRecordings() throws {
    let folder = try TempFolder()
    let tgz = folder.url("takeout-20261121.tgz")
    try writeArchive(tgz, .tarGzip, try entries("google-voice", prefix: ""))
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Calls", category: .threat, severity: .high).ref
    let summary = try importAll(t.store, ref, tgz, filter: ImportFilter(from: ["+1 555 010 0123"]))
    #expect(summary.new == 4)  // two texts, the voicemail and the missed call; "Me" is skipped
    #expect(summary.skipped == 1)
    #expect(summary.mediaStored == 2)  // the picture (matched without its extension) and the recording
    #expect(summary.mediaMissing == 1)  // the second picture Takeout left out
    let detail = try t.store.caseDetail(ref)
    let types = Set(detail.evidence.flatMap(\.attachments).map(\.mediaType))
    #expect(types == ["image/png", "audio/mpeg"])
    #expect(try t.store.fsck().ok)
  }

  @Test func referencesThatLeaveTheExportAreNeverLookedUp() {
    for reference in ["../../../etc/passwd", "/etc/passwd", "https://example.net/x.jpg", "file:///etc/passwd"] {
      let media = ImportedMedia.entry(reference, relativeTo: "messages/inbox/x")
      guard case .entry(_, let candidates, _) = media.content else { continue }
      #expect(candidates.allSatisfy { !$0.contains("..") && !$0.hasPrefix("/") && !$0.contains("://") }, "\(reference)")
      #expect(reference.hasPrefix("../"), "\(reference) should have been recorded as missing")
    }
    #expect(ImportedMedia.entry("/etc/passwd", relativeTo: "a").content == .missing(reference: "/etc/passwd"))
    #expect(ImportedMedia.entry("https://example.net/x.jpg", relativeTo: "a").content == .missing(reference: "https://example.net/x.jpg"))
    // Climbing inside the export is fine; climbing out of it is not.
    #expect(
      ImportedMedia.entry("../../photos/a%20b.jpg", relativeTo: "messages/inbox/x").content
        == .entry(reference: "../../photos/a%20b.jpg", candidates: ["messages/photos/a b.jpg"], anyExtension: false))
  }
}

/// threats.md: an HTML page libxml2 reads lossily is flagged, and the raw file is kept.
@Suite struct LossyPageTests {
  @Test func htmlParserErrorsReachTheCollectorAndHTML5TagsAreNotLosses() throws {
    let here = CasefileError.Location(file: "page.html")
    let unknown = try XMLTree.parseHTML(Data("<html><body><zz>x</zz></body></html>".utf8), location: here)
    #expect(unknown.lossy)
    #expect(unknown.lossyReasons.first?.contains("Tag zz invalid") == true)
    let modern = try XMLTree.parseHTML(
      Data("<html><body><main role=\"main\"><section><h2>A</h2><footer>1</footer></section></main></body></html>".utf8), location: here)
    #expect(!modern.lossy)
    #expect(!modern.issues.isEmpty)  // still recorded, as libxml2 said them
  }

  @Test func aLossyPageIsKeptWholeBesideItsWarning() throws {
    let folder = try TempFolder()
    let chat = folder.url("ChatExport_2026-11-22")
    try FileManager.default.createDirectory(at: chat, withIntermediateDirectories: true)
    let page = Data("""
      <html><body><div class="history">
      <div class="message default" id="message5"><div class="body">
      <div class="date details" title="22.11.2026 09:00:00 UTC+00:00">09:00</div>
      <div class="from_name">Anon</div><div class="text">you again <blink>here</blink></div>
      </div></div></div></body></html>
      """.utf8)
    try page.write(to: chat.appendingPathComponent("messages.html"))
    let t = try TestStore()
    let ref = try t.store.openCase(title: "Telegram", category: .harassment, severity: .medium).ref
    let summary = try FormatFixtures.importExport(t.store, ref, chat, zone: "UTC")
    #expect(summary.new == 1)
    #expect(summary.warnings.count == 1)
    #expect(summary.warnings.first?.raw == nil)  // the summary carries the message only
    let json = String(decoding: try JSONEncoder().encode(summary.warnings), as: UTF8.self)
    #expect(!json.contains("raw") && json.contains("lossy HTML parse"))
    let kept = try DatabaseQueue(path: t.store.location.databaseURL.path).read { db in
      try Row.fetchOne(db, sql: "SELECT entry_path, raw_sha256 FROM import_warnings")
    }
    let sha: String = try #require(kept?["raw_sha256"])
    #expect(kept?["entry_path"] == "messages.html")
    #expect(try t.store.blobs.read(sha) == page)
    #expect(try t.store.fsck().ok)
  }
}
