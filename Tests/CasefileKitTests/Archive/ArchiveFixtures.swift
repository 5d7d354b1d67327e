import CArchive
import CasefileKit
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A fresh temporary folder for one test, removed when the test ends.
final class TempFolder {
  let root: URL

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("casefile-archive-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  func url(_ name: String) -> URL { root.appendingPathComponent(name) }

  deinit { try? FileManager.default.removeItem(at: root) }
}

/// One entry to put into a fixture archive.
struct FixtureEntry {
  enum Kind {
    case file(Data)
    case directory
    case symlink(String)
    case hardlink(String)
    case fifo
    case characterDevice
  }

  var name: String
  var kind: Kind
  /// For zips: deflate this entry rather than store it.
  var deflate = false

  static func file(_ name: String, _ text: String, deflate: Bool = false) -> FixtureEntry {
    FixtureEntry(name: name, kind: .file(Data(text.utf8)), deflate: deflate)
  }

  static func file(_ name: String, _ data: Data, deflate: Bool = false) -> FixtureEntry {
    FixtureEntry(name: name, kind: .file(data), deflate: deflate)
  }
}

/// The archive formats the fixtures are written in, through libarchive's write API.
enum FixtureFormat {
  case zip, tar, tarGzip
}

struct FixtureError: Error, CustomStringConvertible {
  var description: String
}

/// Writes `entries` into a new archive at `url` with libarchive.
func writeArchive(_ url: URL, _ format: FixtureFormat, _ entries: [FixtureEntry]) throws {
  guard let a = archive_write_new() else { throw FixtureError(description: "archive_write_new") }
  defer { archive_write_free(a) }
  func check(_ status: Int32, _ what: String) throws {
    if status != ARCHIVE_OK {
      let text = archive_error_string(a).map { String(cString: $0) } ?? "?"
      throw FixtureError(description: "\(what): \(text)")
    }
  }
  switch format {
  case .zip: try check(archive_write_set_format_zip(a), "zip")
  case .tar: try check(archive_write_set_format_pax_restricted(a), "tar")
  case .tarGzip:
    try check(archive_write_set_format_pax_restricted(a), "tar")
    try check(archive_write_add_filter_gzip(a), "gzip")
  }
  // Names are UTF-8. In the C locale libarchive's writer cannot convert them (and an entry named
  // only through archive_entry_set_pathname_utf8 even crashes it: strlen(NULL)), so write in C.UTF-8.
  let utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil)
  let previous = utf8.map { uselocale($0) }
  defer {
    if let previous { uselocale(previous) }
    if let utf8 { freelocale(utf8) }
  }
  try check(archive_write_open_filename(a, url.path), "open")
  for item in entries {
    guard let e = archive_entry_new() else { throw FixtureError(description: "archive_entry_new") }
    defer { archive_entry_free(e) }
    archive_entry_copy_pathname(e, item.name)
    archive_entry_set_perm(e, 0o644)
    archive_entry_set_mtime(e, 1_795_608_000, 0)
    var data = Data()
    switch item.kind {
    case .file(let bytes):
      data = bytes
      archive_entry_set_filetype(e, 0o100000)
      archive_entry_set_size(e, Int64(bytes.count))
    case .directory:
      archive_entry_set_filetype(e, 0o040000)
      archive_entry_set_perm(e, 0o755)
    case .symlink(let target):
      archive_entry_set_filetype(e, 0o120000)
      archive_entry_copy_symlink(e, target)
    case .hardlink(let target):
      archive_entry_set_filetype(e, 0o100000)
      archive_entry_copy_hardlink(e, target)
      archive_entry_set_size(e, 0)
    case .fifo:
      archive_entry_set_filetype(e, 0o010000)
    case .characterDevice:
      archive_entry_set_filetype(e, 0o020000)
      archive_entry_set_rdev(e, 0x0103)
    }
    if format == .zip {
      try check(item.deflate ? archive_write_zip_set_compression_deflate(a) : archive_write_zip_set_compression_store(a), "compression")
    }
    try check(archive_write_header(a, e), "header \(item.name)")
    if !data.isEmpty {
      let written = data.withUnsafeBytes { archive_write_data(a, $0.baseAddress, $0.count) }
      if written != data.count { throw FixtureError(description: "data \(item.name)") }
    }
  }
  try check(archive_write_close(a), "close")
}

/// Where the parts of a zip sit, found by walking its local headers and central directory.
struct ZipLayout {
  struct Entry {
    var local: Int
    var central: Int
    var name: String
  }

