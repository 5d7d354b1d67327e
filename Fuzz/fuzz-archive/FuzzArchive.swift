import CasefileKit
import Foundation

/// libFuzzer target for the archive reader: the bytes as an export (a zip, tar or tar.gz, told by
/// content as always), every entry walked and read to the end under the default ``ArchiveLimits``.
///
/// ``ExportSource`` reads a path, so each input is written to one scratch file per process, in
/// `TMPDIR`. Thrown errors are expected; a crash, trap, hang or runaway memory is a bug.
enum ArchiveTarget {
  static let scratch = FileManager.default.temporaryDirectory
    .appendingPathComponent("casefile-fuzz-archive-\(getpid())")

  static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
    do {
      try Data(buffer: bytes).write(to: scratch)
    } catch {
      fatalError("fuzz-archive: cannot write the scratch file: \(error)")
    }
    do {
      let source = try ExportSource(url: scratch)
      var total = 0
      try source.walk { entry, stream in
        precondition(!entry.path.isEmpty, "an entry with an empty path was handed out")
        while let chunk = try stream.read(max: 64 << 10) {
          total += chunk.count
        }
        return .next
      }
      _ = total
    } catch {
      // A thrown error is a clean refusal.
    }
  }
}

#if FUZZING
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    ArchiveTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
  }
#else
  /// Replays the files given as arguments through the fuzz function, to reproduce a finding
  /// without libFuzzer.
  @main
  enum Replay {
    static func main() throws {
      defer { try? FileManager.default.removeItem(at: ArchiveTarget.scratch) }
      for path in CommandLine.arguments.dropFirst() {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        data.withUnsafeBytes { ArchiveTarget.run($0.bindMemory(to: UInt8.self)) }
        print("replayed \(path) (\(data.count) bytes)")
      }
    }
  }
#endif
