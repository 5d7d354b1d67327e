import CLibXML2
import Foundation

extension XMLTree {
  /// The readable text of an HTML document, such as an email's HTML body: block elements
  /// (`div`, `tr`, `li`, headings …) start a new line, a paragraph stands apart by a blank line,
  /// `<br>` is a line break, whitespace from the markup's layout is folded (kept inside `<pre>`), and
  /// `head`, `script`, `style` and `template` are left out. nil when no text is left.
  ///
  /// The tree is walked through libxml2's node links without recursion and without XPath, so a
  /// hostile depth cannot exhaust the stack and a long message costs one pass.
  func readableText() -> String? {
    var out = HTMLTextWriter()
    let top = UnsafeMutableRawPointer(doc)
    var current = doc.pointee.children
    while let node = current {
      let type = node.pointee.type
      var descend = false
      if type == XML_ELEMENT_NODE {
        let name = node.pointee.name.map { String(cString: $0).lowercased() } ?? ""
        descend = out.enter(name) && node.pointee.children != nil
        if !descend { out.leave(name) }
      } else if type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE, let content = node.pointee.content {
        out.text(String(cString: content))
      }
      if descend, let child = node.pointee.children {
        current = child
        continue
      }
      // The next sibling, or climb (leaving each element climbed out of) until an ancestor has one.
      var climb: xmlNodePtr = node
      current = nil
      while true {
        if let next = climb.pointee.next {
          current = next
          break
        }
        guard let parent = climb.pointee.parent, UnsafeMutableRawPointer(parent) != top else { break }
        climb = parent
        out.leave(parent.pointee.name.map { String(cString: $0).lowercased() } ?? "")
      }
    }
    return out.result
  }
}

/// Gathers the text of an HTML walk, element by element.
private struct HTMLTextWriter {
  private var out = ""
  /// How many `<pre>` elements the walk is inside, where whitespace is kept as written.
  private var preDepth = 0

  static let skipped: Set<String> = ["head", "script", "style", "template", "title", "noscript", "object"]
  static let paragraphs: Set<String> = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "hr"]
  static let blocks: Set<String> = [
    "div", "tr", "li", "dl", "dt", "dd", "address", "center", "section", "article", "header", "footer", "main", "nav",
    "aside", "figure", "figcaption", "form", "fieldset", "caption", "tbody", "thead", "tfoot", "body", "html",
  ]

  /// Starts an element; false when its content is to be skipped.
  mutating func enter(_ name: String) -> Bool {
    if Self.skipped.contains(name) { return false }
    switch name {
    case "br":
      out += "\n"
    case "td", "th":
      if let last = out.last, last != "\n", last != " ", last != "\t" { out += "\t" }
    default:
      if Self.paragraphs.contains(name) {
        breakLine(blank: true)
      } else if Self.blocks.contains(name) {
        breakLine(blank: false)
      }
    }
    if name == "pre" { preDepth += 1 }
    return true
  }

  mutating func leave(_ name: String) {
    if Self.skipped.contains(name) { return }
    if name == "pre" { preDepth = max(0, preDepth - 1) }
    if Self.paragraphs.contains(name) {
      breakLine(blank: true)
    } else if Self.blocks.contains(name) {
      breakLine(blank: false)
    }
  }

  mutating func text(_ text: String) {
    if preDepth > 0 {
      out += text.replacingOccurrences(of: "\r\n", with: "\n")
      return
    }
    // Layout whitespace folds to one space; a no-break space is a space too.
    var pendingSpace = false
    for scalar in text.unicodeScalars {
      if scalar == " " || scalar == "\n" || scalar == "\r" || scalar == "\t" || scalar == "\u{0C}" || scalar == "\u{A0}" {
        pendingSpace = true
        continue
      }
      if pendingSpace {
        if let last = out.last, last != "\n", last != " ", last != "\t" { out += " " }
        pendingSpace = false
      }
      out.unicodeScalars.append(scalar)
    }
    if pendingSpace, let last = out.last, last != "\n", last != " ", last != "\t" { out += " " }
  }

  /// Ends the line being written (and leaves a blank line after it, for a paragraph).
  private mutating func breakLine(blank: Bool) {
    guard !out.isEmpty else { return }
    while out.last == " " || out.last == "\t" { out.removeLast() }
    if out.last != "\n" { out += "\n" }
    if blank, !out.hasSuffix("\n\n") { out += "\n" }
  }

  /// Each line without trailing spaces, at most one blank line in a row, the ends trimmed.
  var result: String? {
    var lines: [Substring] = []
    var blankRun = 0
    for line in out.split(separator: "\n", omittingEmptySubsequences: false) {
      var trimmed = line
      while let last = trimmed.last, last == " " || last == "\t" { trimmed = trimmed.dropLast() }
      if trimmed.isEmpty {
        blankRun += 1
        if blankRun > 1 { continue }
      } else {
        blankRun = 0
      }
      lines.append(trimmed)
    }
    let text = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? nil : text
  }
}
