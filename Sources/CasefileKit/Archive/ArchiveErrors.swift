import CArchive
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension CasefileError.Code {
  /// An entry name that could leave the import folder or means different things on different
  /// systems: `..`, an absolute path, a drive letter, a backslash, a NUL or another control byte.
  public static let archiveUnsafePath = Self("archive-unsafe-path", .badData)
  /// A symbolic or hard link entry, in an archive or inside an export folder.
  public static let archiveLink = Self("archive-link", .badData)
  /// A device, FIFO or socket entry.
  public static let archiveSpecialFile = Self("archive-special-file", .badData)
  /// An encrypted entry: casefile takes no passphrases, and never skips one silently.
  public static let archiveEncrypted = Self("archive-encrypted", .badData)
  /// The archive ends before its data does: cut short, or an empty file named like an archive.
  public static let archiveTruncated = Self("archive-truncated", .badData)
  /// The archive's structure cannot be read: not the format its first bytes claim, or damaged.
  public static let archiveCorrupt = Self("archive-corrupt", .badData)
  /// An entry's data does not match its checksum.
  public static let archiveCRC = Self("archive-crc", .badData)
  /// An entry's data is longer or shorter than the size its header declares.
  public static let archiveSizeMismatch = Self("archive-size-mismatch", .badData)
  /// An entry, or the whole export, is larger than ``ArchiveLimits`` allow.
  public static let archiveTooLarge = Self("archive-too-large", .badData)
  /// Data expands more than ``ArchiveLimits/maxRatio`` times its compressed size.
  public static let archiveRatio = Self("archive-ratio", .badData)
  /// The export holds more entries than ``ArchiveLimits/maxEntries``.
  public static let archiveTooManyEntries = Self("archive-too-many-entries", .badData)
}

/// Turns libarchive's error state into a named ``CasefileError``.
enum ArchiveErrorMapper {
  /// The error libarchive reports for `handle`, classified by its errno and message text.
  ///
  /// libarchive has no error codes finer than errno, so the class comes from the message; anything
  /// unknown is `archive-corrupt`, never ignored.
  static func error(from handle: OpaquePointer, status: Int, file: String, entry: String?) -> CasefileError {
    let text = archive_error_string(handle).map { String(cString: $0) } ?? "libarchive status \(status)"
    let number = archive_errno(handle)
    let location = CasefileError.Location(file: file, entry: entry)
    let lower = text.lowercased()
    if [EIO, EACCES, EPERM, ENOENT, EISDIR, ENXIO, ENOMEM].contains(number) {
      return CasefileError(.io, "cannot read the archive: \(text)", location: location)
    }
    let code: CasefileError.Code
    if lower.contains("crc") {
      code = .archiveCRC
    } else if lower.contains("truncated") || lower.contains("premature") || lower.contains("unexpected end")
      || lower.contains("unexpected eof")
    {
      code = .archiveTruncated
    } else if lower.contains("encrypt") || lower.contains("passphrase") || lower.contains("decryption") {
      code = .archiveEncrypted
    } else if lower.contains("wrong size") {
      code = .archiveSizeMismatch
    } else {
      code = .archiveCorrupt
    }
    return CasefileError(code, "cannot read the archive: \(text)", location: location)
  }
}
