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
/// as a stream. Entries no format claims are passed over.
public enum ExportReading {
  /// Reads every message of `source`. Returns the warnings gathered, and fails with a message
  /// listing the supported formats when no entry is in any of them.
  public static func read(
    _ source: ExportSource, format forced: (any ExportFormat)?, sourceZone: TimeZone,
    progress: ((ReadProgress) -> Void)? = nil, emit: (ImportedMessage) throws -> Void
  ) throws -> [ImportWarning] {
    var warnings: [ImportWarning] = []
    var claimed = 0
    var messages = 0
    var bytes: Int64 = 0
    var lastReport: Int64 = 0
    try source.walk { entry, stream in
      let total: Int64? = source.kind == .file ? entry.declaredSize : nil
      let head = try stream.read(max: 4096) ?? Data()
      let format: (any ExportFormat)?
      if let forced {
        // A forced format takes a single file as it is, and in an archive the entries it claims.
        format = source.kind == .file || forced.claims(entryPath: entry.path, head: head) ? forced : nil
      } else {
        format = FormatRegistry.detect(entryPath: entry.path, head: head)
      }
      guard let format else { return .next }
      claimed += 1
      var pending: Data? = head
      var body = stream
      let input = FormatInput(
        entryPath: entry.path, sourcePath: source.url.path, sourceZone: sourceZone,
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
      return .next
    }
    guard claimed > 0 else {
      if let forced {
        throw CasefileError(
          .unknownFormat, "no entry of this export is in the format \(forced.id)", location: .init(file: source.url.path))
      }
      throw CasefileError(
        .unknownFormat, "no supported export format was found here; supported: \(FormatRegistry.supportedList)",
        location: .init(file: source.url.path))
    }
    progress?(ReadProgress(bytes: bytes, totalBytes: nil, messages: messages, entry: ""))
    return warnings
  }
}
