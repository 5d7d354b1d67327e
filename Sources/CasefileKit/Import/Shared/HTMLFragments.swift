import Foundation

/// Finds the byte range of an HTML element in the ORIGINAL bytes of a file, for provenance.
///
/// libxml2's HTML parser can only re-serialise what it built, so the formats that read HTML
/// (Facebook, Instagram, Telegram, Google Voice) use this beside it: one pass of a small tokenizer over the raw bytes
/// notes every start and end tag with its offsets, skipping comments, declarations, processing
/// instructions, quoted attribute values and the raw text of `script` and `style`. An element's
/// range runs from its start tag to the end tag that balances it among tags of the same name.
/// It finds boundaries only; what the markup means is libxml2's job.
public struct HTMLFragments: Sendable {
  /// One start or end tag as it stands in the file.
  public struct Tag: Sendable {
    public var name: String
    public var isEnd: Bool
    public var selfClosing: Bool
    /// Offsets into the file: the `<` and one past the `>`.
    public var start: Int
    public var end: Int
    public var attributes: [String: String]

    /// The whitespace-separated tokens of the `class` attribute.
    public var classTokens: [Substring] { (attributes["class"] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) }
  }

  public let data: Data
  public private(set) var tags: [Tag] = []
  private var byID: [String: Int] = [:]
  /// For each name, the indexes in ``tags`` of its start tags, in order.
  private var startsByName: [String: [Int]] = [:]

