import Foundation

/// The suite's third and fourth parts: `case list` and `case show` on a store of 1,000 cases and
/// about 1M items, and the CLI's start-up.
extension Suite {
  /// Builds (or finds, when the same casefile binary built it before) a store of `storeCases`
  /// cases: the first of 10,000 items, every other of 991, each imported from a synthetic SMS
  /// backup through the CLI. Returns its environment and the number of items.
  func bigStore(bin: String) throws -> (environment: [String: String], items: Int) {
    let name = "store-\(storeCases)-cases"
    let store = "\(place.work)/\(name)"
    let attributes = try FileManager.default.attributesOfItem(atPath: bin)
    let key = "\(bin) \((attributes[.size] as? Int) ?? 0) \((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
    let marker = "\(store).built-by"
    let items = bigCaseItems + (storeCases - 1) * caseItems
    var env = ProcessInfo.processInfo.environment
    env["CASEFILE_STORE"] = store
    env["TZ"] = "UTC"
    if (try? String(contentsOfFile: marker, encoding: .utf8)) == key, FileManager.default.fileExists(atPath: store) {
      print("   (reusing \(store), built by this casefile binary)")
      return (env, items)
    }
    try? FileManager.default.removeItem(atPath: marker)
    let (fresh, firstCase) = try place.freshStore(name, bin: bin)
    env = fresh
    let big = "\(place.work)/sms-\(bigCaseItems).xml"
    let small = "\(place.work)/sms-\(caseItems).xml"
    for (file, count) in [(big, bigCaseItems), (small, caseItems)] where !FileManager.default.fileExists(atPath: file) {
      _ = try GenerateSMS.write(messages: count, to: URL(fileURLWithPath: file), seed: 2026)
    }
    let year = firstCase.split(separator: "-")[1]
    let started = Date()
    for number in 1...storeCases {
      if number > 1 {
        _ = try required([bin, "case", "open", "Benchmark \(number)", "--category", "harassment"], environment: env, "casefile case open")
      }
      let ref = String(format: "C-%@-%04d", String(year), number)
      _ = try required([bin, "import", number == 1 ? big : small, "--case", ref], environment: env, "casefile import")
      if number % 100 == 0 { print(String(format: "   built %d of %d cases (%.0f s)", number, storeCases, Date().timeIntervalSince(started))) }
    }
    let stored = try evidenceCount(env)
    guard stored == items else { throw BenchError("the store holds \(stored) items, not \(items)") }
    try key.write(toFile: marker, atomically: true, encoding: .utf8)
    return (env, items)
  }

  func measureStore(bin: String, table: ResultTable) throws {
    table.section("Reading a big store")
    let (env, items) = try bigStore(bin: bin)
    let size = mebibytes("\(env["CASEFILE_STORE"] ?? "")/casefile.sqlite")
    let label = "\(grouped(storeCases)) cases, \(grouped(items)) items"
    table.note("store: \(label), \(sizeText(size)) of SQLite; each time is the median of 5 runs, the RSS the highest")
    let year = Calendar(identifier: .gregorian).component(.year, from: Date())
    let list = try median(5, [bin, "case", "list"], environment: env)
    table.add(ResultRow(
      what: "casefile case list", input: label, seconds: list.seconds, peakRSSMiB: list.peakRSSMiB, reference: nil,
      throughput: String(format: "%.0f cases/s", Double(storeCases) / list.seconds), target: ("<= 64 MB", list.peakRSSMiB <= 64)))
    for (number, count) in [(1, bigCaseItems), (max(2, storeCases / 2), caseItems)] {
      let show = try median(5, [bin, "case", "show", String(format: "C-%d-%04d", year, number)], environment: env)
      let target: (String, Bool) = count >= 10_000
        ? ("<= 200 ms, <= 64 MB", show.seconds <= 0.2 && show.peakRSSMiB <= 64) : ("<= 64 MB", show.peakRSSMiB <= 64)
      table.add(ResultRow(
        what: "casefile case show (\(grouped(count)) items)", input: label, seconds: show.seconds, peakRSSMiB: show.peakRSSMiB,
        reference: nil, throughput: throughput(items: count, seconds: show.seconds), target: target))
    }
  }

  func measureStartup(bin: String, table: ResultTable) throws {
    table.section("Start-up")
    let version = try median(21, [bin, "--version"])
    table.add(ResultRow(
      what: "casefile --version", input: "median of 21 runs", seconds: version.seconds, peakRSSMiB: version.peakRSSMiB,
      reference: nil, throughput: "", target: ("<= 50 ms", version.seconds <= 0.05)))
    let truth = try median(21, ["/bin/true"])
    table.add(ResultRow(
      what: "/bin/true (process start alone)", input: "median of 21 runs", seconds: truth.seconds, peakRSSMiB: truth.peakRSSMiB,
      reference: nil, throughput: "", target: nil))
  }
}