  var entries: [Entry]

  init(_ bytes: [UInt8]) throws {
    func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
    func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
    guard let end = (0...(bytes.count - 22)).reversed().first(where: {
      bytes[$0] == 0x50 && bytes[$0 + 1] == 0x4b && bytes[$0 + 2] == 5 && bytes[$0 + 3] == 6
    }) else { throw FixtureError(description: "no end record") }
    var at = u32(end + 16)
    entries = []
    for _ in 0..<u16(end + 10) {
      let nameLength = u16(at + 28)
      let name = String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
      entries.append(Entry(local: u32(at + 42), central: at, name: name))
      at += 46 + nameLength + u16(at + 30) + u16(at + 32)
    }
  }
}

/// Byte surgery on a zip file written by ``writeArchive(_:_:_:)``.
struct ZipPatcher {
  var bytes: [UInt8]
  let layout: ZipLayout

  init(_ url: URL) throws {
    bytes = Array(try Data(contentsOf: url))
    layout = try ZipLayout(bytes)
  }

  func write(_ url: URL) throws { try Data(bytes).write(to: url) }

  mutating func put32(_ value: UInt32, at i: Int) {
    for k in 0..<4 { bytes[i + k] = UInt8((value >> (8 * UInt32(k))) & 0xff) }
  }

  func get32(_ i: Int) -> UInt32 {
    (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[i + $1]) << (8 * UInt32($1)) }
  }

  /// Sets general-purpose flag bit 0 (encrypted) in both headers of entry `index`.
  mutating func markEncrypted(_ index: Int) {
    let e = layout.entries[index]
    bytes[e.local + 6] |= 1
    bytes[e.central + 8] |= 1
  }

  /// Replaces the CRC of entry `index` wherever it is written (local header, central record).
  mutating func setCRC(_ index: Int, _ crc: UInt32) {
    let e = layout.entries[index]
    if get32(e.local + 14) != 0 { put32(crc, at: e.local + 14) }
    put32(crc, at: e.central + 16)
  }

  /// Replaces the declared uncompressed size of entry `index` in both headers.
  mutating func setUncompressedSize(_ index: Int, _ size: UInt32) {
    let e = layout.entries[index]
    if get32(e.local + 22) != 0 { put32(size, at: e.local + 22) }
    put32(size, at: e.central + 24)
  }

  /// Overwrites one byte of entry `index`'s name, in both headers.
  mutating func setNameByte(_ index: Int, offset: Int, to value: UInt8) {
    let e = layout.entries[index]
    bytes[e.local + 30 + offset] = value
    bytes[e.central + 46 + offset] = value
  }

  /// Overwrites one byte of entry `index`'s name in the local header only.
  mutating func setLocalNameByte(_ index: Int, offset: Int, to value: UInt8) {
    bytes[layout.entries[index].local + 30 + offset] = value
  }
}

/// Reads every entry of `source` whole, as (path, ordinal, content).
func readEverything(_ source: ExportSource) throws -> [(path: String, ordinal: Int, data: Data)] {
  var out: [(String, Int, Data)] = []
  try source.walk { entry, stream in
    out.append((entry.path, entry.ordinal, try stream.readAll(limit: 1 << 26)))
    return .next
  }
  return out.map { (path: $0.0, ordinal: $0.1, data: $0.2) }
}

/// The CasefileError `body` throws, or nil.
func archiveError(_ body: () throws -> Void) -> CasefileError? {
  do {
    try body()
    return nil
  } catch let error as CasefileError {
    return error
  } catch {
    return CasefileError(.internalError, "unexpected error \(error)")
  }
}

/// Walks `url` reading everything, and returns the error it ends with.
func walkError(_ url: URL, limits: ArchiveLimits = .default) -> CasefileError? {
  archiveError {
    let source = try ExportSource(url: url, limits: limits)
    _ = try readEverything(source)
  }
}

/// Wall-clock seconds `body` takes.
func seconds(_ body: () -> Void) -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Every entry of an archive (a package, say) with its whole bytes, in the archive's order.
func archiveEntries(_ url: URL) throws -> [(path: String, data: Data)] {
  var entries: [(path: String, data: Data)] = []
  try ExportSource(url: url).walk { entry, stream in
    var stream = stream
    var data = Data()
    while let chunk = try stream.read(max: 1 << 20) { data.append(chunk) }
    entries.append((entry.path, data))
    return .next
  }
  return entries
}
