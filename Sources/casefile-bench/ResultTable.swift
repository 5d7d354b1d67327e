import Foundation

/// One line of the suite's table: what ran, on what, how long, against which yardstick, and
/// whether it met its target.
struct ResultRow {
  var what: String
  var input: String
  var seconds: Double
  var peakRSSMiB: Double?
  /// The yardstick this line is compared with: its name and time.
  var reference: (name: String, seconds: Double)?
  var throughput: String
  /// The target, and whether it was met; nil where there is none.
  var target: (text: String, met: Bool)?
}

/// The suite's results: printed as an aligned table as they come, and written as Markdown at the end.
final class ResultTable {
  private(set) var sections: [(title: String, rows: [ResultRow], notes: [String])] = []

  func section(_ title: String) {
    sections.append((title, [], []))
    print("\n== \(title)")
    print(Self.line(Self.header))
  }

  func add(_ row: ResultRow) {
    sections[sections.count - 1].rows.append(row)
    print(Self.line(Self.cells(row)))
  }

  func note(_ text: String) {
    sections[sections.count - 1].notes.append(text)
    print("   " + text)
  }

  var missed: [ResultRow] { sections.flatMap(\.rows).filter { $0.target?.met == false } }

  static let header = ["what", "input", "time", "vs yardstick", "throughput", "peak RSS", "target"]
  static let widths = [34, 26, 9, 30, 18, 10, 30]

  static func cells(_ row: ResultRow) -> [String] {
    [
      row.what, row.input, seconds(row.seconds),
      row.reference.map { String(format: "%.2fx %@ (%@)", row.seconds / $0.seconds, $0.name, seconds($0.seconds)) } ?? "",
      row.throughput, row.peakRSSMiB.map { String(format: "%.1f MB", $0) } ?? "",
      row.target.map { "\($0.met ? "met" : "MISSED"): \($0.text)" } ?? "",
    ]
  }

  static func line(_ cells: [String]) -> String {
    zip(cells, widths).map { cell, width in cell.count >= width ? cell : cell + String(repeating: " ", count: width - cell.count) }
      .joined(separator: " ").trimmingCharacters(in: .whitespaces)
  }

  static func seconds(_ value: Double) -> String {
    value < 1 ? String(format: "%.0f ms", value * 1000) : String(format: "%.2f s", value)
  }

  /// The whole table as Markdown, one table per section, with each section's notes after it.
  func markdown() -> String {
    var out = ""
    for section in sections {
      out += "### \(section.title)\n\n| " + Self.header.joined(separator: " | ") + " |\n|" + String(repeating: "---|", count: Self.header.count) + "\n"
      for row in section.rows {
        out += "| " + Self.cells(row).map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
      }
      out += section.notes.isEmpty ? "\n" : "\n" + section.notes.map { "- \($0)\n" }.joined() + "\n"
    }
    return out
  }
}

/// "1,000,000".
func grouped(_ number: Int) -> String {
  let formatter = NumberFormatter()
  formatter.numberStyle = .decimal
  formatter.locale = Locale(identifier: "en_US_POSIX")
  formatter.groupingSeparator = ","
  formatter.usesGroupingSeparator = true
  return formatter.string(from: NSNumber(value: number)) ?? "\(number)"
}

/// The size of a file in MiB.
func mebibytes(_ path: String) -> Double {
  Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1_048_576
}

/// "371 MB" or "2.1 MB".
func sizeText(_ mib: Double) -> String { mib >= 10 ? String(format: "%.0f MB", mib) : String(format: "%.1f MB", mib) }

/// Throughput as messages per second and, where a file's size is known, MB per second.
func throughput(items: Int, mib: Double? = nil, seconds: Double) -> String {
  let rate = Double(items) / seconds
  let items = rate >= 10_000 ? String(format: "%.0fk msg/s", rate / 1000) : String(format: "%.0f msg/s", rate)
  guard let mib else { return items }
  return items + String(format: ", %.0f MB/s", mib / seconds)
}
