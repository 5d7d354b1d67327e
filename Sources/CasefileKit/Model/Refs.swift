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
  public static func parse(_ text: String, _ prefix: Prefix) throws -> Int64 {
    var body = Substring(text.trimmingCharacters(in: .whitespaces))
    if body.uppercased().hasPrefix(prefix.rawValue + "-") { body = body.dropFirst(2) }
    guard let id = Int64(body), id > 0 else {
      throw CasefileError(.badValue, "'\(text)' is not a \(prefix.noun) reference like \(prefix.rawValue)-12")
    }
    return id
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
