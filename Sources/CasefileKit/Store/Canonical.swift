import Foundation
import GRDB

/// The canonical text of a store row: the form that the audit chain hashes.
///
/// A row becomes a JSON object whose keys are the column names in byte order, with no spaces.
/// Integers are JSON numbers, text is a JSON string with only `"`, `\` and control characters
/// escaped, and the rare blob or real value is an object (`{"blob":"<hex>"}`,
/// `{"real":"<text>"}`) so that no value of one type can pass for another. NULL columns are left
/// out, so that a migration adding a nullable column leaves every existing row's canonical text,
/// and so its audit digest, as it was; a value set to or from NULL still changes the text. The
/// form is written by hand rather than by a JSON encoder so that it never changes with a
/// Foundation release.
enum Canonical {
  /// The canonical text of one row, leaving out columns whose names start with `skippingPrefix`
  /// (helper columns that a query adds beside the stored ones).
  static func text(of row: Row, skippingPrefix: String? = nil) -> String {
    var pairs: [(String, DatabaseValue)] = []
    for (column, value) in row where !value.isNull {
      if let skippingPrefix, column.hasPrefix(skippingPrefix) { continue }
      pairs.append((column, value))
    }
    pairs.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
    var out = "{"
    for (index, (column, value)) in pairs.enumerated() {
      if index > 0 { out += "," }
      appendString(column, to: &out)
      out += ":"
      appendValue(value, to: &out)
    }
    out += "}"
    return out
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
        var key = ""
        Canonical.appendString(name, to: &key)
        return key + ":"
      }
    }
  }

  /// The canonical text of one row whose columns are those of `layout`.
  static func text(of row: Row, layout: Layout) -> String {
    guard row.count == layout.columns.count else { return text(of: row) }
    var out = "{"
    var first = true
    for index in layout.order {
      let value: DatabaseValue = row[index]
      if value.isNull { continue }
      if !first { out += "," }
      first = false
      out += layout.keys[index]
      appendValue(value, to: &out)
    }
    out += "}"
    return out
  }

  /// The canonical text of an object made of text and integer fields.
  static func object(_ fields: [(String, CanonicalField)]) -> String {
    let sorted = fields.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
    var out = "{"
    for (index, (key, value)) in sorted.enumerated() {
      if index > 0 { out += "," }
      appendString(key, to: &out)
      out += ":"
      switch value {
      case .int(let number): out += String(number)
      case .text(let text): appendString(text, to: &out)
      case .null: out += "null"
      }
    }
    out += "}"
    return out
  }

  private static func appendValue(_ value: DatabaseValue, to out: inout String) {
    switch value.storage {
    case .null: out += "null"
    case .int64(let number): out += String(number)
    case .double(let number): out += "{\"real\":\"\(number)\"}"
    case .string(let text): appendString(text, to: &out)
    case .blob(let data): out += "{\"blob\":\"\(Digest.hex(data))\"}"
    }
  }

  static func appendString(_ text: String, to out: inout String) {
    out += "\""
    // Most text has nothing to escape: append it whole. The test is on UTF-8 bytes, where `"`,
    // `\` and control characters are single bytes that never occur inside a multi-byte scalar.
    if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
      out += text
      out += "\""
      return
    }
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case _ where scalar.value < 0x20:
        out += String(format: "\\u%04x", scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}

/// A field of a hand-built canonical object.
enum CanonicalField {
  case int(Int64)
  case text(String)
  case null
}
