import Foundation

extension CasefileError.Code {
  /// A `--redact` pattern that is empty or is not a regular expression.
  public static let badRedact = CasefileError.Code("bad-redact", .usage)
}

/// A text after `--redact`: the new text, and how many matches were replaced.
public struct RedactedText: Hashable, Sendable {
  public var text: String
  public var replacements: Int

  /// Whether anything was replaced.
  public var changed: Bool { replacements > 0 }

  public init(text: String, replacements: Int) {
    self.text = text
    self.replacements = replacements
  }
}

/// `--redact REGEX`: replaces every match of the patterns in outgoing text with `[redacted]`.
///
/// Patterns are ICU regular expressions, as `--match` takes, matched as written (`(?i)` makes one
/// ignore case). They apply one after another, in the order given. An empty match replaces
/// nothing. Redact first, then lint the redacted texts, and send those.
public struct Redactor: Sendable {
  /// What a match becomes.
  public static let replacement = "[redacted]"

  private let regexes: [NSRegularExpression]

  /// Throws `bad-redact` (a usage error) for an empty pattern or one that does not compile.
  public init(patterns: [String]) throws {
    regexes = try patterns.map { pattern in
      guard !pattern.isEmpty else { throw CasefileError(.badRedact, "--redact needs a pattern that is not empty") }
      do {
        return try NSRegularExpression(pattern: pattern)
      } catch {
        throw CasefileError(.badRedact, "--redact '\(pattern)' is not a regular expression")
      }
    }
  }

  /// Whether there is nothing to redact.
  public var isEmpty: Bool { regexes.isEmpty }

  /// `text` with every non-empty match replaced by ``replacement``.
  public func redact(_ text: String) -> RedactedText {
    var current = text
    var replacements = 0
    for regex in regexes {
      let ranges = regex.matches(in: current, range: NSRange(current.startIndex..., in: current))
        .compactMap { Range($0.range, in: current) }
        .filter { !$0.isEmpty }
      guard !ranges.isEmpty else { continue }
      var next = ""
      var position = current.startIndex
      for range in ranges {
        next += current[position..<range.lowerBound]
        next += Self.replacement
        position = range.upperBound
      }
      next += current[position...]
      current = next
      replacements += ranges.count
    }
    return RedactedText(text: current, replacements: replacements)
  }

  /// Every text redacted; the sources whose text changed are listed in `changed`, in order.
  public func redact(_ texts: [LintText]) -> (texts: [LintText], changed: [LintSource]) {
    var changed: [LintSource] = []
    let redacted = texts.map { item -> LintText in
      let result = redact(item.text)
      guard result.changed else { return item }
      changed.append(item.source)
      return LintText(item.source, result.text)
    }
    return (redacted, changed)
  }
}
