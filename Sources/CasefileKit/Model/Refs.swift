import GRDB

/// The short, human references of store rows: `E-12` for an evidence item, `S-3` for a step,
/// `N-2` for a note, `A-5` for an actor. Cases have their own `C-<year>-<n>` reference.
public enum Refs {
  public enum Prefix: String, Sendable {
    case evidence = "E"
    case step = "S"
    case note = "N"
    case actor = "A"

    var noun: String {
      switch self {
      case .evidence: "evidence item"
      case .step: "step"
      case .note: "note"
      case .actor: "actor"
      }
    }
  }

  public static func make(_ prefix: Prefix, _ id: Int64) -> String { "\(prefix.rawValue)-\(id)" }

  /// Reads `E-12` (or `e-12`, or a bare `12`) as row id 12.
  ///
  /// Only that shape: the number is plain ASCII digits without a sign or a leading zero, so
  /// `E--12`, `E-+12`, `E-012` or `E-1 2` are refused rather than read as some other item.
  public static func parse(_ text: String, _ prefix: Prefix) throws -> Int64 {
    var body = Substring(text.trimmingCharacters(in: .whitespaces))
    if body.uppercased().hasPrefix(prefix.rawValue + "-") { body = body.dropFirst(2) }
    guard let id = number(body) else {
      throw CasefileError(.badValue, "'\(text)' is not a \(prefix.noun) reference like \(prefix.rawValue)-12")
    }
    return id
  }

  /// A positive number written as ASCII digits with no sign and no leading zero, or nil.
  static func number(_ text: Substring) -> Int64? {
    guard let first = text.utf8.first, first != UInt8(ascii: "0"), text.utf8.count <= 18,
      text.utf8.allSatisfy({ (48...57).contains($0) })
    else { return nil }
    return Int64(text)
  }

  /// The stored form of a case reference, `C-2026-0001`, from that form (any case), or a short
  /// `2026-1`; anything else is refused, so that `C-2026--2` or `C-2026-+2` never opens
  /// `C-2026-0002`.
  public static func parseCase(_ text: String) throws -> String {
    var body = Substring(text.trimmingCharacters(in: .whitespaces))
    if body.uppercased().hasPrefix("C-") { body = body.dropFirst(2) }
    let parts = body.split(separator: "-", omittingEmptySubsequences: false)
    let digits = { (part: Substring) in !part.isEmpty && part.utf8.allSatisfy { (48...57).contains($0) } }
    guard parts.count == 2, parts[0].utf8.count == 4, digits(parts[0]), digits(parts[1]), parts[1].utf8.count <= 9,
      let year = Int(parts[0]), let seq = Int(parts[1]), seq > 0
    else {
      throw CasefileError(.badValue, "'\(text)' is not a case reference like C-2026-0001")
    }
    return String(format: "C-%04d-%04d", year, seq)
  }

  /// The name of any audited row, for fsck's messages.
  static func name(of table: String, id: Int64, in db: Database) throws -> String {
    switch table {
    case "cases":
      return try String.fetchOne(db, sql: "SELECT ref FROM cases WHERE id = ?", arguments: [id])
        ?? "case row \(id)"
    case "evidence": return make(.evidence, id)
    case "steps": return make(.step, id)
    case "notes": return make(.note, id)
    case "actors": return make(.actor, id)
    case "blobs":
      let sha = try String.fetchOne(db, sql: "SELECT sha256 FROM blobs WHERE id = ?", arguments: [id])
      return "blob \(sha ?? String(id))"
    case "attachments": return "attachment \(id)"
    case "patient_flags": return "patient flag \(id)"
    case "profile": return "the profile"
    case "settings": return "setting \(id)"
    default: return "\(table) row \(id)"
    }
  }
}
