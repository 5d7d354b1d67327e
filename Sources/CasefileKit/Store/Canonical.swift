import Crypto
import Foundation
import GRDB

/// The canonical text of a store row: the form that the audit chain hashes.
///
/// A row becomes a JSON object whose keys are the column names in byte order, with no spaces.
/// Integers are JSON numbers, text is a JSON string with only `"`, `\` and control characters
/// escaped, and the rare blob or real value is an object (`{"blob":"<hex>"}`,
/// `{"real":"<text>"}`) so that no value of one type can pass for another; a text holding a NUL
/// is stored as its UTF-8 bytes (``StoredText``) and so hashed whole, as such a blob. NULL columns are left
/// out, so that a migration adding a nullable column leaves every existing row's canonical text,
/// and so its audit digest, as it was; a value set to or from NULL still changes the text. The
/// form is written by hand rather than by a JSON encoder so that it never changes with a
/// Foundation release.
enum Canonical {
  /// The canonical text of one row, leaving out columns whose names start with `skippingPrefix`
  /// (helper columns that a query adds beside the stored ones).
  static func text(of row: Row, skippingPrefix: String? = nil) -> String {
    var out = TextSink()
    write(row, skippingPrefix: skippingPrefix, to: &out)
    return out.text
  }

  /// The SHA-256 (lowercase hex) of the canonical text of one row, hashed as it is made: a row
  /// holding a blob of megabytes never becomes a string twice its size.
  static func digest(of row: Row, skippingPrefix: String? = nil) -> String {
    var out = DigestSink()
    write(row, skippingPrefix: skippingPrefix, to: &out)
    return out.finish()
  }

  private static func write(_ row: Row, skippingPrefix: String?, to out: inout some Sink) {
    var pairs: [(String, DatabaseValue)] = []
    for (column, value) in row where !value.isNull {
      if let skippingPrefix, column.hasPrefix(skippingPrefix) { continue }
      pairs.append((column, value))
    }
    pairs.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
    out.append("{")
    for (index, (column, value)) in pairs.enumerated() {
      if index > 0 { out.append(",") }
      appendString(column, to: &out)
      out.append(":")
      appendValue(value, to: &out)
    }
    out.append("}")
  }

  /// The column order and key text of the rows of one statement, worked out once: the same
  /// canonical text as ``text(of:skippingPrefix:)`` without sorting the names for every row.
  struct Layout {
    let columns: [String]
    /// Column indices in canonical (byte) order of their names.
    let order: [Int]
    /// `"name":` for each column, by index.
    let keys: [String]

    init(columns: [String]) {
      self.columns = columns
      order = columns.indices.sorted { columns[$0].utf8.lexicographicallyPrecedes(columns[$1].utf8) }
      keys = columns.map { name in
        var key = TextSink()
        Canonical.appendString(name, to: &key)
        return key.text + ":"
      }
    }
  }

  /// The canonical text of one row whose columns are those of `layout`.
  static func text(of row: Row, layout: Layout) -> String {
    guard row.count == layout.columns.count else { return text(of: row) }
    var out = TextSink()
    write(row, layout: layout, to: &out)
    return out.text
  }

  /// ``digest(of:skippingPrefix:)`` for a row whose columns are those of `layout`.
  static func digest(of row: Row, layout: Layout) -> String {
    guard row.count == layout.columns.count else { return digest(of: row) }
    var out = DigestSink()
    write(row, layout: layout, to: &out)
    return out.finish()
  }

  private static func write(_ row: Row, layout: Layout, to out: inout some Sink) {
    out.append("{")
    var first = true
    for index in layout.order {
      let value: DatabaseValue = row[index]
      if value.isNull { continue }
      if !first { out.append(",") }
      first = false
      out.append(layout.keys[index])
      appendValue(value, to: &out)
    }
    out.append("}")
  }

  /// The canonical text of an object made of text and integer fields.
  static func object(_ fields: [(String, CanonicalField)]) -> String {
    let sorted = fields.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
    var out = TextSink()
    out.append("{")
    for (index, (key, value)) in sorted.enumerated() {
      if index > 0 { out.append(",") }
      appendString(key, to: &out)
      out.append(":")
      switch value {
      case .int(let number): out.append(String(number))
      case .text(let text): appendString(text, to: &out)
      case .null: out.append("null")
      }
    }
    out.append("}")
    return out.text
  }

  private static func appendValue(_ value: DatabaseValue, to out: inout some Sink) {
    switch value.storage {
    case .null: out.append("null")
    case .int64(let number): out.append(String(number))
    case .double(let number): out.append("{\"real\":\"\(number)\"}")
    case .string(let text): appendString(text, to: &out)
    case .blob(let data):
      out.append("{\"blob\":\"")
      out.appendHex(data)
      out.append("\"}")
    }
  }

  static func appendString(_ text: String, to out: inout some Sink) {
    out.append("\"")
    // Most text has nothing to escape: append it whole. The test is on UTF-8 bytes, where `"`,
    // `\` and control characters are single bytes that never occur inside a multi-byte scalar.
    if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
      out.append(text)
      out.append("\"")
      return
    }
    var escaped = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": escaped += "\\\""
      case "\\": escaped += "\\\\"
      case _ where scalar.value < 0x20:
        escaped += String(format: "\\u%04x", scalar.value)
      default: escaped.unicodeScalars.append(scalar)
      }
    }
    out.append(escaped)
    out.append("\"")
  }

  /// Where canonical text goes: into a string, or straight into a hash.
  protocol Sink {
    mutating func append(_ text: String)
    /// Appends the lowercase hex of `bytes`.
    mutating func appendHex(_ bytes: Data)
  }

  struct TextSink: Sink {
    var text = ""
    mutating func append(_ piece: String) { text += piece }
    mutating func appendHex(_ bytes: Data) { text += Digest.hex(bytes) }
  }

  struct DigestSink: Sink {
    private var hasher = SHA256()

    mutating func append(_ piece: String) {
      var piece = piece
      piece.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    }

    /// Hex 16 KiB of bytes at a time, so that a big blob is never held twice over.
    mutating func appendHex(_ bytes: Data) {
      let slice = 16 * 1024
      var start = bytes.startIndex
      while start < bytes.endIndex {
        let end = bytes.index(start, offsetBy: slice, limitedBy: bytes.endIndex) ?? bytes.endIndex
        append(Digest.hex(bytes[start..<end]))
        start = end
      }
    }

    func finish() -> String { Digest.hex(hasher.finalize()) }
  }
}

/// A field of a hand-built canonical object.
enum CanonicalField {
  case int(Int64)
  case text(String)
  case null
}
