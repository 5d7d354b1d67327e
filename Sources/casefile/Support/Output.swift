import CasefileKit
import Foundation

/// Prints to stdout with control characters made visible (``TerminalText``).
///
/// Every command prints through this one function: it shadows the standard library's `print`
/// within the executable, so no command can print a sender's name or a text raw, and a new
/// command is covered without remembering to be. `--json` output does not come here: JSON escapes
/// control characters itself and stays exact.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
  let text = items.map { "\($0)" }.joined(separator: separator)
  Swift.print(TerminalText.escape(text), terminator: terminator)
}

enum Output {
  /// Prints a value as JSON: sorted snake_case keys, pretty-printed.
  static func json<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
  }

  /// Prints a notice on stderr (not the command's output), with control characters made
  /// visible: notices name files, entries and handles that come from an export. Its own line
  /// breaks (a list of lint findings) stay, and every line after the first is indented, so a
  /// line break inside a name cannot start a line that looks like one of casefile's.
  static func notice(_ text: String) {
    let lines = TerminalText.escape(text).split(separator: "\n", omittingEmptySubsequences: false)
    let shown = lines.enumerated().map { $0.offset == 0 || $0.element.hasPrefix("  ") ? $0.element : "  " + $0.element }
    FileHandle.standardError.write(Data("casefile: \(shown.joined(separator: "\n"))\n".utf8))
  }

  /// Prints an error on stderr, as ``notice(_:)`` does.
  static func error(_ text: String) {
    notice("error: \(text)")
  }

  /// Wraps text to a width with an indent, for guidance paragraphs.
  static func wrap(_ text: String, indent: String, width: Int = 96) -> String {
    var lines: [String] = []
    var line = indent
    for word in text.split(whereSeparator: \.isWhitespace) {
      if line.count + word.count + 1 > width, line != indent {
        lines.append(line)
        line = indent
      }
      line += (line == indent ? "" : " ") + word
    }
    if line != indent { lines.append(line) }
    return lines.joined(separator: "\n")
  }

  /// A UTC stamp shortened for reading: `2026-11-20 14:03:00Z`.
  static func short(_ stamp: String) -> String {
    guard stamp.count == 24 else { return stamp }
    return stamp.prefix(10) + " " + stamp.dropFirst(11).prefix(8) + "Z"
  }
}
