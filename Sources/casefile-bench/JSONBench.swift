import ArgumentParser
import Foundation

/// Measures `casefile scan` and `casefile import --from` on a big synthetic Telegram `result.json`
/// (the JSON formats read a file whole, once), beside `jq empty`, which parses the same file into
/// memory. The figure that matters is the peak RSS against the file's size: a JSON file must be
/// held once, not copied or decoded whole.
struct JSONBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "json", abstract: "Time scan and import of a big Telegram result.json, and their peak memory.")

  @Option(help: "Messages at 1x.") var messages = 1_000_000
  @Option(parsing: .upToNextOption, help: "Sizes to run, as multiples of --messages.") var scales: [Int] = [1]
  @OptionGroup var place: BenchPlace

  func run() throws {
    let bin = try place.prepare()
    let work = place.work
    print("import: --from '\(GenerateTelegram.abuser)' (one chat, about 1/300 of the messages)")
    print(String(format: "%-6@ %10@ %9@ | %20@ | %32@ | %32@", "scale" as NSString, "messages" as NSString, "MB" as NSString,
      "jq empty" as NSString, "casefile scan" as NSString, "casefile import --from" as NSString))
    for scale in scales {
      let count = messages * scale
      let folder = "\(work)/telegram-\(count)"
      let file = "\(folder)/result.json"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      if !FileManager.default.fileExists(atPath: file) {
        _ = try GenerateTelegram.write(messages: count, to: URL(fileURLWithPath: file), seed: 2026)
      }
      let bytes = Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0) / 1_048_576
      // jq refuses Telegram's \xNN escapes, which are not JSON, so it reads a twin with them
      // written as \u00NN: byte for byte what casefile decodes after its repair.
      let twin = "\(folder)/result.repaired-escapes.json"
      if !FileManager.default.fileExists(atPath: twin) {
        let sed = Process()
        sed.executableURL = URL(fileURLWithPath: "/bin/sh")
        sed.arguments = ["-c", "sed -e 's/\\\\x\\([0-9a-fA-F][0-9a-fA-F]\\)/\\\\u00\\1/g' \"$0\" > \"$1\"", file, twin]
        try sed.run()
        sed.waitUntilExit()
        guard sed.terminationStatus == 0 else { throw BenchError("could not write \(twin)") }
      }
      _ = try measure(["cat", file])
      _ = try measure(["cat", twin])
      let jq = try measure(["jq", "empty", twin])
      let scan = try measure([bin, "scan", file, "--json"])
      let (env, caseRef) = try place.freshStore("store-telegram-\(count)", bin: bin)
      let importRun = try measure([bin, "import", file, "--case", caseRef, "--from", GenerateTelegram.abuser], environment: env)
      for (name, run) in [("scan", scan), ("import", importRun)] where run.status != 0 {
        throw BenchError("\(name) exited with \(run.status) at scale \(scale)")
      }
      func cell(_ run: Measurement) -> String {
        String(format: "%6.2fs %7.1f MB = %4.2fx file", run.seconds, run.peakRSSMiB, run.peakRSSMiB / bytes)
      }
      let jqCell = jq.status == 0 ? String(format: "%6.2fs %7.1f MB", jq.seconds, jq.peakRSSMiB) : "jq failed (\(jq.status))"
      print(String(format: "%-6@ %10d %9.1f | %@ | %@ | %@", "\(scale)x" as NSString, count, bytes, jqCell as NSString,
        cell(scan) as NSString, cell(importRun) as NSString))
    }
    print("Columns: wall time, peak RSS of the process, and that RSS as a multiple of the file's size.")
    print("Target: a JSON file is held once: peak RSS under 1.5x the file's size (plus a fixed few tens of MB).")
  }
}
