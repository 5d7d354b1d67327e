import CasefileKit
import Foundation
import Testing

/// The same small export, in every form casefile reads.
private let sample: [FixtureEntry] = [
  FixtureEntry(name: "messages/", kind: .directory),
  .file("messages/inbox/zoë_1/message_1.json", #"{"messages":[{"content":"hello"}]}"#, deflate: true),
  .file("messages/inbox/zoë_1/photo.png", Data([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3])),
  .file("profile.xml", "<profile><name>Dr A</name></profile>", deflate: true),
]

private let expected: [(String, Data)] = [
  ("messages/inbox/zoë_1/message_1.json", Data(#"{"messages":[{"content":"hello"}]}"#.utf8)),
  ("messages/inbox/zoë_1/photo.png", Data([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3])),
  ("profile.xml", Data("<profile><name>Dr A</name></profile>".utf8)),
]

@Suite struct ArchiveReadingTests {
  @Test(arguments: [FixtureFormat.zip, .tar, .tarGzip])
  func archivesReadThroughOneInterface(format: FixtureFormat) throws {
    let t = try TempFolder()
    // The name says nothing: the kind comes from the content.
    let url = t.url("export.bin")
    try writeArchive(url, format, sample)
    let source = try ExportSource(url: url)
    #expect(source.kind == [FixtureFormat.zip: ExportSource.Kind.zip, .tar: .tar, .tarGzip: .tarGzip][format])
    let read = try readEverything(source)
    #expect(read.map(\.path) == expected.map(\.0))
    #expect(read.map(\.data) == expected.map(\.1))
    #expect(read.map(\.ordinal) == [0, 1, 2])
    #expect(try source.list().map(\.path) == expected.map(\.0))
    #expect(try source.list().map(\.declaredSize) == expected.map { Int64($0.1.count) })
  }

  @Test func folderReadsLikeAnArchive() throws {
    let t = try TempFolder()
    let folder = t.url("export")
    for (path, data) in expected.reversed() {
      let url = folder.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try data.write(to: url)
    }
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("empty-dir"), withIntermediateDirectories: true)
    let source = try ExportSource(url: folder)
    #expect(source.kind == .folder)
    #expect(try source.sha256 == nil)
    let read = try readEverything(source)
    #expect(read.map(\.path) == expected.map(\.0))
    #expect(read.map(\.data) == expected.map(\.1))
    #expect(read.map(\.ordinal) == [0, 1, 2])
  }

  @Test func singleFileIsOneEntry() throws {
    let t = try TempFolder()
    let url = t.url("export.xml")
    try Data("<r/>".utf8).write(to: url)
    let source = try ExportSource(url: url)
    #expect(source.kind == .file)
    let read = try readEverything(source)
    #expect(read.map(\.path) == ["export.xml"])
    #expect(read.map(\.data) == [Data("<r/>".utf8)])
    #expect(try source.sha256 == sha256sum(url))
  }

  @Test func archiveDigestMatchesSha256sum() throws {
    let t = try TempFolder()
    let url = t.url("export.zip")
    try writeArchive(url, .zip, sample)
    let source = try ExportSource(url: url)
    #expect(try source.sha256 == sha256sum(url))
    #expect(try source.sha256?.count == 64)
  }

  @Test func duplicateNamesAreBothVisited() throws {
    let t = try TempFolder()
    let url = t.url("dup.zip")
    try writeArchive(url, .zip, [.file("inbox/message_1.json", "first"), .file("inbox/message_1.json", "second", deflate: true)])
    let read = try readEverything(try ExportSource(url: url))
    #expect(read.map(\.path) == ["inbox/message_1.json", "inbox/message_1.json"])
    #expect(read.map(\.ordinal) == [0, 1])
    #expect(read.map { String(decoding: $0.data, as: UTF8.self) } == ["first", "second"])
  }

  @Test func nestedZipIsAnOrdinaryEntry() throws {
    let t = try TempFolder()
    let inner = t.url("inner.zip")
    try writeArchive(inner, .zip, [.file("secret.txt", "inside")])
    let innerBytes = try Data(contentsOf: inner)
    let outer = t.url("outer.zip")
    try writeArchive(outer, .zip, [.file("attachments/inner.zip", innerBytes, deflate: true)])
    let read = try readEverything(try ExportSource(url: outer))
    #expect(read.map(\.path) == ["attachments/inner.zip"])
    #expect(read.first?.data == innerBytes)
  }

  @Test func stopEndsTheWalkAndStreamsReadInChunks() throws {
    let t = try TempFolder()
    let url = t.url("a.tar")
    try writeArchive(url, .tar, [.file("a", String(repeating: "x", count: 1000)), .file("b", "b")])
    var seen: [String] = []
    var sizes: [Int] = []
    try ExportSource(url: url).walk { entry, stream in
      seen.append(entry.path)
      while let chunk = try stream.read(max: 300) { sizes.append(chunk.count) }
      return .stop
    }
    #expect(seen == ["a"])
    #expect(sizes == [300, 300, 300, 100])
  }

  @Test func unreadEntriesAreStillChecked() throws {
    // The visitor reads nothing; the walk still reads each entry and still hits the cap.
    let t = try TempFolder()
    let url = t.url("big.zip")
    try writeArchive(url, .zip, [.file("big.bin", Data(count: 300_000), deflate: true)])
    let limits = ArchiveLimits(maxEntryBytes: 100_000)
    let error = archiveError { _ = try ExportSource(url: url, limits: limits).walk { _, _ in .next } }
    #expect(error?.code == .archiveTooLarge)
  }

  @Test func theExportHashAgreesWithSwiftCrypto() throws {
    // The export's hash goes through OpenSSL (for speed), everything else through swift-crypto;
    // both must give the same digest, over many chunks.
    let t = try TempFolder()
    let url = t.url("export.bin")
    let data = Data((0..<3_000_001).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    try data.write(to: url)
    #expect(try ExportSource(url: url).sha256 == Digest.sha256Hex(data))
    try Data().write(to: t.url("empty.bin"))
    #expect(try ExportSource(url: t.url("empty.bin")).sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  @Test func plainFilesAreNotHeldToTheArchiveByteCaps() throws {
    // A phone's SMS backup can run past any cap fit for an archive entry; on disk it cannot expand.
    let t = try TempFolder()
    let url = t.url("sms-big.xml")
    try Data(count: 300_000).write(to: url)
    let limits = ArchiveLimits(maxEntryBytes: 100_000, maxTotalBytes: 100_000)
    var read = 0
    try ExportSource(url: url, limits: limits).walk { _, stream in
      while let chunk = try stream.read(max: 65_536) { read += chunk.count }
      return .next
    }
    #expect(read == 300_000)
    try FileManager.default.createDirectory(at: t.url("folder"), withIntermediateDirectories: true)
    try Data(count: 300_000).write(to: t.url("folder/a.bin"))
    try ExportSource(url: t.url("folder"), limits: limits).walk { _, _ in .next }
  }

  @Test func aStreamCannotOutliveItsVisit() throws {
    let t = try TempFolder()
    let url = t.url("a.tar")
    try writeArchive(url, .tar, [.file("a", "one"), .file("b", "two")])
    var kept: EntryStream?
    try ExportSource(url: url).walk { _, stream in
      if kept == nil { kept = stream }
      return .next
    }
    let error = archiveError { _ = try kept?.read(max: 10) }
    #expect(error?.code == .internalError)
  }
}

/// What `sha256sum` prints for `url`.
func sha256sum(_ url: URL) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
  process.arguments = [url.path]
  let pipe = Pipe()
  process.standardOutput = pipe
  try process.run()
  let out = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return String(String(decoding: out, as: UTF8.self).prefix(64))
}
