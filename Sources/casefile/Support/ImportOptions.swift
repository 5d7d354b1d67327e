import ArgumentParser
import CasefileKit
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The options `scan` and `import` share: how to read the export.
struct ExportOptions: ParsableArguments {
  @Argument(help: "The export: a zip, tar or tar.gz archive, a folder, or a single file.") var path: String
  @Option(help: "Read the export as this format instead of detecting it (see 'casefile scan --help').") var format: String?
  @Option(name: .customLong("source-tz"), help: "The zone of times the export gives without one (default: $TZ).")
  var sourceTZ: String?

  func open() throws -> ExportSource {
    try ExportSource(url: URL(fileURLWithPath: path))
  }

  func forcedFormat() throws -> (any ExportFormat)? {
    try format.map(FormatRegistry.named)
  }

  func zone() throws -> TimeZone {
    guard let sourceTZ else { return try LocalZone.fromEnvironment() }
    guard let zone = TimeZone(identifier: sourceTZ) else {
      throw CasefileError(.badTime, "--source-tz '\(sourceTZ)' is not a time zone (try Europe/Dublin or UTC)")
    }
    return zone
  }
}

/// A one-line progress display on stderr, shown only when stderr is a terminal.
final class ProgressLine {
  private let enabled = isatty(2) == 1
  private var shown = false

  func update(_ progress: ReadProgress) {
    guard enabled else { return }
    let megabytes = Double(progress.bytes) / 1_048_576
    var line: String
    if let total = progress.totalBytes, total > 0 {
      let fraction = min(1, Double(progress.bytes) / Double(total))
      let filled = Int(fraction * 30)
      line = "[" + String(repeating: "=", count: filled) + String(repeating: " ", count: 30 - filled) + "] "
      line += String(format: "%3.0f%%", fraction * 100)
    } else {
      line = String(format: "%.0f MB read", megabytes)
    }
    line += "  \(progress.messages) messages"
    FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
    shown = true
  }

  func finish() {
    if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
  }
}
