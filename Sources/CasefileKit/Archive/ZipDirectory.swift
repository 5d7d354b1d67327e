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
    /// What only the package check needs: the flags, CRC, the lengths of the central record's
    /// extra field and comment, and the ids of its extra fields.
    var flags: UInt16 = 0
    var crc32: UInt32 = 0
    var commentLength = 0
    var extraIDs: [UInt16] = []
  }

  var records: [Record]
  /// Where the parts outside the entries lie: the central directory, the zip64 end record (if
  /// any), the end record, its comment's length, and the file's size.
  var directoryOffset: Int64 = 0
  var directorySize: Int64 = 0
  var zip64EndOffset: Int64?
  var endOffset: Int64 = 0
  var commentLength = 0
  var fileSize: Int64 = 0

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
    let commentLength = Int(u16(tail, endAt + 20))
    var zip64EndOffset: Int64?
    if count == 0xffff || directorySize == 0xffff_ffff || directoryOffset == 0xffff_ffff {
      // Zip64: the locator sits just before the end record and points at the zip64 end record.
      guard endOffset >= 20 else { throw corrupt(file, "the zip64 locator is missing") }
      let locator = try reader.bytes(at: endOffset - 20, count: 20)
      guard u32(locator, 0) == 0x0706_4b50 else { throw corrupt(file, "the zip64 locator is missing") }
      zip64EndOffset = Int64(bitPattern: u64(locator, 8))
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
      var extraIDs: [UInt16] = []
      while extra + 4 <= extraEnd {
        let id = u16(directory, extra)
        extraIDs.append(id)
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
          encrypted: (flags & 1) != 0 || (localFlags & 1) != 0, flags: flags, crc32: u32(directory, at + 16),
          commentLength: commentLength, extraIDs: extraIDs))
      at = next
    }
    return ZipDirectory(
      records: records, directoryOffset: directoryOffset, directorySize: directorySize, zip64EndOffset: zip64EndOffset,
      endOffset: endOffset, commentLength: commentLength, fileSize: size)
  }

  /// The extra fields a package may carry: zip64 sizes, and the times, owner and group that
  /// libarchive writes. Anything else could hold data that some tool shows.
  private static let packageExtraFields: Set<UInt16> = [0x0001, 0x5455, 0x7875]

  /// Checks that a package (a zip casefile wrote) holds nothing outside its entries that a
  /// recipient's tool could show or run: no zip comment, no entry comment, no extra field but
  /// the known ones, no bytes before the first entry (a self-extractor, or a page that makes the
  /// file open as HTML), between entries, or between the directory and the end record. Each byte
  /// of the file must belong to a local header, an entry's data, its data descriptor, the central
  /// directory or the end records. Imports do not use this: platforms' downloads may hold such
  /// parts, and are kept as they are.
  static func checkPackageLayout(url: URL, limits: ArchiveLimits) throws {
    let zip = try read(url: url, limits: limits)
    let file = url.path
    func outside(_ message: String, entry: String? = nil) -> CasefileError {
      CasefileError(.packageOutsideEntries, message, location: .init(file: file, entry: entry.map(EntryPath.printable)))
    }
    guard zip.commentLength == 0, zip.endOffset + 22 == zip.fileSize else {
      throw outside(
        zip.commentLength > 0
          ? "the zip has a comment (\(zip.commentLength) bytes), which casefile never writes and unzip shows to whoever opens it"
          : "the zip has bytes after its end record, which casefile never writes")
    }
    if let end64 = zip.zip64EndOffset {
      guard zip.directoryOffset + zip.directorySize == end64, end64 + 56 + 20 == zip.endOffset else {
        throw outside("the zip has bytes between its central directory and its end records, which casefile never writes")
      }
    } else {
      guard zip.directoryOffset + zip.directorySize == zip.endOffset else {
        throw outside("the zip has bytes between its central directory and its end record, which casefile never writes")
      }
    }
    let fd = open(file, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw CasefileError(.io, "cannot read the archive: \(String(cString: strerror(errno)))", location: .init(file: file))
    }
    defer { close(fd) }
    let reader = Reader(fd: fd, file: file, size: zip.fileSize)
    var expected: Int64 = 0
    for record in zip.records.sorted(by: { $0.localOffset < $1.localOffset }) {
      guard record.commentLength == 0 else {
        throw outside("the entry has a comment, which casefile never writes", entry: record.name)
      }
      guard record.extraIDs.allSatisfy(packageExtraFields.contains) else {
        throw outside("the entry has an extra field casefile never writes", entry: record.name)
      }
      guard record.localOffset == expected else {
        throw outside(
          expected == 0
            ? "the zip has bytes before its first entry, which casefile never writes (they can make the file open as something else)"
            : "the zip has bytes between two entries, which casefile never writes",
          entry: record.name)
      }
      let header = try reader.bytes(at: record.localOffset, count: 30)
      let nameLength = Int64(u16(header, 26))
      let extraLength = Int(u16(header, 28))
      let extra = try reader.bytes(at: record.localOffset + 30 + nameLength, count: extraLength)
      var at = 0
      while at + 4 <= extra.count {
        guard packageExtraFields.contains(u16(extra, at)) else {
          throw outside("the entry's local header has an extra field casefile never writes", entry: record.name)
        }
        at += 4 + Int(u16(extra, at + 2))
      }
      guard at == extra.count else { throw outside("the entry's local extra field is damaged", entry: record.name) }
      var end = record.localOffset + 30 + nameLength + Int64(extraLength) + record.compressedSize
      if record.flags & 0x0008 != 0 {
        // A data descriptor follows the data: its signature is optional, and its sizes are 4 or
        // 8 bytes. Only a descriptor that repeats the entry's CRC, and ends where the next part
        // starts, is taken.
        let next = zip.records.map(\.localOffset).filter { $0 > record.localOffset }.min() ?? zip.directoryOffset
        var matched = false
        for (signed, length) in [(true, 16), (true, 24), (false, 12), (false, 20)] where end + Int64(length) == next {
          let descriptor = try reader.bytes(at: end, count: length)
          let crcAt = signed ? 4 : 0
          if (!signed || u32(descriptor, 0) == 0x0807_4b50), u32(descriptor, crcAt) == record.crc32 {
            matched = true
            end += Int64(length)
            break
          }
        }
        guard matched else { throw outside("the zip has bytes after the entry's data, which casefile never writes", entry: record.name) }
      }
      expected = end
    }
    guard expected == zip.directoryOffset else {
      throw outside("the zip has bytes between its last entry and its central directory, which casefile never writes")
    }
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

extension CasefileError.Code {
  /// A package whose zip holds something outside its entries (a comment, an extra field, bytes
  /// before, between or after them): a recipient's tools could show it, and no signature covers it.
  public static let packageOutsideEntries = CasefileError.Code("package-outside-entries", .integrity)
}
