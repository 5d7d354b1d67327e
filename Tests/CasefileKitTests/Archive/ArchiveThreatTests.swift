import CasefileKit
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The Archives table of threats.md, each with a hostile input built here.
@Suite struct ArchiveThreatTests {
  // MARK: Path escape

  @Test(arguments: ["../x", "/abs", "a/../../x", #"C:\x"#, "C:/x", #"dir\evil.txt"#, "ok/\u{1}name"])
  func unsafeNamesAreRefusedInZipAndTar(name: String) throws {
    let t = try TempFolder()
    // What is next to the temporary folder before: an escape would write "x" there.
    let above = t.root.deletingLastPathComponent().appendingPathComponent("x")
    let before = try? Data(contentsOf: above)
    for format in [FixtureFormat.zip, .tar] {
      let url = t.url("escape-\(format).bin")
      try writeArchive(url, format, [.file("fine.txt", "ok"), .file(name, "escaped")])
      let error = walkError(url)
      #expect(error?.code == .archiveUnsafePath, "\(format) \(name)")
      #expect(error?.location?.file == url.path)
      #expect(error?.location?.entry != nil)
      #expect(error?.exitCode == 65)
    }
    // Nothing was written next to the archive or above it.
    #expect((try? Data(contentsOf: above)) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: t.root.path).count == 2)
  }

  @Test func aNulInAZipNameIsRefused() throws {
    let t = try TempFolder()
    let url = t.url("nul.zip")
    try writeArchive(url, .zip, [.file("a.txt", "a"), .file("evil.txt.jpg", "x")])
    var patch = try ZipPatcher(url)
    patch.setNameByte(1, offset: 8, to: 0)  // "evil.txt\0jpg": libarchive alone would show "evil.txt"
    try patch.write(url)
    let error = walkError(url)
    #expect(error?.code == .archiveUnsafePath)
    #expect(error?.location?.entry == #"evil.txt\0jpg"#)
  }

  @Test func aNulInTheLocalHeaderOnlyIsRefused() throws {
    let t = try TempFolder()
    let url = t.url("nul-local.zip")
    try writeArchive(url, .zip, [.file("evil.txt.jpg", "x")])
    var patch = try ZipPatcher(url)
    patch.setLocalNameByte(0, offset: 8, to: 0)
    try patch.write(url)
    #expect(walkError(url)?.code == .archiveUnsafePath)
  }

  @Test func localAndCentralNamesMustAgree() throws {
    let t = try TempFolder()
    let url = t.url("two-names.zip")
    try writeArchive(url, .zip, [.file("a.txt", "a")])
    var patch = try ZipPatcher(url)
    patch.setLocalNameByte(0, offset: 0, to: UInt8(ascii: "b"))
    try patch.write(url)
    let error = walkError(url)
    #expect(error?.code == .archiveCorrupt)
    #expect(error?.location?.entry == "a.txt")
  }

  // MARK: Links and special files

  @Test func linksAndSpecialFilesAreRefusedAndNothingIsCreated() throws {
    let t = try TempFolder()
    let cases: [(FixtureFormat, FixtureEntry, CasefileError.Code)] = [
      (.tar, FixtureEntry(name: "hosts", kind: .symlink("/etc/hosts")), .archiveLink),
      (.zip, FixtureEntry(name: "hosts", kind: .symlink("/etc/hosts")), .archiveLink),
      (.tar, FixtureEntry(name: "again.txt", kind: .hardlink("a.txt")), .archiveLink),
      (.tar, FixtureEntry(name: "pipe", kind: .fifo), .archiveSpecialFile),
      (.tarGzip, FixtureEntry(name: "tty", kind: .characterDevice), .archiveSpecialFile),
    ]
    for (index, (format, entry, code)) in cases.enumerated() {
      let url = t.url("links-\(index).bin")
      try writeArchive(url, format, [.file("a.txt", "a"), entry])
      let error = walkError(url)
      #expect(error?.code == code, "\(format) \(entry.name)")
      #expect(error?.location?.entry == entry.name)
      #expect(error?.location?.file == url.path)
    }
    // Only the archives themselves exist: no link, FIFO or device was made anywhere near.
    let names = try FileManager.default.contentsOfDirectory(atPath: t.root.path)
    #expect(names.allSatisfy { $0.hasPrefix("links-") })
    #expect(!FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/hosts"))
  }

  @Test func aSymlinkInsideAFolderIsRefused() throws {
    let t = try TempFolder()
    let folder = t.url("export")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("inbox"), withIntermediateDirectories: true)
    try Data("a".utf8).write(to: folder.appendingPathComponent("inbox/a.json"))
    try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("inbox/hosts").path, withDestinationPath: "/etc/hosts")
    let error = walkError(folder)
    #expect(error?.code == .archiveLink)
    #expect(error?.location?.entry == "inbox/hosts")
  }

