import Foundation

/// Growth curves: the same work at 1x, 2x, 4x and 8x the input. Time should double with each step
/// and memory should stay flat; a step whose time grows by more than 2.3x (linear plus 15% for
/// noise) is flagged as super-linear, and a peak RSS above 1.25x the 1x figure plus 8 MB as
/// growing memory.
final class GrowthTable {
  struct Point {
    var scale: Int
    var items: Int
    var mib: Double?
    var run: Measurement
  }

  private(set) var curves: [(title: String, points: [Point])] = []
  private(set) var flags: [String] = []

  static let header = ["scale", "input", "time", "per item", "step", "peak RSS", "flag"]
  static let widths = [6, 26, 9, 10, 7, 10, 30]

  func curve(_ title: String) {
    curves.append((title, []))
    print("\n== Growth: \(title)")
    print(Self.line(Self.header))
  }

  func add(_ point: Point) {
    curves[curves.count - 1].points.append(point)
    let cells = Self.cells(point, in: curves[curves.count - 1].points)
    if !cells[6].isEmpty { flags.append("\(curves[curves.count - 1].title) at \(point.scale)x: \(cells[6])") }
    print(Self.line(cells))
  }

  static func line(_ cells: [String]) -> String {
    zip(cells, widths).map { $0.count >= $1 ? $0 : $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: " ")
      .trimmingCharacters(in: .whitespaces)
  }

  static func cells(_ point: Point, in points: [Point]) -> [String] {
    let previous = points.firstIndex { $0.scale == point.scale }.flatMap { $0 > 0 ? points[$0 - 1] : nil }
    let first = points[0]
    var flag: [String] = []
    var step = ""
    if let previous {
      let ratio = point.run.seconds / previous.run.seconds
      let expected = Double(point.items) / Double(previous.items)
      step = String(format: "%.2fx", ratio)
      if ratio > expected * 1.15 { flag.append(String(format: "SUPER-LINEAR (%.2fx for %.0fx)", ratio, expected)) }
    }
    if point.run.peakRSSMiB > first.run.peakRSSMiB * 1.25 + 8 {
      flag.append(String(format: "MEMORY GROWS (%.1fx of 1x)", point.run.peakRSSMiB / first.run.peakRSSMiB))
    }
    let input = "\(grouped(point.items)) items" + (point.mib.map { ", " + sizeText($0) } ?? "")
    return [
      "\(point.scale)x", input, ResultTable.seconds(point.run.seconds),
      String(format: "%.1f µs", point.run.seconds / Double(point.items) * 1_000_000), step,
      String(format: "%.1f MB", point.run.peakRSSMiB), flag.joined(separator: "; "),
    ]
  }

  func markdown() -> String {
    var out = ""
    for curve in curves {
      out += "### Growth: \(curve.title)\n\n| " + Self.header.joined(separator: " | ") + " |\n|" + String(repeating: "---|", count: Self.header.count) + "\n"
      for (index, point) in curve.points.enumerated() {
        out += "| " + Self.cells(point, in: Array(curve.points.prefix(index + 1))).joined(separator: " | ") + " |\n"
      }
      out += "\n"
    }
    return out
  }
}

extension Suite {
  static let growthScales = [1, 2, 4, 8]

  func measureGrowth(bin: String, table: GrowthTable) throws {
    let base = smsMessages / 8
    var files: [(Int, String)] = []
    for scale in Self.growthScales {
      let file = "\(place.work)/sms-\(base * scale).xml"
      if !FileManager.default.fileExists(atPath: file) { _ = try GenerateSMS.write(messages: base * scale, to: URL(fileURLWithPath: file), seed: 2026) }
      files.append((scale, file))
    }
    table.curve("SMS scan")
    for (scale, file) in files {
      try warm(file)
      let run = try required([bin, "scan", file, "--json"], "casefile scan")
      table.add(.init(scale: scale, items: base * scale, mib: mebibytes(file), run: run))
    }
    table.curve("SMS import (every message)")
    for (scale, file) in files {
      try warm(file)
      let (env, caseRef) = try place.freshStore("store-growth", bin: bin)
      let run = try required([bin, "import", file, "--case", caseRef], environment: env, "casefile import")
      table.add(.init(scale: scale, items: base * scale, mib: mebibytes(file), run: run))
    }
    table.curve("Evidence package export (with signing)")
    let items = bundleItems / 8
    for scale in Self.growthScales {
      let store = try bundleCase(items: items * scale, bin: bin)
      let (run, package) = try export(store, items: items * scale, bin: bin)
      table.add(.init(scale: scale, items: items * scale, mib: mebibytes(package), run: run))
      try? FileManager.default.removeItem(atPath: store.environment["CASEFILE_STORE"] ?? "")
    }
    try? FileManager.default.removeItem(atPath: "\(place.work)/store-growth")
  }
}
