import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// casefile's own reading of a zip's central directory, checked before libarchive sees the file.
///
/// libarchive hands names over as C strings, so a name with a NUL in it arrives cut at the NUL and
/// looks harmless. This pass reads the raw name bytes of every central-directory record and of the
/// local header it points to, refuses NULs, and refuses a local name that differs from the central
/// one (two readers could otherwise see two different files). It also refuses a zip without an
/// end-of-central-directory record, so libarchive's streaming zip reader, which trusts local
/// headers alone, is never used.
struct ZipDirectory {
  /// One central-directory record.
  struct Record {
    var name: String
    var compressedSize: Int64
    var localOffset: Int64
    /// Bit 0 of the general-purpose flags, in the central record or the local header.
    var encrypted: Bool
  }

  var records: [Record]

  private static let maxDirectoryBytes: Int64 = 512 << 20

  /// Reads and checks the central directory of the zip at `url`.
  static func read(url: URL, limits: ArchiveLimits) throws -> ZipDirectory {
    let file = url.path
    let fd = open(file, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw CasefileError(
        .io, "cannot read the archive: \(String(cString: strerror(errno)))", location: .init(file: file))
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw CasefileError(.io, "cannot read the archive size", location: .init(file: file))
    }
    let size = Int64(info.st_size)
    let reader = Reader(fd: fd, file: file, size: size)

    // The end record is in the last 22 + 65,535 bytes (its comment may be that long).
    let tailLength = min(size, 22 + 65_535)
    let tail = try reader.bytes(at: size - tailLength, count: Int(tailLength))
    var endAt: Int?
    if tail.count >= 22 {
      var i = tail.count - 22
      while i >= 0 {
        if tail[i] == 0x50, tail[i + 1] == 0x4b, tail[i + 2] == 0x05, tail[i + 3] == 0x06 {
          endAt = i
          break
        }
        i -= 1
      }
    }
    guard let endAt else {
      throw CasefileError(
        .archiveTruncated,
        "the zip has no end-of-central-directory record: it was cut short, or is not a whole zip",
        location: .init(file: file))
    }
    let endOffset = size - tailLength + Int64(endAt)
    var count = Int64(u16(tail, endAt + 10))
    var directorySize = Int64(u32(tail, endAt + 12))
    var directoryOffset = Int64(u32(tail, endAt + 16))
    if count == 0xffff || directorySize == 0xffff_ffff || directoryOffset == 0xffff_ffff {
      // Zip64: the locator sits just before the end record and points at the zip64 end record.
      guard endOffset >= 20 else { throw corrupt(file, "the zip64 locator is missing") }
      let locator = try reader.bytes(at: endOffset - 20, count: 20)
      guard u32(locator, 0) == 0x0706_4b50 else { throw corrupt(file, "the zip64 locator is missing") }
      let end64 = try reader.bytes(at: Int64(bitPattern: u64(locator, 8)), count: 56)
      guard u32(end64, 0) == 0x0606_4b50 else { throw corrupt(file, "the zip64 end record is missing") }
      count = Int64(bitPattern: u64(end64, 32))
      directorySize = Int64(bitPattern: u64(end64, 40))
      directoryOffset = Int64(bitPattern: u64(end64, 48))
    }
    if count > Int64(limits.maxEntries) {
      throw CasefileError(
        .archiveTooManyEntries, "the zip lists \(count) entries, more than the \(limits.maxEntries) allowed",
        location: .init(file: file))
    }
    guard count >= 0, directorySize >= 0, directoryOffset >= 0, directorySize <= maxDirectoryBytes,
      directoryOffset + directorySize <= size
    else {
      throw CasefileError(
        .archiveTruncated, "the zip's central directory lies outside the file", location: .init(file: file))
    }
    let directory = try reader.bytes(at: directoryOffset, count: Int(directorySize))
    var records: [Record] = []
    records.reserveCapacity(Int(count))
    var at = 0
    for index in 0..<Int(count) {
      guard at + 46 <= directory.count, u32(directory, at) == 0x0201_4b50 else {
        throw corrupt(file, "central-directory record \(index) is damaged")
      }
      let flags = u16(directory, at + 8)
      var compressed = Int64(u32(directory, at + 20))
      let uncompressed32 = u32(directory, at + 24)
      let nameLength = Int(u16(directory, at + 28))
      let extraLength = Int(u16(directory, at + 30))
      let commentLength = Int(u16(directory, at + 32))
      var local = Int64(u32(directory, at + 42))
      let nameStart = at + 46
      let next = nameStart + nameLength + extraLength + commentLength
      guard next <= directory.count else { throw corrupt(file, "central-directory record \(index) is damaged") }
      let rawName = Array(directory[nameStart..<nameStart + nameLength])
      let name = String(decoding: rawName, as: UTF8.self)
      // Zip64 extra field: the 64-bit values, in order, for each 32-bit field that is all ones.
      var extra = nameStart + nameLength
      let extraEnd = extra + extraLength
      while extra + 4 <= extraEnd {
        let id = u16(directory, extra)
        let length = Int(u16(directory, extra + 2))
        if id == 0x0001 {
          var field = extra + 4
          if uncompressed32 == 0xffff_ffff { field += 8 }
          if compressed == 0xffff_ffff, field + 8 <= extra + 4 + length {
            compressed = Int64(bitPattern: u64(directory, field))
            field += 8
          }
          if local == 0xffff_ffff, field + 8 <= extra + 4 + length {
            local = Int64(bitPattern: u64(directory, field))
          }
        }
        extra += 4 + length
      }
      if rawName.contains(0) {
        throw CasefileError(
          .archiveUnsafePath, "the entry has a NUL byte in its name",
          location: .init(file: file, entry: EntryPath.printable(name)))
      }
      // libarchive turns a backslash in a zip name into "/", so the raw name is checked here too.
      if case .failure(let refusal) = EntryPath.validate(name) {
        throw CasefileError(
          .archiveUnsafePath, "the entry \(refusal.reason)",
          location: .init(file: file, entry: EntryPath.printable(name)))
      }
      guard local >= 0, local + 30 <= size else {
        throw corrupt(file, "the entry's local header lies outside the file", entry: name)
      }
      let header = try reader.bytes(at: local, count: 30)
      guard u32(header, 0) == 0x0403_4b50 else {
        throw corrupt(file, "the entry's local header is missing", entry: name)
      }
      let localFlags = u16(header, 6)
      let localNameLength = Int(u16(header, 26))
      let localName = try reader.bytes(at: local + 30, count: localNameLength)
      if localName.contains(0) {
        throw CasefileError(
          .archiveUnsafePath, "the entry has a NUL byte in its local-header name",
          location: .init(file: file, entry: EntryPath.printable(String(decoding: localName, as: UTF8.self))))
      }
      if localName != rawName {
        throw corrupt(
          file,
          "the local header names the entry \"\(EntryPath.printable(String(decoding: localName, as: UTF8.self)))\" but the central directory does not",
          entry: name)
      }
      records.append(
        Record(
          name: name, compressedSize: compressed, localOffset: local,
          encrypted: (flags & 1) != 0 || (localFlags & 1) != 0))
      at = next
    }
    return ZipDirectory(records: records)
  }