  /// Elements that never have an end tag.
  static let voidElements: Set<String> = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
  ]

  public init(_ data: Data) {
    self.data = data
    tags = data.withUnsafeBytes { Self.tokenize(Array($0.bindMemory(to: UInt8.self))) }
    for (index, tag) in tags.enumerated() where !tag.isEnd {
      if let id = tag.attributes["id"], byID[id] == nil { byID[id] = index }
      startsByName[tag.name, default: []].append(index)
    }
  }

  /// The `ordinal`-th start tag named `name` (0 = the first), as an index into ``tags``.
  ///
  /// libxml2's HTML parser makes one element per start tag, in order, so the n-th element of a
  /// name in its tree is the n-th start tag of that name here.
  public func startTag(named name: String, ordinal: Int) -> Int? {
    guard let list = startsByName[name], ordinal < list.count else { return nil }
    return list[ordinal]
  }

  /// The exact bytes of the element that starts at tag `index`, for a block of a page whose
  /// blocks follow each other: when its balancing end tag is missing, or lies past `nextStart`
  /// (where the next block begins; broken nesting), the fragment ends where the next block begins,
  /// without the whitespace before it, and `warn` says so.
  public func block(at index: Int, nextStart: Int?, location: CasefileError.Location, warn: (String) -> Void) -> Data {
    let open = tags[index]
    var end = endOffset(ofElementAt: index)
    if let stop = nextStart, end == nil || end! > stop {
      var cut = stop
      while cut > open.end, [0x20, 0x0A, 0x0D, 0x09].contains(data[data.startIndex + cut - 1]) { cut -= 1 }
      warn("\(Self.line(location))the message block's end tag is missing or misplaced; its raw fragment runs to where the next message begins")
      end = cut
    } else if end == nil {
      warn("\(Self.line(location))the message block's end tag is missing; its raw fragment runs to the end of the file")
    }
    return data.subdata(in: (data.startIndex + open.start)..<(data.startIndex + (end ?? data.count)))
  }

  /// `line N: ` for a warning about an entry (whose name the warning already carries).
  static func line(_ location: CasefileError.Location) -> String {
    location.line.map { "line \($0): " } ?? ""
  }

  /// The exact bytes of the element whose `id` attribute is `id`, or nil when there is no such
  /// element or its end tag is missing.
  public func element(id: String) -> Data? {
    guard let index = byID[id] else { return nil }
    return element(at: index)
  }

  /// The indexes (into ``tags``) of the start tags named `name` whose class has every token of
  /// `classTokens`, in document order.
  public func startTags(named name: String, classTokens: [String]) -> [Int] {
    tags.indices.filter { index in
      let tag = tags[index]
      guard !tag.isEnd, tag.name == name else { return false }
      let tokens = tag.classTokens
      return classTokens.allSatisfy { token in tokens.contains { $0 == token } }
    }
  }

  /// The exact bytes of the element that starts at tag `index`, through its balancing end tag;
  /// nil when that end tag is missing.
  public func element(at index: Int) -> Data? {
    endOffset(ofElementAt: index).map { data.subdata(in: (data.startIndex + tags[index].start)..<(data.startIndex + $0)) }
  }

  /// One past the `>` of the end tag that balances the start tag at `index` (the start tag's own
  /// end for a void or self-closing element); nil when there is none.
  public func endOffset(ofElementAt index: Int) -> Int? {
    let open = tags[index]
    if open.selfClosing || Self.voidElements.contains(open.name) { return open.end }
    var depth = 0
    for tag in tags[index...] where tag.name == open.name {
      if tag.isEnd {
        depth -= 1
      } else if !tag.selfClosing {
        depth += 1
      }
      if depth == 0 { return tag.end }
    }
    return nil
  }

  private static func isNameByte(_ byte: UInt8) -> Bool {
    (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
      || byte == 0x2D || byte == 0x5F || byte == 0x3A || byte == 0x2E
  }

  private static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
  }

  private static func lower(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self)
  }

  /// Finds `needle` in `bytes` from `from`; the index of its first byte, or nil.
  private static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int, caseInsensitive: Bool = false) -> Int? {
    guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
    var index = from
    while index + needle.count <= bytes.count {
      var matched = true
      for offset in 0..<needle.count {
        var byte = bytes[index + offset]
        if caseInsensitive, byte >= 0x41, byte <= 0x5A { byte += 32 }
        if byte != needle[offset] {
          matched = false
          break
        }
      }
      if matched { return index }
      index += 1
    }
    return nil
  }

  static func tokenize(_ bytes: [UInt8]) -> [Tag] {
    var tags: [Tag] = []
    var index = 0
    let count = bytes.count
    while index < count {
      guard bytes[index] == UInt8(ascii: "<"), index + 1 < count else {
        index += 1
        continue
      }
      let next = bytes[index + 1]
      if next == UInt8(ascii: "!") {
        if index + 3 < count, bytes[index + 2] == UInt8(ascii: "-"), bytes[index + 3] == UInt8(ascii: "-") {
          index = find(Array("-->".utf8), in: bytes, from: index + 4).map { $0 + 3 } ?? count
        } else if let cdata = find(Array("<![CDATA[".utf8), in: bytes, from: index), cdata == index {
          index = find(Array("]]>".utf8), in: bytes, from: index + 9).map { $0 + 3 } ?? count
        } else {
          index = find([UInt8(ascii: ">")], in: bytes, from: index + 2).map { $0 + 1 } ?? count
        }
        continue
      }
      if next == UInt8(ascii: "?") {
        index = find([UInt8(ascii: ">")], in: bytes, from: index + 2).map { $0 + 1 } ?? count
        continue
      }
      let isEnd = next == UInt8(ascii: "/")
      var cursor = index + (isEnd ? 2 : 1)
      let nameStart = cursor
      while cursor < count, isNameByte(bytes[cursor]) { cursor += 1 }
      guard cursor > nameStart, bytes[nameStart] != UInt8(ascii: "-") else {
        index += 1  // A '<' that opens no tag is text.
        continue
      }
      let name = lower(bytes[nameStart..<cursor])
      // Attributes, up to the closing '>' outside quotes.
      var attributes: [String: String] = [:]
      var selfClosing = false
      var closed = false
      while cursor < count {
        let byte = bytes[cursor]
        if byte == UInt8(ascii: ">") {
          selfClosing = cursor > 0 && bytes[cursor - 1] == UInt8(ascii: "/")
          cursor += 1
          closed = true
          break
        }
        if isSpace(byte) || byte == UInt8(ascii: "/") {
          cursor += 1
          continue
        }
        let attributeStart = cursor
        while cursor < count, !isSpace(bytes[cursor]), bytes[cursor] != UInt8(ascii: "="),
          bytes[cursor] != UInt8(ascii: ">"), !(bytes[cursor] == UInt8(ascii: "/") && cursor + 1 < count && bytes[cursor + 1] == UInt8(ascii: ">"))
        {
          cursor += 1
        }
        let attributeName = lower(bytes[attributeStart..<cursor])
        while cursor < count, isSpace(bytes[cursor]) { cursor += 1 }
        var value = ""
        if cursor < count, bytes[cursor] == UInt8(ascii: "=") {
          cursor += 1
          while cursor < count, isSpace(bytes[cursor]) { cursor += 1 }
          if cursor < count, bytes[cursor] == UInt8(ascii: "\"") || bytes[cursor] == UInt8(ascii: "'") {
            let quote = bytes[cursor]
            let valueStart = cursor + 1
            let valueEnd = find([quote], in: bytes, from: valueStart) ?? count
            value = String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)
            cursor = min(valueEnd + 1, count)
          } else {
            let valueStart = cursor
            while cursor < count, !isSpace(bytes[cursor]), bytes[cursor] != UInt8(ascii: ">") { cursor += 1 }
            value = String(decoding: bytes[valueStart..<cursor], as: UTF8.self)
          }
        }
        if !attributeName.isEmpty, attributes[attributeName] == nil { attributes[attributeName] = value }
      }
      guard closed else { break }  // A tag cut off by the end of the file.
      tags.append(Tag(name: name, isEnd: isEnd, selfClosing: selfClosing, start: index, end: cursor, attributes: attributes))
      index = cursor
      if !isEnd, !selfClosing, name == "script" || name == "style" {
        // Raw text: nothing inside is markup, up to the matching end tag.
        index = find(Array("</\(name)".utf8), in: bytes, from: index, caseInsensitive: true) ?? count
      }
    }
    return tags
  }
}

