import CArchive
import Foundation

/// One libarchive read handle over one archive file; freed when the reader goes.
///
/// Not Sendable: a libarchive handle is used by one thread at a time, and its read position is
/// shared state.
final class LibArchiveReader: EntryByteSource {
  private let handle: OpaquePointer
  private let file: String
  /// Compressed sizes from casefile's own central-directory pass, queued by name in archive order.
  private var zipSizes: [String: [Int64]] = [:]
  private var zipEncrypted: [String: [Bool]] = [:]
  private var currentCompressed: Int64?
  private var rawAtHeader: Int64 = 0

  private static let blockSize = 1 << 16
  private static let fileTypeMask: UInt32 = 0o170000
  private static let regularFile: UInt32 = 0o100000
  private static let directory: UInt32 = 0o040000
  private static let symbolicLink: UInt32 = 0o120000

  /// Opens `url` for the one format `kind` names; no other format or filter is enabled.
  init(url: URL, kind: ExportSource.Kind, zip: ZipDirectory?) throws {
    file = url.path
    guard let handle = archive_read_new() else {
      throw CasefileError(.internalError, "libarchive could not allocate a reader", location: .init(file: file))
    }
    self.handle = handle
    let setUp: Int32
    switch kind {
    case .zip:
      // Seekable only: it reads the central directory, which ZipDirectory has already checked.
      setUp = archive_read_support_format_zip_seekable(handle)
    case .tar:
      setUp = archive_read_support_format_tar(handle)
    case .tarGzip:
      setUp = archive_read_support_filter_gzip(handle) == ARCHIVE_OK ? archive_read_support_format_tar(handle) : ARCHIVE_FATAL
    case .folder, .file:
      setUp = ARCHIVE_FATAL
    }
    guard setUp == ARCHIVE_OK else {
      throw CasefileError(.internalError, "libarchive cannot read \(kind.rawValue) here", location: .init(file: file))
    }
    // libarchive's seekable reader returns entries in the order of their local headers.
    for record in (zip?.records ?? []).sorted(by: { $0.localOffset < $1.localOffset }) {
      zipSizes[record.name, default: []].append(record.compressedSize)
      zipEncrypted[record.name, default: []].append(record.encrypted)
    }
    let status = archive_read_open_filename(handle, file, Self.blockSize)
    guard status == ARCHIVE_OK else {
      throw ArchiveErrorMapper.error(from: handle, status: Int(status), file: file, entry: nil)
    }
  }

  deinit {
    archive_read_free(handle)
  }

  /// A header as libarchive reports it, before casefile's checks.
  struct Header {
    var rawName: String
    var path: String
    var declaredSize: Int64?
  }

  /// Moves to the next file entry, checking every header on the way; nil at the end.
  ///
  /// Directories are counted and checked, then passed over. Anything else that is not a regular
  /// file is refused with a named error.
  func nextFile(budget: ReadBudget, after previous: String?) throws -> Header? {
    while true {
      var entryPointer: OpaquePointer?
      let status = archive_read_next_header(handle, &entryPointer)
      if status == ARCHIVE_EOF { return nil }
      guard let entry = entryPointer, status == ARCHIVE_OK || status == ARCHIVE_WARN else {
        var error = ArchiveErrorMapper.error(from: handle, status: Int(status), file: file, entry: nil)
        if let previous { error.message += " (after entry \(previous))" }
        throw error
      }
      let rawName =
        archive_entry_pathname_utf8(entry).map { String(cString: $0) }
        ?? archive_entry_pathname(entry).map { String(decoding: Data(bytes: $0, count: strlen($0)), as: UTF8.self) }
        ?? ""
      let shown = EntryPath.printable(rawName)
      let location = CasefileError.Location(file: file, entry: shown)
      if status == ARCHIVE_WARN {
        // A name that cannot be shown in the current locale is fine: casefile uses the UTF-8 form.
        // Any other warning is an error.
        let text = archive_error_string(handle).map { String(cString: $0) } ?? ""
        if !text.contains("cannot be converted") {
          throw ArchiveErrorMapper.error(from: handle, status: Int(status), file: file, entry: shown)
        }
      }
      try budget.countEntry(shown)
      let path: String
      switch EntryPath.validate(rawName) {
      case .success(let clean): path = clean
      case .failure(let refusal):
        throw CasefileError(.archiveUnsafePath, "the entry \(refusal.reason)", location: location)
      }
      let type = UInt32(archive_entry_filetype(entry)) & Self.fileTypeMask
      if archive_entry_hardlink(entry) != nil {
        throw CasefileError(.archiveLink, "the entry is a hard link; links are refused", location: location)
      }
      switch type {
      case Self.regularFile: break
      case Self.directory:
        _ = takeZipRecord(rawName)
        continue
      case Self.symbolicLink:
        throw CasefileError(.archiveLink, "the entry is a symbolic link; links are refused", location: location)
      default:
        throw CasefileError(
          .archiveSpecialFile, "the entry is a device, FIFO or socket, not a file (type \(String(type, radix: 8)))",
          location: location)
      }
      let zipRecord = takeZipRecord(rawName)
      if archive_entry_is_encrypted(entry) != 0 || zipRecord.encrypted {
        throw CasefileError(
          .archiveEncrypted, "the entry is encrypted; casefile cannot read encrypted entries",
          location: location)
      }
      currentCompressed = zipRecord.compressed
      rawAtHeader = archive_filter_bytes(handle, -1)
      let declared = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil
      return Header(rawName: rawName, path: path, declaredSize: declared)
    }
  }

  private func takeZipRecord(_ name: String) -> (compressed: Int64?, encrypted: Bool) {
    guard var sizes = zipSizes[name], !sizes.isEmpty, var flags = zipEncrypted[name] else { return (nil, false) }
    let size = sizes.removeFirst()
    let flag = flags.removeFirst()
    zipSizes[name] = sizes
    zipEncrypted[name] = flags
    return (size, flag)
  }

  func readChunk(into buffer: UnsafeMutableRawBufferPointer, entry: String) throws -> Int {
    let count = archive_read_data(handle, buffer.baseAddress, buffer.count)
    if count < 0 {
      throw ArchiveErrorMapper.error(from: handle, status: count, file: file, entry: entry)
    }
    return count
  }

  func compressedBytesForCurrentEntry() -> Int64? {
    if let currentCompressed { return currentCompressed }
    // Without a directory size, what libarchive pulled from the file since the header, plus one
    // read block that may already have been buffered before it.
    return archive_filter_bytes(handle, -1) - rawAtHeader + Int64(Self.blockSize)
  }
}
