import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An export to read: a zip, a tar, a tar.gz, a plain folder or a single file, behind one interface.
///
/// The kind comes from the file's first bytes, never its name. Entries are only ever streamed to
/// the caller: nothing is extracted, and no path taken from an archive is ever written to.
/// Every read applies the ``ArchiveLimits`` given at init and fails with a named
/// ``CasefileError`` whose location names the export and the entry.
///
/// Not Sendable: a walk drives a C handle; use one source from one task at a time.
public final class ExportSource {
  /// What an export is, as told by its content.
  public enum Kind: String, Sendable {
    case zip
    case tar
    case tarGzip = "tar.gz"
    case folder
    case file
  }

  public let kind: Kind
  public let url: URL
  public let limits: ArchiveLimits
  private let fileSize: Int64
  private var cachedSHA256: String?

  /// Opens `url` and tells its kind from its content.
  ///
  /// A directory is a folder; a file starting `PK\x03\x04` or `PK\x05\x06` is a zip; one starting
  /// `1f 8b` is a gzipped tar; one with `ustar` at offset 257 is a tar; any other file is a single
  /// file, except that a file named like an archive (`.zip`, `.tar`, `.tgz`, `.tar.gz`) whose content is
  /// not one is refused rather than taken as a plain file.
  public init(url: URL, limits: ArchiveLimits = .default) throws {
    self.url = url
    self.limits = limits
    let path = url.path
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw CasefileError(.fileNotFound, "export not found", location: .init(file: path))
    }
    switch info.st_mode & S_IFMT {
    case S_IFDIR:
      kind = .folder
      fileSize = 0
      return
    case S_IFREG:
      break
    default:
      throw CasefileError(.archiveSpecialFile, "the export is a device, FIFO or socket, not a file", location: .init(file: path))
    }
    fileSize = Int64(info.st_size)
    let head = try Self.head(of: path, count: 512)
    let name = url.lastPathComponent.lowercased()
    let archiveName = [".zip", ".tar", ".tgz", ".tar.gz"].contains { name.hasSuffix($0) }
    if head.count >= 4, head[0] == 0x50, head[1] == 0x4b,
      (head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6)
    {
      kind = .zip
    } else if head.count >= 2, head[0] == 0x1f, head[1] == 0x8b {
      kind = .tarGzip
    } else if head.count >= 262, Array(head[257..<262]) == Array("ustar".utf8) {
      kind = .tar
    } else if archiveName && head.isEmpty {
      throw CasefileError(.archiveTruncated, "the archive is empty (0 bytes)", location: .init(file: path))
    } else if archiveName {
      throw CasefileError(
        .archiveCorrupt, "the file is named like an archive but its content is not a zip, tar or tar.gz",
        location: .init(file: path))
    } else {
      kind = .file
    }
  }

  /// SHA-256 of the archive file, or of the single file; nil for a folder, which no single hash
  /// covers (each imported message keeps its own fragment's hash). Computed by streaming the file
  /// on first use, then kept.
  public var sha256: String? {
    get throws {
      if kind == .folder { return nil }
      if let cachedSHA256 { return cachedSHA256 }
      let input = try FileHandleReader(url: url, role: "export")
      defer { input.close() }
      let hasher = SHA256Stream()
      while let chunk = try input.read(max: 1 << 20) { hasher.update(chunk) }
      let hex = hasher.finalize()
      cachedSHA256 = hex
      return hex
    }
  }

  /// Visits every regular-file entry in archive order (sorted path order for a folder).
  ///
  /// The closure reads the entry through `stream`; what it leaves unread is read and discarded
  /// after it returns, so checksums and limits cover every entry. Returning ``WalkDecision/stop``
  /// ends the walk early. A link, special file, unsafe name, encrypted entry or damaged data ends
  /// the walk with an error naming the entry, even when the closure caught a stream error.
  public func walk(_ visit: (ArchiveEntry, inout EntryStream) throws -> WalkDecision) throws {
    try withUTF8Locale { try walkInLocale(visit) }
  }

  private func walkInLocale(_ visit: (ArchiveEntry, inout EntryStream) throws -> WalkDecision) throws {
    // The byte caps guard against data that expands out of an archive. A plain file or a folder
    // is read as it lies on disk and cannot expand, and a phone's SMS backup can be larger than
    // any cap fit for an archive entry, so only the entry count applies to those.
    let plain = kind == .folder || kind == .file
    var effective = limits
    if plain { (effective.maxEntryBytes, effective.maxTotalBytes) = (.max, .max) }
    let budget = ReadBudget(limits: effective, file: url.path, compressedSize: plain ? nil : fileSize)
    switch kind {
    case .zip, .tar, .tarGzip:
      let directory = kind == .zip ? try ZipDirectory.read(url: url, limits: limits) : nil
      let reader = try LibArchiveReader(url: url, kind: kind, zip: directory)
      var ordinal = 0
      var previous: String?
      while let header = try reader.nextFile(budget: budget, after: previous) {
        let entry = ArchiveEntry(path: header.path, ordinal: ordinal, declaredSize: header.declaredSize)
        ordinal += 1
        previous = EntryPath.printable(header.rawName)
        if try visitOne(entry, source: reader, budget: budget, visit) == .stop { return }
      }
    case .folder:
      let files = try FolderLister.files(under: url, budget: budget)
      for (ordinal, found) in files.enumerated() {
        let entry = ArchiveEntry(path: found.relative, ordinal: ordinal, declaredSize: found.size)
        let source = try PlainFileSource(path: found.absolute, file: url.path, entry: found.relative)
        if try visitOne(entry, source: source, budget: budget, visit) == .stop { return }
      }
    case .file:
      let entry = ArchiveEntry(path: url.lastPathComponent, ordinal: 0, declaredSize: fileSize)
      try budget.countEntry(entry.path)
      let source = try PlainFileSource(path: url.path, file: url.path, entry: entry.path)
      _ = try visitOne(entry, source: source, budget: budget, visit)
    }
  }

  /// Every file entry's path, ordinal and declared size, with all header checks and limits.
  ///
  /// Entry data is read and discarded rather than skipped, so a listing also proves every
  /// checksum and keeps to the byte and ratio caps.
  public func list() throws -> [ArchiveEntry] {
    var entries: [ArchiveEntry] = []
    try walk { entry, _ in
      entries.append(entry)
      return .next
    }
    return entries
  }

  private func visitOne(
    _ entry: ArchiveEntry, source: EntryByteSource, budget: ReadBudget,
    _ visit: (ArchiveEntry, inout EntryStream) throws -> WalkDecision
  ) throws -> WalkDecision {
    try budget.admit(entry.path, declaredSize: entry.declaredSize)
    let core = StreamCore(source: source, entry: entry, budget: budget)
    var stream = EntryStream(core: core)
    let decision: WalkDecision
    do {
      decision = try visit(entry, &stream)
    } catch {
      core.closed = true
      throw core.failure ?? error
    }
    if let failure = core.failure {
      core.closed = true
      throw failure
    }
    if decision == .next {
      try core.drain()
    }
    core.closed = true
    return decision
  }

  private static func head(of path: String, count: Int) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw CasefileError(.io, "cannot read the export: \(String(cString: strerror(errno)))", location: .init(file: path))
    }
    defer { close(fd) }
    var out = [UInt8](repeating: 0, count: count)
    var done = 0
    while done < count {
      let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, count - done) }
      if n < 0 {
        if errno == EINTR { continue }
        throw CasefileError(.io, "cannot read the export: \(String(cString: strerror(errno)))", location: .init(file: path))
      }
      if n == 0 { break }
      done += n
    }
    return Array(out.prefix(done))
  }
}
