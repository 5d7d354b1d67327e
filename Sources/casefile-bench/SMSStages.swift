import ArgumentParser
import CasefileKit
import Foundation

/// Times the stages of reading an SMS backup inside one process, to show where the time goes:
/// reading the file, the surrogate repair, the fragment scanner, libxml2's reader alone, the SMS
/// format, and the scan's counting on top.
struct SMSStages: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sms-stages", abstract: "Time each stage of reading an SMS backup, in process.")

  @Argument(help: "The SMS backup file.") var file: String

  func run() throws {
    let url = URL(fileURLWithPath: file)
    /// A FormatInput-style reader over the file, 64 KiB at a time.
    func reader() throws -> (Int) throws -> Data? {
      let handle = try FileHandle(forReadingFrom: url)
      return { max in
        let chunk = try handle.read(upToCount: max)
        return chunk?.isEmpty == false ? chunk : nil
      }
    }
    func time(_ name: String, _ body: () throws -> Void) rethrows {
      let start = Date()
      try body()
      print(String(format: "%-40@ %7.3f s", name as NSString, Date().timeIntervalSince(start)))
    }
    try time("read") {
      let read = try reader()
      while try read(1 << 16) != nil {}
    }
    try time("read + repair") {
      let read = try reader()
      var repair = SurrogateRepair()
      while let chunk = try read(1 << 16) { _ = repair.push(chunk) }
    }
    try time("read + fragment scanner") {
      let read = try reader()
      var scanner = XMLFragmentScanner(depth: 1)
      while let chunk = try read(1 << 16) {
        scanner.push(chunk)
        while scanner.nextRawFragment() != nil {}
      }
    }
    try time("read + repair + libxml2 reader") {
      let read = try reader()
      let xml = try XMLStreamReader(location: .init(file: file)) { try read($0) }
      while try xml.next() {}
    }
    let location = CasefileError.Location(file: file)
    try time("SMS format, messages dropped") {
      let input = FormatInput(entryPath: url.lastPathComponent, sourcePath: file, sourceZone: .gmt, read: try reader())
      var count = 0
      try SMSBackupFormat().messages(input) { _ in count += 1 }
      _ = location
    }
    try time("SMS format + scan counting") {
      let input = FormatInput(entryPath: url.lastPathComponent, sourcePath: file, sourceZone: .gmt, read: try reader())
      var accumulator = try ScanAccumulator(match: nil, contains: [])
      try SMSBackupFormat().messages(input) { accumulator.add($0) }
      _ = accumulator.report(source: file, sourceSha256: nil, warnings: [])
    }
  }
}
