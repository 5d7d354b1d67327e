import Foundation

/// How far a read has got, for a progress bar.
public struct ReadProgress: Sendable {
  /// Bytes of entries read so far (uncompressed).
  public var bytes: Int64
  /// The total to expect, when it is known (a plain file or folder); nil for an archive.
  public var totalBytes: Int64?
  public var messages: Int
  public var entry: String
}

/// Reads an export through the format registry: every entry is offered to the formats (or only
/// to the one forced with `--format`), and the messages of the entries they claim are handed on
/// as a stream. Entries no format claims are passed over. An entry whose format puts it off until
/// a fact from another entry is known (see ``ExportContext``) is read in a second walk, after all
/// the others; an export with none is walked once.
public enum ExportReading {
  /// Reads every message of `source`. Returns the warnings gathered, and fails with a message
  /// listing the supported formats when no entry is in any of them. What the entries told beyond
  /// their messages (such as a block list) is left in `context`.
  public static func read(
    _ source: ExportSource, format forced: (any ExportFormat)?, sourceZone: TimeZone,
    context: ExportContext = ExportContext(), progress: ((ReadProgress) -> Void)? = nil,
    emit: (ImportedMessage) throws -> Void
  ) throws -> [ImportWarning] {
    var warnings: [ImportWarning] = []
    var claimedBy: [String: any ExportFormat] = [:]
    var messages = 0
    var bytes: Int64 = 0
    var lastReport: Int64 = 0
    // Entries put off to the last pass, by their place in the walk (names may repeat).
    var putOff = Set<Int>()

    func format(of entry: ArchiveEntry, head: Data) -> (any ExportFormat)? {
      if let forced {
        // A forced format takes a single file as it is, and in an archive the entries it claims.
        return source.kind == .file || forced.claims(entryPath: entry.path, head: head) ? forced : nil
      }
      return FormatRegistry.detect(entryPath: entry.path, head: head)
    }

    func readEntry(_ entry: ArchiveEntry, head: Data, stream: EntryStream, format: any ExportFormat) throws {
      let total: Int64? = source.kind == .file ? entry.declaredSize : nil
      var pending: Data? = head
      var body = stream
      let input = FormatInput(
        entryPath: entry.path, sourcePath: source.url.path, sourceZone: sourceZone, context: context,
        warn: { warnings.append(ImportWarning(entry: entry.path, message: $0)) },
        warnKeeping: { warnings.append(ImportWarning(entry: entry.path, message: $0, raw: $1)) }
      ) { max in
        let chunk: Data?
        if let first = pending {
          pending = nil
          chunk = first.isEmpty ? try body.read(max: max) : first
        } else {
          chunk = try body.read(max: max)
        }
        if let chunk {
          bytes += Int64(chunk.count)
          if let progress, bytes - lastReport >= 1 << 22 {
            lastReport = bytes
            progress(ReadProgress(bytes: bytes, totalBytes: total, messages: messages, entry: entry.path))
          }
        }
        return chunk
      }
      try format.messages(input) { message in
        messages += 1
        try emit(message)
      }
    }

    try source.walk { entry, stream in
      let head = try stream.read(max: 4096) ?? Data()
      guard let format = format(of: entry, head: head) else { return .next }
      claimedBy[format.id] = format
      if format.defers(entryPath: entry.path, head: head, context: context) {
        putOff.insert(entry.ordinal)
        return .next
      }
      try readEntry(entry, head: head, stream: stream, format: format)
      return .next
    }
    if !putOff.isEmpty {
      context.isLastPass = true
      try source.walk { entry, stream in
        guard putOff.contains(entry.ordinal) else { return .next }
        let head = try stream.read(max: 4096) ?? Data()
        guard let format = format(of: entry, head: head) else { return .next }
        try readEntry(entry, head: head, stream: stream, format: format)
        return .next
      }
    }
    guard !claimedBy.isEmpty else {
      if let forced {
        throw CasefileError(
          .unknownFormat, "no entry of this export is in the format \(forced.id)", location: .init(file: source.url.path))
      }
      throw CasefileError(
        .unknownFormat, "no supported export format was found here; supported: \(FormatRegistry.supportedList)",
        location: .init(file: source.url.path))
    }
    for id in claimedBy.keys.sorted() {
      claimedBy[id]?.finish(context: context) { warnings.append(ImportWarning(entry: $0, message: $1)) }
    }
    progress?(ReadProgress(bytes: bytes, totalBytes: nil, messages: messages, entry: ""))
    return warnings
  }
}