  @Test func aFifoInsideAFolderIsRefusedWithoutOpeningIt() throws {
    let t = try TempFolder()
    let folder = t.url("export")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    #expect(mkfifo(folder.appendingPathComponent("pipe").path, 0o600) == 0)
    let error = walkError(folder)  // opening the FIFO would block forever
    #expect(error?.code == .archiveSpecialFile)
    #expect(error?.location?.entry == "pipe")
  }

  // MARK: Encryption

  @Test func anEncryptedMiddleEntryIsNamed() throws {
    let t = try TempFolder()
    let url = t.url("enc.zip")
    try writeArchive(url, .zip, [.file("first.txt", "1"), .file("middle.txt", "2"), .file("last.txt", "3")])
    var patch = try ZipPatcher(url)
    patch.markEncrypted(1)
    try patch.write(url)
    var visited: [String] = []
    let error = archiveError {
      try ExportSource(url: url).walk { entry, stream in
        visited.append(entry.path)
        _ = try stream.readAll(limit: 100)
        return .next
      }
    }
    #expect(error?.code == .archiveEncrypted)
    #expect(error?.location?.entry == "middle.txt")
    #expect(visited == ["first.txt"])
    // A listing fails the same way: never a silent stop.
    #expect(archiveError { _ = try ExportSource(url: url).list() }?.code == .archiveEncrypted)
  }

  // MARK: Truncation and garbage

  @Test func aZipCutInsideItsDeflateStreamFailsFast() throws {
    let t = try TempFolder()
    let url = t.url("cut.zip")
    var noise = SystemRandomNumberGenerator()
    let data = Data((0..<200_000).map { _ in UInt8.random(in: 0...15, using: &noise) })
    try writeArchive(url, .zip, [.file("big.json", data, deflate: true)])
    let bytes = try Data(contentsOf: url)
    try bytes.prefix(bytes.count / 2).write(to: url)
    var error: CasefileError?
    #expect(seconds { error = walkError(url) } < 2)
    #expect(error?.code == .archiveTruncated)
    #expect(error?.location?.file == url.path)
  }

  @Test func aTruncatedTarGzFailsFast() throws {
    let t = try TempFolder()
    let url = t.url("cut.tgz")
    var noise = SystemRandomNumberGenerator()
    let data = Data((0..<200_000).map { _ in UInt8.random(in: 0...15, using: &noise) })
    try writeArchive(url, .tarGzip, [.file("a.json", "{}"), .file("big.json", data)])
    let bytes = try Data(contentsOf: url)
    try bytes.prefix(bytes.count / 2).write(to: url)
    var error: CasefileError?
    #expect(seconds { error = walkError(url) } < 2)
    #expect(error?.code == .archiveTruncated)
    #expect(error?.location?.entry == "big.json")
  }

