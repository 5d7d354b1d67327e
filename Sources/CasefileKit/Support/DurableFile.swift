import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Puts written files on disk before they are given their final name.
enum DurableFile {
  /// Flushes a finished file to disk, and fails if the disk reports that its content did not get
  /// there (a full or failing disk may say so only now, not at `write`).
  static func sync(_ url: URL, what: String) throws {
    let fd = open(url.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw CasefileError(.io, "could not reopen \(what) to sync it: \(String(cString: strerror(errno)))", location: .init(file: url.path))
    }
    defer { close(fd) }
    guard fsync(fd) == 0 else {
      throw CasefileError(.io, "could not write \(what) to disk: \(String(cString: strerror(errno)))", location: .init(file: url.path))
    }
  }

  /// Flushes a directory, so that a rename in it survives a power cut. Best effort: some
  /// filesystems refuse to sync a directory, and the file itself is already on disk.
  static func syncDirectory(_ url: URL) {
    let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 {
      _ = fsync(fd)
      close(fd)
    }
  }
}
