import ArgumentParser
import Foundation

/// The whole benchmark in one run: generates every input deterministically, measures casefile
/// beside the reference tools, prints one table, the growth curves, and writes both as Markdown
/// (for PERFORMANCE.md). It reports; it never fails on a missed target.
struct Suite: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "suite",
    abstract: "Run every benchmark: format families, the 100k-item bundle, a 1,000-case store, start-up and growth curves.")

  enum Part: String, ExpressibleByArgument, CaseIterable { case formats, bundle, store, startup, growth, lint }

  @Option(parsing: .upToNextOption, help: "Which parts to run (default: all): formats bundle store startup growth lint.")
  var parts: [Part] = Part.allCases
  @Flag(help: "Every size divided by 20: a quick check that the suite runs, not figures to quote.") var quick = false
  @Option(help: "Write the results as Markdown here (default: <work>/results.md).") var results: String?
  @OptionGroup var place: BenchPlace

  /// Sizes at full scale; --quick divides each by 20.
  var divisor: Int { quick ? 20 : 1 }
  var smsMessages: Int { 1_000_000 / divisor }
  var exportMessages: Int { 100_000 / divisor }
  var bundleItems: Int { 100_000 / divisor }
  var storeCases: Int { 1_000 / divisor }
  var bigCaseItems: Int { 10_000 }
  var caseItems: Int { 991 }

  func run() throws {
    let started = Date()
    let bin = try place.prepare()
    let table = ResultTable()
    let machine = Machine.describe()
    print(machine)
    let growth = GrowthTable()
    if parts.contains(.formats) { try measureFormats(bin: bin, table: table) }
    if parts.contains(.bundle) { try measureBundle(bin: bin, table: table) }
    if parts.contains(.store) { try measureStore(bin: bin, table: table) }
    if parts.contains(.startup) { try measureStartup(bin: bin, table: table) }
    if parts.contains(.growth) { try measureGrowth(bin: bin, table: growth) }
    if parts.contains(.lint) { try measureLint(bin: bin, table: table, growth: growth) }
    let missed = table.missed
    print("\n\(missed.isEmpty ? "Every target was met." : "Targets missed: " + missed.map(\.what).joined(separator: "; "))")
    if !growth.flags.isEmpty { print("Growth flagged: " + growth.flags.joined(separator: "; ")) }
    let minutes = Date().timeIntervalSince(started) / 60
    print(String(format: "The suite took %.1f minutes.", minutes))
    let path = results ?? "\(place.work)/results.md"
    var markdown = "## Results\n\n" + machine.split(separator: "\n").map { "- \($0)\n" }.joined()
    let chosen = parts == Part.allCases ? "" : " --parts " + parts.map(\.rawValue).joined(separator: " ")
    markdown += String(format: "- suite run: `casefile-bench suite%@%@`, %.1f minutes\n\n", quick ? " --quick" : "", chosen, minutes)
    markdown += table.markdown() + growth.markdown()
    try markdown.write(toFile: path, atomically: true, encoding: .utf8)
    print("Markdown results: \(path)")
  }

  /// Runs a casefile command that must succeed, and measures it.
  func required(_ arguments: [String], environment: [String: String]? = nil, _ what: String) throws -> Measurement {
    let log = "\(place.work)/errors.log"
    let run = try measure(arguments, environment: environment, errors: log)
    guard run.status == 0 else {
      throw BenchError("\(what) exited with \(run.status): \(arguments.joined(separator: " ")) (its messages are in \(log))")
    }
    return run
  }

  /// Reads the file once so that every tool after it reads from the page cache.
  func warm(_ path: String) throws { _ = try measure(["cat", path]) }

  /// How many evidence items the store holds (counted with the sqlite3 command, read-only).
  func evidenceCount(_ environment: [String: String]) throws -> Int {
    let store = environment["CASEFILE_STORE"] ?? ""
    let data = try capture(["/usr/bin/env", "sqlite3", "-readonly", "\(store)/casefile.sqlite", "SELECT count(*) FROM evidence"], environment: environment)
    return Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
  }

  /// The median of `count` runs (for commands of a few seconds at most), with the highest peak RSS.
  func median(_ count: Int, _ arguments: [String], environment: [String: String]? = nil) throws -> Measurement {
    var runs: [Measurement] = []
    for _ in 0..<count { runs.append(try required(arguments, environment: environment, arguments.dropFirst().joined(separator: " "))) }
    let sorted = runs.sorted { $0.seconds < $1.seconds }
    var middle = sorted[sorted.count / 2]
    middle.peakRSSMiB = runs.map(\.peakRSSMiB).max() ?? middle.peakRSSMiB
    return middle
  }
}

/// The machine the figures came from, in a few lines.
enum Machine {
  static func describe() -> String {
    func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    let cpu = read("/proc/cpuinfo").split(separator: "\n").first { $0.hasPrefix("model name") }
      .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown CPU"
    let memory = read("/proc/meminfo").split(separator: "\n").first { $0.hasPrefix("MemTotal") }
      .flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Double($0) } }.map { String(format: "%.0f GiB", $0 / 1_048_576) } ?? "?"
    let os = read("/etc/os-release").split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
      .map { $0.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) } ?? "Linux"
    let kernel = read("/proc/sys/kernel/osrelease").trimmingCharacters(in: .whitespacesAndNewlines)
    let swift = (try? capture(["/usr/bin/env", "swift", "--version"], environment: ProcessInfo.processInfo.environment))
      .map { String(decoding: $0, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "" } ?? "swift: not found"
    return """
      machine: \(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(memory) RAM
      system: \(os), kernel \(kernel); \(swift)
      date: \(ISO8601DateFormatter().string(from: Date()))
      """
  }
}
