import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The content-addressed file area of a store: each blob lives at `blobs/<aa>/<sha256>`.
///
/// Files are written to `blobs/tmp/`, synced, then renamed into place, so a blob path either
/// holds the whole content or does not exist. Every read checks the content against its name.
public struct BlobStore: Sendable {
  public let root: URL
  static let chunkSize = 1 << 20

  public init(root: URL) {
    self.root = root
  }

  /// Where the blob with this digest lives.
  public func path(for sha256: String) -> URL {
    root.appendingPathComponent(String(sha256.prefix(2)), isDirectory: true)
      .appendingPathComponent(sha256, isDirectory: false)
  }

  /// The result of storing one file.
  public struct Stored: Sendable, Equatable {
    public var sha256: String
    public var size: Int64
    /// True when this call created the blob file; false when identical content was already there.
    public var created: Bool
  }

  /// Copies a file into the blob area while hashing it, in chunks.
  public func put(fileAt source: URL) throws -> Stored {
    let input = try FileHandleReader(url: source, role: "attachment")
    defer { input.close() }
    return try put { try input.read(max: Self.chunkSize) }
  }

  /// Stores bytes already in memory, such as a media part decoded from an export.
  public func put(data: Data) throws -> Stored {
    var pending: Data? = data
    return try put {
      defer { pending = nil }
      return pending
    }
  }

  /// Writes the chunks `next` returns into the blob area while hashing them, then moves the file
  /// into place under its digest.
  func put(chunks next: () throws -> Data?) throws -> Stored {
    let tmpDir = root.appendingPathComponent("tmp", isDirectory: true)
    try createDirectory(tmpDir)
    let tmp = tmpDir.appendingPathComponent(UUID().uuidString)
    let out = open(tmp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard out >= 0 else { throw ioError("cannot write into the blob area", tmp) }
    var keepTmp = false
    defer {
      if !keepTmp { unlink(tmp.path) }
    }
    let hasher = SHA256Stream()
    var size: Int64 = 0
    do {
      defer { close(out) }
      while let chunk = try next() {
        hasher.update(chunk)
        size += Int64(chunk.count)
        try chunk.withUnsafeBytes { buffer in
          var offset = 0
          while offset < buffer.count {
            let written = write(out, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
              if errno == EINTR { continue }
              throw ioError("cannot write into the blob area", tmp)
            }
            offset += written
          }
        }
      }
      guard fsync(out) == 0 else { throw ioError("cannot sync the blob area", tmp) }
    }
    let sha = hasher.finalize()
    let destination = path(for: sha)
    if FileManager.default.fileExists(atPath: destination.path) {
      return Stored(sha256: sha, size: size, created: false)
    }
    try createDirectory(destination.deletingLastPathComponent())
    guard rename(tmp.path, destination.path) == 0 else {
      throw ioError("cannot move a blob into place", destination)
    }
    keepTmp = true
    syncDirectory(destination.deletingLastPathComponent())
    return Stored(sha256: sha, size: size, created: true)
  }

  /// Reads a whole blob, and fails unless its content hashes to its name.
  public func read(_ sha256: String) throws -> Data {
    let url = path(for: sha256)
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw CasefileError(.blobNotFound, "blob \(sha256) is missing from the store", location: .init(file: url.path))
    }
    guard Digest.sha256Hex(data) == sha256 else {
      throw CasefileError(.integrity, "blob \(sha256) does not match its hash: it was altered", location: .init(file: url.path))
    }
    return data
  }

  /// What a streaming check of one blob found.
  public enum Check: Sendable, Equatable {
    case ok
    case missing
    case mismatch(actual: String)
  }

  /// Hashes a blob in chunks and compares it with its name.
  public func check(_ sha256: String) throws -> Check {
    let url = path(for: sha256)
    guard FileManager.default.fileExists(atPath: url.path) else { return .missing }
    let input = try FileHandleReader(url: url, role: "blob")
    defer { input.close() }
    let hasher = SHA256Stream()
    while let chunk = try input.read(max: Self.chunkSize) { hasher.update(chunk) }
    let actual = hasher.finalize()
    return actual == sha256 ? .ok : .mismatch(actual: actual)
  }

  /// Removes a blob file that this process created for a write that then failed.
  /// Its fan-out folder goes too if that leaves it empty (rmdir refuses a folder that is not).
  func discard(_ sha256: String) {
    let url = path(for: sha256)
    unlink(url.path)
    rmdir(url.deletingLastPathComponent().path)
  }

  /// Creates one folder inside the blob area, never its parents: if the store itself has gone
  /// (deleted while a command ran), writing fails instead of building a new, empty store there.
  private func createDirectory(_ url: URL) throws {
    if mkdir(url.path, 0o700) != 0 && errno != EEXIST {
      throw ioError("cannot create a folder in the blob area", url)
    }
  }

  private func syncDirectory(_ url: URL) {
    let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 {
      fsync(fd)
      close(fd)
    }
  }

  private func ioError(_ what: String, _ url: URL) -> CasefileError {
    let reason = String(cString: strerror(errno))
    return CasefileError(.io, "\(what): \(reason)", location: .init(file: url.path))
  }
}

/// A plain file read in chunks through a POSIX descriptor.
final class FileHandleReader {
  private var fd: Int32
  let url: URL

  init(url: URL, role: String) throws {
    self.url = url
    var info = stat()
    guard stat(url.path, &info) == 0 else {
      // A name that is not UTF-8 (a byte such as 0xE9 that a Latin-1 file system leaves) reaches
      // us with U+FFFD in its place, so the file is never found under it: say why.
      if url.path.unicodeScalars.contains("\u{FFFD}") {
        throw CasefileError(
          .badValue,
          "\(role) file's name is not UTF-8 (the \u{FFFD} stands for a byte of another encoding, such as Latin-1), so casefile cannot open it by that name; rename the file to a UTF-8 name (for example with convmv) and give it again",
          location: .init(file: url.path))
      }
      throw CasefileError(.fileNotFound, "\(role) file not found", location: .init(file: url.path))
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      throw CasefileError(.badValue, "\(role) is not a regular file", location: .init(file: url.path))
    }
    fd = open(url.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw CasefileError(.io, "cannot read \(role): \(String(cString: strerror(errno)))", location: .init(file: url.path))
    }
  }

  /// The next chunk, or nil at the end of the file.
  func read(max: Int) throws -> Data? {
    var buffer = Data(count: max)
    while true {
      let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, max) }
      if count < 0 {
        if errno == EINTR { continue }
        throw CasefileError(.io, "read failed: \(String(cString: strerror(errno)))", location: .init(file: url.path))
      }
      if count == 0 { return nil }
      buffer.count = count
      return buffer
    }
  }

  func close() {
    if fd >= 0 {
      _ = Glibc.close(fd)
      fd = -1
    }
  }

  deinit { close() }
}
