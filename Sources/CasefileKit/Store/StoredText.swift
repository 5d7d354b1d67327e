import Foundation
import GRDB

/// Text in and out of SQLite whole, NUL characters included.
///
/// GRDB binds a Swift `String` with `sqlite3_bind_text(..., -1, ...)` and reads one back with
/// `String(cString:)`: both stop at the first U+0000, so "See you soon\0 I know where you live"
/// would be stored, hashed and exported as "See you soon", silently. A text holding a NUL is
/// therefore written as a BLOB of its UTF-8 bytes, which SQLite stores with its length, and read
/// back through ``Row/text(_:)``. Every other text is written exactly as before, so rows written
/// before this existed keep their canonical form and their audit digests; a NUL text's canonical
/// form is the blob's (``Canonical``), which no text can pass for.
enum StoredText {
  /// The value to bind for a column value: a text holding a NUL becomes its UTF-8 bytes.
  static func bindable(_ value: (any DatabaseValueConvertible)?) -> (any DatabaseValueConvertible)? {
    guard let text = value as? String, text.utf8.contains(0) else { return value }
    return Data(text.utf8)
  }

  /// ``bindable(_:)`` for each value of a row.
  static func bindable(_ values: [(any DatabaseValueConvertible)?]) -> [(any DatabaseValueConvertible)?] {
    values.map { bindable($0) }
  }
}

extension Row {
  /// A text column read whole, whether it was stored as text or, holding a NUL, as UTF-8 bytes
  /// (``StoredText``). GRDB's fast path for `String` reads a C string, so a cursor's row must not
  /// be decoded with it.
  func text(_ index: Int) -> String? {
    let value: DatabaseValue = self[index]
    return String.fromDatabaseValue(value)
  }

  /// ``text(_:)`` by column name.
  func text(_ column: String) -> String? {
    let value: DatabaseValue = self[column]
    return String.fromDatabaseValue(value)
  }
}
