import Foundation

/// The suite's lint part: `casefile lint` on a case holding one long message, as a doctor runs it
/// before a platform export. The message is "word 12/03/2001 " repeated (every date a finding),
/// in a growth curve of 2.5 to 20 MB, and then the other worst cases at 20 MB.
extension Suite {
  /// The texts that make the lint work hardest, each repeated to the size wanted.
  static let lintWorstCases: [(name: String, unit: String)] = [
    ("repeated dates", "word 12/03/2001 "),
    ("one letter", "a"),
    ("digits", "0123456789"),
    ("separators", "/.- "),
    ("zero-width characters", "a\u{200B}\u{200B}\u{200B}"),
    ("your your your", "your "),
    ("near-miss words", "pateint docter "),
    ("near-miss numbers", "943 476 5918 31/02/2001 "),
    ("dates of birth", "DOB 12/03/2001 "),
  ]

  /// `unit` repeated to `bytes` (whole units), written once into the work folder.
  func lintInput(_ name: String, unit: String, bytes: Int) throws -> String {
    let slug = name.replacingOccurrences(of: " ", with: "-")
    let file = "\(place.work)/lint-\(slug)-\(bytes).txt"
    if !FileManager.default.fileExists(atPath: file) {
      let unitBytes = Array(unit.utf8)
      var data = Data(capacity: bytes)
      while data.count + unitBytes.count <= bytes { data.append(contentsOf: unitBytes) }
      try data.write(to: URL(fileURLWithPath: file))
    }
    return file
  }

  /// A fresh store with one case holding the text of `file` as one message (logged from stdin).
  func lintStore(_ file: String, bin: String) throws -> (environment: [String: String], caseRef: String) {
    let (env, caseRef) = try place.freshStore("store-lint", bin: bin)
    let log = try measure(
      [bin, "log", "--case", caseRef, "--platform", "x", "--kind", "dm", "--author", "@bench", "--at", "2026-11-20 21:30Z"],
      environment: env, errors: "\(place.work)/errors.log", stdin: file)
    guard log.status == 0 else { throw BenchError("casefile log exited with \(log.status) (its messages are in \(place.work)/errors.log)") }
    return (env, caseRef)
  }

  /// `casefile lint --for platform` on the case; it exits 65 when findings would stop the export.
  func lintRun(_ store: (environment: [String: String], caseRef: String), bin: String) throws -> Measurement {
    let run = try measure(
      [bin, "lint", "--case", store.caseRef, "--for", "platform"], environment: store.environment, errors: "\(place.work)/errors.log")
    guard run.status == 0 || run.status == 65 else {
      throw BenchError("casefile lint exited with \(run.status) (its messages are in \(place.work)/errors.log)")
    }
    return run
  }

  func measureLint(bin: String, table: ResultTable, growth: GrowthTable) throws {
    let step = 2_500_000 / divisor
    growth.curve("Lint of one message of repeated dates")
    for scale in Self.growthScales {
      let file = try lintInput("repeated dates", unit: Self.lintWorstCases[0].unit, bytes: step * scale)
      let store = try lintStore(file, bin: bin)
      let run = try lintRun(store, bin: bin)
      growth.add(.init(scale: scale, items: step * scale, mib: mebibytes(file), run: run))
    }
    let bytes = step * 8
    table.section("Confidentiality lint: one message of \(sizeText(Double(bytes) / 1_048_576))")
    for (name, unit) in Self.lintWorstCases {
      let file = try lintInput(name, unit: unit, bytes: bytes)
      let store = try lintStore(file, bin: bin)
      let run = try median(3, store, bin: bin)
      table.add(ResultRow(
        what: "casefile lint: \(name)", input: "\"\(Self.shown(unit))\" x \(grouped(bytes / unit.utf8.count))", seconds: run.seconds,
        peakRSSMiB: run.peakRSSMiB, reference: nil,
        throughput: String(format: "%.0f MB/s", Double(bytes) / 1_000_000 / run.seconds),
        target: ("<= 2 s", run.seconds <= 2)))
    }
    table.note("each time is the median of 3 runs of `casefile lint --for platform` on a case holding the one message, the RSS the highest")
    try? FileManager.default.removeItem(atPath: "\(place.work)/store-lint")
  }

  private func median(_ count: Int, _ store: (environment: [String: String], caseRef: String), bin: String) throws -> Measurement {
    var runs: [Measurement] = []
    for _ in 0..<count { runs.append(try lintRun(store, bin: bin)) }
    var middle = runs.sorted { $0.seconds < $1.seconds }[count / 2]
    middle.peakRSSMiB = runs.map(\.peakRSSMiB).max() ?? middle.peakRSSMiB
    return middle
  }

  /// A unit as the table shows it: invisible characters by their code.
  static func shown(_ unit: String) -> String {
    unit.unicodeScalars.map { $0.properties.generalCategory == .format ? String(format: "U+%04X", $0.value) : String($0) }.joined()
  }
}
