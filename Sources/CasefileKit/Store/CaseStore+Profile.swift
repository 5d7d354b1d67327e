import Foundation
import GRDB

extension CaseStore {
  /// The doctor's profile, or an empty one when none has been set.
  public func profile() throws -> Profile {
    try read { db in try Self.fetchProfile(db) }
  }

  /// Sets the given profile fields; fields passed as nil keep their value. An empty string clears
  /// a field. `addAccounts` and `removeAccounts` change the list of own accounts (`changes.accounts`
  /// is not read); removing one that is not listed is an error.
  @discardableResult
  public func setProfile(_ changes: Profile, addAccounts: [OwnAccount] = [], removeAccounts: [OwnAccount] = []) throws -> Profile {
    try write { db, context in
      let current = try Self.fetchProfile(db)
      var accounts = current.accounts
      for account in removeAccounts {
        guard let index = accounts.firstIndex(where: { $0.matches(platform: account.platform, handle: account.name, displayName: nil) }) else {
          throw CasefileError(.badValue, "the profile has no account \(account.description) to remove ('casefile profile show' lists them)")
        }
        accounts.remove(at: index)
      }
      for account in addAccounts where !accounts.contains(where: { $0.matches(platform: account.platform, handle: account.name, displayName: nil) }) {
        accounts.append(account)
      }
      func merge(_ new: String?, _ old: String?) -> String? {
        guard let new else { return old }
        let trimmed = new.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
      }
      let values: [(String, (any DatabaseValueConvertible)?)] = [
        ("name", merge(changes.name, current.name)),
        ("registration_number", merge(changes.registrationNumber, current.registrationNumber)),
        ("indemnifier", merge(changes.indemnifier, current.indemnifier)),
        ("membership_number", merge(changes.membershipNumber, current.membershipNumber)),
        ("indemnifier_contact", merge(changes.indemnifierContact, current.indemnifierContact)),
        ("contact", merge(changes.contact, current.contact)),
        ("accounts", try Self.accountsColumn(accounts)),
        ("updated_at", context.at),
      ]
      if try Bool.fetchOne(db, sql: "SELECT 1 FROM profile WHERE id = 1") == true {
        try context.update(db, "profile", id: 1, values)
      } else {
        _ = try context.insert(db, "profile", [("id", 1)] + values)
      }
      return try Self.fetchProfile(db)
    }
  }

  static func fetchProfile(_ db: Database) throws -> Profile {
    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM profile WHERE id = 1") else { return Profile() }
    return Profile(
      name: row["name"], registrationNumber: row["registration_number"], indemnifier: row["indemnifier"],
      membershipNumber: row["membership_number"], indemnifierContact: row["indemnifier_contact"], contact: row["contact"],
      accounts: try accounts(row["accounts"]), updatedAt: row["updated_at"])
  }

  /// The stored form of the own accounts: a JSON array of `{"name", "platform"}` objects, or NULL
  /// when there are none.
  static func accountsColumn(_ accounts: [OwnAccount]) throws -> String? {
    guard !accounts.isEmpty else { return nil }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(accounts), as: UTF8.self)
  }

  static func accounts(_ column: String?) throws -> [OwnAccount] {
    guard let column, !column.isEmpty else { return [] }
    do {
      return try JSONDecoder().decode([OwnAccount].self, from: Data(column.utf8))
    } catch {
      throw CasefileError(.integrity, "the profile's own accounts are not readable; run 'casefile fsck'")
    }
  }

  // MARK: - Settings

  /// The settings a doctor can change, with their defaults.
  public enum Setting: String, Vocabulary {
    /// Days after which a report with no final outcome is listed by `casefile due`.
    case reportDueDays = "report-due-days"
    /// The doctor's own phrases for the confidentiality lint, separated by `;` (a practice's name,
    /// a colleague's, a street): added to the built-in list.
    case lintPhrases = "lint-phrases"
    /// The languages whose built-in phrase lists the lint uses, separated by commas: `en,es`.
    /// English is always used.
    case lintLanguages = "lint-languages"
    public static let noun = "setting"

    public var defaultValue: String {
      switch self {
      case .reportDueDays: "7"
      case .lintPhrases: ""
      case .lintLanguages: "en"
      }
    }

    /// Checks a new value before it is stored.
    func validate(_ value: String) throws -> String {
      switch self {
      case .reportDueDays:
        guard let days = Int(value.trimmingCharacters(in: .whitespaces)), (1...365).contains(days) else {
          throw CasefileError(.badValue, "report-due-days must be a whole number of days from 1 to 365")
        }
        return String(days)
      case .lintPhrases:
        let phrases = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // Refused now rather than at the next export: phrases that collide, or match everything.
        _ = try LintRules.customRules(phrases.map { CustomPhrase($0) })
        return phrases.joined(separator: "; ")
      case .lintLanguages:
        var languages = ["en"]
        for code in value.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !code.isEmpty {
          guard LintRules.languages.contains(code) else {
            throw CasefileError(
              .badValue, "lint-languages: casefile has no phrase list for '\(code)' (it has \(LintRules.languages.joined(separator: ", ")))")
          }
          if !languages.contains(code) { languages.append(code) }
        }
        return languages.joined(separator: ",")
      }
    }
  }

  /// Every setting with its current value.
  public func settings() throws -> [String: String] {
    try read { db in
      var result: [String: String] = [:]
      for setting in Setting.allCases {
        result[setting.rawValue] = try Self.setting(setting, db)
      }
      return result
    }
  }

  /// Changes one setting.
  public func setSetting(_ setting: Setting, to value: String) throws {
    let checked = try setting.validate(value)
    try write { db, context in
      if let id = try Int64.fetchOne(db, sql: "SELECT id FROM settings WHERE key = ?", arguments: [setting.rawValue]) {
        try context.update(db, "settings", id: id, [("value", checked), ("updated_at", context.at)])
      } else {
        _ = try context.insert(db, "settings", [("key", setting.rawValue), ("value", checked), ("updated_at", context.at)])
      }
    }
  }

  static func setting(_ setting: Setting, _ db: Database) throws -> String {
    try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [setting.rawValue])
      ?? setting.defaultValue
  }
}
