import Foundation
import GRDB
import Testing

@testable import CasefileKit

/// The audit chain hashes rows as they are made (``Canonical/digest(of:layout:)``): it must be
/// the SHA-256 of the canonical text, byte for byte, or every store written before would fail
/// fsck.
@Suite struct CanonicalTests {
  /// A row with every kind of value: text that needs escaping, non-ASCII text, a real, a NULL,
  /// and a blob bigger than the digest's hex slice.
  static func rows() throws -> [Row] {
    let queue = try DatabaseQueue()
    return try queue.write { db in
      try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, b_text TEXT, a_blob BLOB, z_real REAL, c_null TEXT)")
      var blob = Data(count: 40_000 + 7)
      for index in blob.indices { blob[index] = UInt8(truncatingIfNeeded: index &* 31 &+ 7) }
      try db.execute(
        sql: "INSERT INTO t VALUES (1, ?, ?, 2.5, NULL), (2, 'plain', x'', NULL, NULL), (3, NULL, NULL, NULL, NULL)",
        arguments: ["quote \" backslash \\ tab \t nul-ish \u{1} café ✓", blob])
      return try Row.fetchAll(db, sql: "SELECT * FROM t ORDER BY id")
    }
  }

  @Test func digestIsTheHashOfTheText() throws {
    let rows = try Self.rows()
    let layout = Canonical.Layout(columns: Array(rows[0].columnNames))
    for row in rows {
      let text = Canonical.text(of: row)
      #expect(Canonical.digest(of: row) == Digest.sha256Hex(Array(text.utf8)))
      #expect(Canonical.text(of: row, layout: layout) == text)
      #expect(Canonical.digest(of: row, layout: layout) == Digest.sha256Hex(Array(text.utf8)))
    }
    // The form itself, which stores already hold: keys in byte order, NULLs left out.
    #expect(Canonical.text(of: rows[2]) == #"{"id":3}"#)
    #expect(Canonical.text(of: rows[1]) == #"{"a_blob":{"blob":""},"b_text":"plain","id":2}"#)
    // (Tested as Booleans: the text holds 80,000 hex digits.)
    let first = Canonical.text(of: rows[0])
    let opens = first.hasPrefix(#"{"a_blob":{"blob":"0726"#)
    let closes = first.hasSuffix(#""b_text":"quote \" backslash \\ tab \u0009 nul-ish \u0001 café ✓","id":1,"z_real":{"real":"2.5"}}"#)
    #expect(opens && closes)
  }

  @Test func skippedColumnsAreLeftOutOfTheDigest() throws {
    let row = try Self.rows()[1]
    let text = Canonical.text(of: row, skippingPrefix: "b_")
    #expect(text == #"{"a_blob":{"blob":""},"id":2}"#)
    #expect(Canonical.digest(of: row, skippingPrefix: "b_") == Digest.sha256Hex(Array(text.utf8)))
  }
}

@Suite struct ItemRefsTests {
  @Test func runsReadBackAsReferencesInOrder() throws {
    var refs = ItemRefs()
    #expect(refs.isEmpty && Array(refs).isEmpty)
    for id: Int64 in [5, 6, 7, 9, 3, 4, 10] { refs.append(id: id) }
    #expect(refs.count == 7)
    #expect(Array(refs) == ["E-5", "E-6", "E-7", "E-9", "E-3", "E-4", "E-10"])
    #expect(refs.prefix(2).joined(separator: " ") == "E-5 E-6")
  }

  @Test func aMillionConsecutiveItemsStayOneRun() throws {
    var refs = ItemRefs()
    for id: Int64 in 1...1_000_000 { refs.append(id: id) }
    #expect(refs.count == 1_000_000)
    var other = ItemRefs()
    other.append(id: 1)
    #expect(refs != other)
    #expect(Array(refs.suffix(1)) == ["E-1000000"])
  }

  @Test func encodesAsTheListOfReferences() throws {
    let refs = try ItemRefs(["E-2", "E-3", "E-8"])
    let json = String(decoding: try JSONEncoder().encode(refs), as: UTF8.self)
    #expect(json == #"["E-2","E-3","E-8"]"#)
    #expect(try JSONDecoder().decode(ItemRefs.self, from: Data(json.utf8)) == refs)
    #expect(throws: CasefileError.self) { try JSONDecoder().decode(ItemRefs.self, from: Data(#"["S-2"]"#.utf8)) }
  }
}