  private static func corrupt(_ file: String, _ message: String, entry: String? = nil) -> CasefileError {
    CasefileError(
      .archiveCorrupt, "the zip is damaged: \(message)",
      location: .init(file: file, entry: entry.map(EntryPath.printable)))
  }

  private static func u16(_ b: [UInt8], _ i: Int) -> UInt16 {
    UInt16(b[i]) | UInt16(b[i + 1]) << 8
  }

  private static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
    UInt32(u16(b, i)) | UInt32(u16(b, i + 2)) << 16
  }

  private static func u64(_ b: [UInt8], _ i: Int) -> UInt64 {
    UInt64(u32(b, i)) | UInt64(u32(b, i + 4)) << 32
  }

  /// Positioned reads that fail with a named error when the file is shorter than asked.
  private struct Reader {
    let fd: Int32
    let file: String
    let size: Int64

    func bytes(at offset: Int64, count: Int) throws -> [UInt8] {
      guard offset >= 0, count >= 0, offset + Int64(count) <= size else {
        throw CasefileError(
          .archiveTruncated, "the zip points past its own end", location: .init(file: file))
      }
      var out = [UInt8](repeating: 0, count: count)
      var done = 0
      while done < count {
        let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
        if n < 0 {
          if errno == EINTR { continue }
          throw CasefileError(
            .io, "cannot read the archive: \(String(cString: strerror(errno)))", location: .init(file: file))
        }
        if n == 0 {
          throw CasefileError(.archiveTruncated, "the zip ends early", location: .init(file: file))
        }
        done += n
      }
      return out
    }
  }
}
