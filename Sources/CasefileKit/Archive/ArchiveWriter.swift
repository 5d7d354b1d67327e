import CArchive
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Writes a zip with libarchive: regular files only, each with a fixed time and mode, so the same
/// content makes the same archive. Owns the libarchive handle and frees it in `deinit`; ``close()``
/// must succeed for the archive to be complete.
final class ArchiveWriter {
  private let handle: OpaquePointer
  private let url: URL
  private let modified: time_t
  private var closed = false

  /// Starts a new zip at `url` (which must not exist: the caller writes to a temporary name).
  init(zipAt url: URL, modified: Date) throws {
    guard let handle = archive_write_new() else { throw CasefileError(.internalError, "libarchive could not make a writer") }
    self.handle = handle
    self.url = url
    self.modified = time_t(modified.timeIntervalSince1970)
    try check(archive_write_set_format_zip(handle), "choose the zip format")
    try check(archive_write_zip_set_compression_deflate(handle), "choose deflate")
    try withUTF8Locale { try check(archive_write_open_filename(handle, url.path), "create the file") }
  }

  deinit { archive_write_free(handle) }

  /// Adds one file whose bytes `produce` hands over in chunks; `size` must be exact. `compress`
  /// deflates it; media that are compressed already (photos, videos) are better stored as they are.
  func add(_ path: String, size: Int, compress: Bool = true, produce: ((Data) throws -> Void) throws -> Void) throws {
    guard let entry = archive_entry_new() else { throw CasefileError(.internalError, "libarchive could not make an entry") }
    defer { archive_entry_free(entry) }
    try withUTF8Locale {
      archive_entry_copy_pathname(entry, path)
      archive_entry_set_filetype(entry, 0o100000)
      archive_entry_set_perm(entry, 0o644)
      archive_entry_set_size(entry, Int64(size))
      archive_entry_set_mtime(entry, modified, 0)
      try check(
        compress ? archive_write_zip_set_compression_deflate(handle) : archive_write_zip_set_compression_store(handle),
        "choose the compression of \(path)")
      try check(archive_write_header(handle, entry), "write the header of \(path)")
    }
    var written = 0
    try produce { chunk in
      let count = chunk.withUnsafeBytes { archive_write_data(handle, $0.baseAddress, $0.count) }
      guard count == chunk.count else { throw self.failure("write \(path)") }
      written += chunk.count
    }
    guard written == size else {
      throw CasefileError(.internalError, "\(path) was \(written) bytes, not the \(size) announced", location: .init(file: url.path, entry: path))
    }
  }

  /// Adds one file from memory.
  func add(_ path: String, data: Data, compress: Bool = true) throws {
    try add(path, size: data.count, compress: compress) { write in try write(data) }
  }

  /// Finishes the archive: its central directory is written here.
  func close() throws {
    guard !closed else { return }
    closed = true
    try check(archive_write_close(handle), "finish the zip")
  }

  private func check(_ status: Int32, _ what: String) throws {
    if status != ARCHIVE_OK { throw failure(what) }
  }

  private func failure(_ what: String) -> CasefileError {
    var detail = archive_error_string(handle).map { String(cString: $0) } ?? "no detail"
    // libarchive's own text is only "Write error"; the errno says why (a full disk, say).
    let code = archive_errno(handle)
    if code > 0 { detail += ": \(String(cString: strerror(code)))" }
    return CasefileError(.io, "could not \(what): \(detail)", location: .init(file: url.path))
  }
}
