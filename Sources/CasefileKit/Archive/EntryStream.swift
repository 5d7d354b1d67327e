import Foundation

/// One file inside an export, as ``ExportSource/walk(_:)`` and ``ExportSource/list()`` report it.
public struct ArchiveEntry: Sendable, Equatable, CustomStringConvertible {
  /// The entry's relative path, `/`-separated, with `.` and empty components removed.
  public let path: String
  /// The entry's position among the export's files, from 0; tells apart entries of the same name.
  public let ordinal: Int
  /// The size the archive header (or the file system) declares; nil when the format does not say.
  public let declaredSize: Int64?

  public init(path: String, ordinal: Int, declaredSize: Int64?) {
    self.path = path
    self.ordinal = ordinal
    self.declaredSize = declaredSize
  }

  public var description: String { "#\(ordinal) \(path)" }
}

/// What a ``ExportSource/walk(_:)`` visitor wants next.
public enum WalkDecision: Sendable {
  /// Go on to the next entry.
  case next
  /// End the walk now, without an error.
  case stop
}

/// The data of the entry being visited, read as a stream with every limit applied.
///
/// Valid only inside the visit closure it was passed to; a read after the closure has returned
/// throws. Not Sendable: it reads through a C handle that belongs to one walk.
public struct EntryStream {
  let core: StreamCore

  init(core: StreamCore) {
    self.core = core
  }

  /// The next chunk of at most `max` bytes, or nil at the end of the entry.
  public mutating func read(max: Int) throws -> Data? {
    try core.read(max: max)
  }

  /// The rest of the entry, failing with `archive-too-large` when it holds more than `limit` bytes.
  public mutating func readAll(limit: Int) throws -> Data {
    var out = Data()
    while let chunk = try core.read(max: StreamCore.chunkSize) {
      if out.count + chunk.count > limit {
        throw core.fail(
          .archiveTooLarge, "the entry is larger than the \(limit) bytes allowed for it here")
      }
      out.append(chunk)
    }
    return out
  }
}

/// Where a stream's bytes come from: one entry of an archive, or one plain file.
protocol EntryByteSource: AnyObject {
  /// Fills `buffer` from the current entry; 0 at its end.
  func readChunk(into buffer: UnsafeMutableRawBufferPointer, entry: String) throws -> Int
  /// The compressed bytes this entry has used so far, when they can be told; nil otherwise.
  func compressedBytesForCurrentEntry() -> Int64?
}

/// The counters one walk keeps across its entries, against ``ArchiveLimits``.
final class ReadBudget {
  let limits: ArchiveLimits
  let file: String
  /// The size of the archive file, for the whole-archive ratio; nil for folders and plain files.
  let compressedSize: Int64?
  private(set) var totalBytes: Int64 = 0
  private(set) var declaredTotal: Int64 = 0
  private(set) var entryCount = 0

  init(limits: ArchiveLimits, file: String, compressedSize: Int64?) {
    self.limits = limits
    self.file = file
    self.compressedSize = compressedSize
  }

  /// Counts one more entry of any type, refusing past ``ArchiveLimits/maxEntries``.
  func countEntry(_ name: String) throws {
    entryCount += 1
    if entryCount > limits.maxEntries {
      throw CasefileError(
        .archiveTooManyEntries, "the export has more than \(limits.maxEntries) entries",
        location: .init(file: file, entry: name))
    }
  }

  /// Checks a file entry's declared size before any of its data is read.
  func admit(_ name: String, declaredSize: Int64?) throws {
    guard let declaredSize else { return }
    if declaredSize > limits.maxEntryBytes {
      throw CasefileError(
        .archiveTooLarge,
        "the entry declares \(declaredSize) bytes, more than the \(limits.maxEntryBytes) allowed per entry",
        location: .init(file: file, entry: name))
    }
    declaredTotal += declaredSize
    if declaredTotal > limits.maxTotalBytes {
      throw CasefileError(
        .archiveTooLarge, "the export declares more than the \(limits.maxTotalBytes) bytes allowed in all",
        location: .init(file: file, entry: name))
    }
  }

  /// Adds `count` bytes of output, refusing past the total and the whole-archive ratio.
  func add(_ count: Int) -> (CasefileError.Code, String)? {
    totalBytes += Int64(count)
    if totalBytes > limits.maxTotalBytes {
      return (.archiveTooLarge, "the export holds more than the \(limits.maxTotalBytes) bytes allowed in all")
    }
    if let compressedSize, totalBytes > limits.ratioCheckAfterBytes,
      totalBytes / max(compressedSize, 1) > limits.maxRatio
    {
      return (
        .archiveRatio,
        "the archive expands more than \(limits.maxRatio) times its \(compressedSize) bytes"
      )
    }
    return nil
  }
}

/// The state behind one ``EntryStream``: counts what is read and stops at every cap.
final class StreamCore {
  static let chunkSize = 1 << 16

  let source: EntryByteSource
  let entry: ArchiveEntry
  let budget: ReadBudget
  private(set) var produced: Int64 = 0
  private(set) var finished = false
  /// Set when the visit closure has returned: the stream may no longer be read.
  var closed = false
  /// The first error this stream threw; the walk rethrows it even if the visitor swallowed it.
  private(set) var failure: CasefileError?

  init(source: EntryByteSource, entry: ArchiveEntry, budget: ReadBudget) {
    self.source = source
    self.entry = entry
    self.budget = budget
  }

  /// Records and returns an error that names this entry.
  func fail(_ code: CasefileError.Code, _ message: String) -> CasefileError {
    let error = CasefileError(code, message, location: .init(file: budget.file, entry: entry.path))
    if failure == nil { failure = error }
    return error
  }

  func read(max: Int) throws -> Data? {
    if closed {
      throw CasefileError(
        .internalError, "an entry stream was read after its visit ended",
        location: .init(file: budget.file, entry: entry.path))
    }
    if let failure { throw failure }
    if finished { return nil }
    let size = Swift.max(1, Swift.min(max, Self.chunkSize))
    var buffer = Data(count: size)
    let count: Int
    do {
      count = try buffer.withUnsafeMutableBytes { try source.readChunk(into: $0, entry: entry.path) }
    } catch let error as CasefileError {
      if failure == nil { failure = error }
      throw error
    }
    if count == 0 {
      finished = true
      if let declared = entry.declaredSize, produced < declared {
        throw fail(.archiveSizeMismatch, "the entry holds \(produced) bytes but declares \(declared)")
      }
      return nil
    }
    buffer.count = count
    try account(count)
    return buffer
  }

  private func account(_ count: Int) throws {
    produced += Int64(count)
    let limits = budget.limits
    if produced > limits.maxEntryBytes {
      throw fail(.archiveTooLarge, "the entry is larger than the \(limits.maxEntryBytes) bytes allowed per entry")
    }
    if let declared = entry.declaredSize, produced > declared {
      throw fail(.archiveSizeMismatch, "the entry holds more data than the \(declared) bytes it declares")
    }
    if produced > limits.ratioCheckAfterBytes, let compressed = source.compressedBytesForCurrentEntry(),
      produced / Swift.max(compressed, 1) > limits.maxRatio
    {
      throw fail(
        .archiveRatio, "the entry expands more than \(limits.maxRatio) times its compressed size")
    }
    if let (code, message) = budget.add(count) {
      throw fail(code, message)
    }
  }

  /// Reads and discards what the visitor left unread, so checksums and caps still apply to it.
  func drain() throws {
    while try read(max: Self.chunkSize) != nil {}
  }
}
