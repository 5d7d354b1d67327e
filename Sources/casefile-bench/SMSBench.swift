import ArgumentParser
import CasefileKit
import Foundation

/// Measures `casefile scan` and `casefile import --from` beside `xmllint --stream` on the same
/// synthetic SMS backup, at 1x and 4x (or the sizes given).
struct SMSBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sms", abstract: "Time scan and import of big SMS backups against xmllint --stream.")

  @Option(help: "Records at 1x.") var messages = 1_000_000
  @Option(parsing: .upToNextOption, help: "Sizes to run, as multiples of --messages (e.g. --scales 1 4).") var scales: [Int] = [1, 4]
  @OptionGroup var place: BenchPlace

  func run() throws {
    let bin = try place.prepare()
    let work = place.work
    print(String(format: "%-6@ %10@ %9@ | %22@ | %30@ | %30@", "scale" as NSString, "records" as NSString, "MB" as NSString,
      "xmllint --stream" as NSString, "casefile scan" as NSString, "casefile import --from" as NSString))
    // The import selects the harassing sender's messages up to where a 1x file ends (on average),
    // so that it stores the same messages, about 20,000 of them, from every size of file: what
    // changes with the scale is only how much it has to read.
    let cut = Date(timeIntervalSince1970: (Double(GenerateSMS.firstDate) + Double(messages) * 60_000) / 1000)
    let until = ISO8601DateFormatter().string(from: cut)
    print("import: --from \(GenerateSMS.abuser) --until \(until) (the same messages at every scale)")
    for scale in scales {
      let count = messages * scale
      let file = "\(work)/sms-\(count).xml"
      if !FileManager.default.fileExists(atPath: file) {
        _ = try GenerateSMS.write(messages: count, to: URL(fileURLWithPath: file), seed: 2026)
      }
      let size = Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0) / 1_048_576
      // xmllint refuses surrogate-pair references outright (threats.md), so it reads a twin of the
      // file with the pairs joined: byte for byte what casefile's parser sees after its repair.
      let twin = "\(work)/sms-\(count).joined-pairs.xml"
      if !FileManager.default.fileExists(atPath: twin) { try Self.writeTwin(of: file, to: twin) }
      // Warm the page cache so that every tool reads from memory.
      _ = try measure(["cat", file])
      _ = try measure(["cat", twin])
      let xmllint = try measure(["xmllint", "--stream", "--noout", twin])
      let scan = try measure([bin, "scan", file, "--json"])
      let (env, caseRef) = try place.freshStore("store-\(count)", bin: bin)
      let importRun = try measure(
        [bin, "import", file, "--case", caseRef, "--from", GenerateSMS.abuser, "--until", until], environment: env)
      for (name, run) in [("xmllint", xmllint), ("scan", scan), ("import", importRun)] where run.status != 0 {
        throw BenchError("\(name) exited with \(run.status) at scale \(scale)")
      }
      func cell(_ run: Measurement) -> String {
        String(format: "%6.2fs %5.2fx %6.1f MB", run.seconds, run.seconds / xmllint.seconds, run.peakRSSMiB)
      }
      print(String(format: "%-6@ %10d %9.1f | %8.2fs %6.1f MB      | %@       | %@", "\(scale)x" as NSString, count, size,
        xmllint.seconds, xmllint.peakRSSMiB, cell(scan) as NSString, cell(importRun) as NSString))
    }
    print("Columns: wall time, ratio to xmllint --stream, peak RSS of the process.")
    print("xmllint cannot read the file's surrogate-pair references at all, so it reads a twin with the pairs joined.")
    print("Targets: scan <= 1.5x, import <= 2x, peak RSS <= 64 MB and flat from 1x to 4x.")
  }

  /// Writes the file with its surrogate-pair references joined, as casefile's repair does.
  static func writeTwin(of source: String, to destination: String) throws {
    guard let input = FileHandle(forReadingAtPath: source) else { throw BenchError("cannot read \(source)") }
    defer { try? input.close() }
    _ = FileManager.default.createFile(atPath: destination, contents: nil)
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: destination))
    defer { try? output.close() }
    var repair = SurrogateRepair()
    while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
      try output.write(contentsOf: repair.push(chunk))
    }
    try output.write(contentsOf: repair.finish())
  }
}
