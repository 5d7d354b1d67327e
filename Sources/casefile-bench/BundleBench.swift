import ArgumentParser
import Foundation

/// Measures `casefile export` (with signing) and `casefile verify` on a big synthetic case: every
/// message of a synthetic SMS backup imported into one case, MMS pictures as attachments.
struct BundleBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bundle", abstract: "Time export + sign and verify of a big case, with their peak memory.")

  @Option(help: "Records of the SMS backup imported into the case (one item each).") var messages = 100_000
  @Option(parsing: .upToNextOption, help: "Sizes to run, as multiples of --messages.") var scales: [Int] = [1]
  @OptionGroup var place: BenchPlace

  func run() throws {
    let bin = try place.prepare()
    let work = place.work
    print(String(format: "%-6@ %8@ %11@ %9@ | %24@ | %24@", "scale" as NSString, "items" as NSString, "attachments" as NSString,
      "bundle MB" as NSString, "export --for indemnifier" as NSString, "verify --fingerprint" as NSString))
    for scale in scales {
      let count = messages * scale
      let file = "\(work)/sms-\(count).xml"
      if !FileManager.default.fileExists(atPath: file) {
        _ = try GenerateSMS.write(messages: count, to: URL(fileURLWithPath: file), seed: 2026)
      }
      let (env, caseRef) = try place.freshStore("store-bundle-\(count)", bin: bin, withKey: true)
      guard try measure([bin, "import", file, "--case", caseRef], environment: env).status == 0 else { throw BenchError("import failed") }
      let package = "\(work)/bundle-\(count).zip"
      try? FileManager.default.removeItem(atPath: package)
      let export = try measure([bin, "export", "--case", caseRef, "--for", "indemnifier", "--out", package], environment: env)
      guard export.status == 0 else { throw BenchError("export exited with \(export.status)") }
      let key = try JSONSerialization.jsonObject(with: try capture([bin, "keys", "show", "--json"], environment: env)) as? [String: Any]
      let fingerprint = key?["fingerprint"] as? String ?? ""
      let verify = try measure([bin, "verify", package, "--fingerprint", fingerprint], environment: env)
      guard verify.status == 0 else { throw BenchError("verify exited with \(verify.status)") }
      let shown = try JSONSerialization.jsonObject(with: try capture([bin, "case", "show", caseRef, "--json"], environment: env)) as? [String: Any]
      let attachments = (shown?["evidence"] as? [[String: Any]] ?? []).reduce(0) { $0 + (($1["attachments"] as? [Any])?.count ?? 0) }
      let size = Double((try FileManager.default.attributesOfItem(atPath: package)[.size] as? Int) ?? 0) / 1_048_576
      print(String(format: "%-6@ %8d %11@ %9.1f | %8.2fs %8.1f MB | %8.2fs %8.1f MB", "\(scale)x" as NSString, count,
        "\(attachments)" as NSString, size, export.seconds, export.peakRSSMiB, verify.seconds, verify.peakRSSMiB))
    }
    print("Columns: wall time and peak RSS of each process. Targets: export + sign <= 10 s and verify <= 10 s at 100k items.")
  }
}