/// What the HTML formats share beyond byte ranges: reading an entry whole under a cap, XPath
/// class-token tests, and text with line breaks kept.
enum HTMLEntry {
  /// HTML is parsed as a tree, so an entry is read whole; past this size it is refused rather
  /// than risk memory. Telegram writes 1000 messages per file and Google Voice one conversation
  /// per file, both far below it.
  static let maximumBytes = 64 << 20

  /// Reads an entry whole, parses it with libxml2's recovering HTML parser and tokenises its raw
  /// bytes, warning when the parse was lossy or the page looks cut short.
  static func parse(_ input: FormatInput) throws -> (tree: XMLTree, raw: HTMLFragments) {
    let data = try input.readWhole(maximumBytes: maximumBytes, what: "the HTML page")
    let tree = try XMLTree.parseHTML(data, location: input.location)
    if tree.lossy {
      // Content may be missing from the tree, so the page itself is kept whole.
      input.warnKeeping("lossy HTML parse: " + tree.lossyReasons.joined(separator: "; ") + "; the whole page is kept", data)
    }
    let raw = HTMLFragments(data)
    warnIfCut(raw, input)
    return (tree, raw)
  }

  /// Warns when a page that opened `<html>` never closes it: the file was probably cut short,
  /// and libxml2's recovering parser says nothing about a page that simply stops.
  static func warnIfCut(_ raw: HTMLFragments, _ input: FormatInput) {
    let opened = raw.tags.contains { !$0.isEnd && $0.name == "html" }
    let closed = raw.tags.contains { $0.isEnd && $0.name == "html" }
    if opened && !closed {
      input.warn("the page ends before its closing </html> tag: the file may have been cut short")
    }
  }

  /// An XPath predicate that is true when the `class` attribute holds `token` as a whole word.
  static func hasClass(_ token: String) -> String {
    "contains(concat(' ', normalize-space(@class), ' '), ' \(token) ')"
  }

  /// The text of a node with `<br>` as a line break, whitespace runs from the markup's layout
  /// folded, and the ends trimmed; nil when nothing is left.
  static func text(_ node: XMLNode) throws -> String? {
    var out = ""
    try append(node, to: &out)
    let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }
    let text = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? nil : text
  }

  private static func append(_ node: XMLNode, to out: inout String) throws {
    for child in try node.nodes("node()") {
      if child.isElement {
        if child.name.lowercased() == "br" {
          out += "\u{1}"  // A real line break, told apart from the file's own newlines below.
        } else {
          try append(child, to: &out)
        }
      } else if child.name == "#text" {
        out += child.text.replacingOccurrences(of: "\n", with: " ")
      }
    }
    if out.contains("\u{1}") { out = out.replacingOccurrences(of: "\u{1}", with: "\n") }
  }
}