  @Test func emptyAndGarbageFilesNamedAsArchivesAreRefused() throws {
    let t = try TempFolder()
    let empty = t.url("empty.zip")
    try Data().write(to: empty)
    #expect(archiveError { _ = try ExportSource(url: empty) }?.code == .archiveTruncated)

    let notZip = t.url("text.zip")
    try Data("hello".utf8).write(to: notZip)
    #expect(archiveError { _ = try ExportSource(url: notZip) }?.code == .archiveCorrupt)

    let garbage = t.url("garbage.zip")
    var noise = SystemRandomNumberGenerator()
    try (Data([0x50, 0x4b, 3, 4]) + Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &noise) })).write(to: garbage)
    var error: CasefileError?
    #expect(seconds { error = walkError(garbage) } < 2)
    #expect(error?.code == .archiveTruncated)

    let gzipGarbage = t.url("garbage.bin")
    try (Data([0x1f, 0x8b]) + Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &noise) })).write(to: gzipGarbage)
    #expect([CasefileError.Code.archiveCorrupt, .archiveTruncated].contains(walkError(gzipGarbage)?.code))

    // An empty file with no archive name is an ordinary, empty single file.
    let plain = t.url("notes.txt")
    try Data().write(to: plain)
    #expect(try readEverything(try ExportSource(url: plain)).map(\.data) == [Data()])
  }

  // MARK: Bombs and lying sizes

  @Test func aLyingDeclaredSizeStopsAtTheFirstExtraByte() throws {
    let t = try TempFolder()
    let url = t.url("liar.zip")
    try writeArchive(url, .zip, [.file("small.json", Data(count: 50_000_000), deflate: true)])
    var patch = try ZipPatcher(url)
    patch.setUncompressedSize(0, 10)
    try patch.write(url)
    var produced = 0
    var error: CasefileError?
    let time = seconds {
      error = archiveError {
        try ExportSource(url: url).walk { entry, stream in
          #expect(entry.declaredSize == 10)
          while let chunk = try stream.read(max: 1 << 16) { produced += chunk.count }
          return .next
        }
      }
    }
    #expect(error?.code == .archiveSizeMismatch)
    #expect(error?.location?.entry == "small.json")
    #expect(produced < 1 << 16)
    #expect(time < 2)
  }

  @Test func aBombStopsAtTheEntryCap() throws {
    let t = try TempFolder()
    let url = t.url("bomb.zip")
    try writeArchive(url, .zip, [.file("zeros.bin", Data(count: 50_000_000), deflate: true)])
    let capped = ArchiveLimits(maxEntryBytes: 2_000_000, maxRatio: 1_000_000)
    #expect(walkError(url, limits: capped)?.code == .archiveTooLarge)
    // With the default caps it is the expansion ratio that stops it, long before 50 MB.
    var produced: Int64 = 0
    let error = archiveError {
      try ExportSource(url: url).walk { _, stream in
        while let chunk = try stream.read(max: 1 << 16) { produced += Int64(chunk.count) }
        return .next
      }
    }
    #expect(error?.code == .archiveRatio)
    #expect(error?.location?.entry == "zeros.bin")
    // The central directory says about 49 KB compressed: 200 times that is under 10 MB.
    #expect(produced < 12 << 20)
  }

  @Test func aTarGzBombStopsAtTheRatio() throws {
    let t = try TempFolder()
    let url = t.url("bomb.tgz")
    try writeArchive(url, .tarGzip, [.file("zeros.bin", Data(count: 20_000_000))])
    let error = walkError(url, limits: ArchiveLimits(ratioCheckAfterBytes: 1 << 20))
    #expect(error?.code == .archiveRatio)
  }

  @Test func manyTinyEntriesStopAtTheEntryCap() throws {
    let t = try TempFolder()
    let entries = (0..<50).map { FixtureEntry.file("m/\($0).json", "{}") }
    for format in [FixtureFormat.zip, .tar] {
      let url = t.url("many-\(format).bin")
      try writeArchive(url, format, entries)
      let error = walkError(url, limits: ArchiveLimits(maxEntries: 20))
      #expect(error?.code == .archiveTooManyEntries, "\(format)")
      #expect(error?.location?.file == url.path)
    }
  }

  @Test func theTotalCapCountsAllEntries() throws {
    let t = try TempFolder()
    let url = t.url("total.tar")
    try writeArchive(url, .tar, (0..<5).map { FixtureEntry.file("part\($0).bin", Data(count: 30_000)) })
    let error = walkError(url, limits: ArchiveLimits(maxEntryBytes: 40_000, maxTotalBytes: 100_000))
    #expect(error?.code == .archiveTooLarge)
    #expect(error?.location?.entry == "part3.bin")
  }

  @Test func readAllHonoursTheCallersLimit() throws {
    let t = try TempFolder()
    let url = t.url("a.tar")
    try writeArchive(url, .tar, [.file("big.json", Data(count: 5000))])
    let error = archiveError {
      try ExportSource(url: url).walk { _, stream in
        _ = try stream.readAll(limit: 1000)
        return .next
      }
    }
    #expect(error?.code == .archiveTooLarge)
    #expect(error?.location?.entry == "big.json")
  }

  // MARK: CRC

  @Test func anEditedCRCIsRefused() throws {
    let t = try TempFolder()
    let url = t.url("crc.zip")
    try writeArchive(url, .zip, [.file("a.txt", "alpha"), .file("b.txt", "bravo")])
    var patch = try ZipPatcher(url)
    patch.setCRC(1, 0xdead_beef)
    try patch.write(url)
    let error = walkError(url)
    #expect(error?.code == .archiveCRC)
    #expect(error?.location?.entry == "b.txt")
    // Even a visitor that swallows the error does not get a clean walk.
    let swallowed = archiveError {
      try ExportSource(url: url).walk { _, stream in
        _ = try? stream.readAll(limit: 100)
        return .next
      }
    }
    #expect(swallowed?.code == .archiveCRC)
  }
}
