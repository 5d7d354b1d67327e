import Foundation
import GRDB

/// A signer's key that the doctor checked by another channel and trusts for `verify` and
/// `receive` without `--fingerprint`.
public struct TrustedKey: Sendable, Codable, Equatable {
  public var fingerprint: String
  public var name: String
  /// False once untrusted: the row stays, so the audit log shows when trust ended.
  public var trusted: Bool
  public var updatedAt: String
}

/// Who stands behind the key that verified a package.
public enum SignerStanding: Sendable, Equatable {
  /// The recipient pinned it (`--fingerprint` or `--key`).
  case pinned
  /// It is this store's own signing key.
  case ownKey
  /// It is in this store's trusted keys, under that name.
  case trusted(name: String)
  /// Nothing vouches for it: the package proves it is whole, not who made it.
  case unverified

  /// Whether the signer is known by some means other than the package itself.
  public var isVerified: Bool { self != .unverified }
}

extension CaseStore {
  /// Trusts a signer's key under a name (again, if it was untrusted); audited.
  @discardableResult
  public func trustKey(fingerprint text: String, name: String) throws -> TrustedKey {
    let fingerprint = try PublicSigningKey.normalizedFingerprint(text)
    let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
    // The name is printed on the terminal: no control or format characters, which could hide
    // or rewrite what is shown.
    let printable = name.unicodeScalars.allSatisfy { !CharacterSet.controlCharacters.contains($0) }
    guard !name.isEmpty, printable, name.count <= 200 else {
      throw CasefileError(.usage, "give the key's owner a name of one line, without control characters (--name \"Example Defence, claims desk\")")
    }
    return try write { db, context in
      if let id = try Int64.fetchOne(db, sql: "SELECT id FROM trusted_keys WHERE fingerprint = ?", arguments: [fingerprint]) {
        try context.update(db, "trusted_keys", id: id, [("name", name), ("trusted", 1), ("updated_at", context.at)])
      } else {
        _ = try context.insert(db, "trusted_keys", [
          ("fingerprint", fingerprint), ("name", name), ("trusted", 1), ("updated_at", context.at),
        ])
      }
      return TrustedKey(fingerprint: fingerprint, name: name, trusted: true, updatedAt: context.at)
    }
  }

  /// Ends the trust in a key; the row stays, marked untrusted, and the change is audited.
  @discardableResult
  public func untrustKey(fingerprint text: String) throws -> TrustedKey {
    let fingerprint = try PublicSigningKey.normalizedFingerprint(text)
    return try write { db, context in
      guard let row = try Row.fetchOne(db, sql: "SELECT id, name, trusted FROM trusted_keys WHERE fingerprint = ?", arguments: [fingerprint]),
        (row["trusted"] as Int) == 1
      else {
        throw CasefileError(.keyNotFound, "no trusted key has the fingerprint \(fingerprint)")
      }
      try context.update(db, "trusted_keys", id: row["id"], [("trusted", 0), ("updated_at", context.at)])
      return TrustedKey(fingerprint: fingerprint, name: row["name"], trusted: false, updatedAt: context.at)
    }
  }

  /// Every key trusted now, by name.
  public func trustedKeys() throws -> [TrustedKey] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT fingerprint, name, updated_at FROM trusted_keys WHERE trusted = 1 ORDER BY name, fingerprint")
        .map { TrustedKey(fingerprint: $0["fingerprint"], name: $0["name"], trusted: true, updatedAt: $0["updated_at"]) }
    }
  }

  /// Who vouches for the key that verified a package, when the recipient pinned nothing: this
  /// store's own key, a trusted key, or no one.
  public func standing(ofSigner fingerprint: String) throws -> SignerStanding {
    if let own = try? SigningKey.load(from: location), own.publicKey.fingerprint == fingerprint { return .ownKey }
    let name = try read { db in
      try String.fetchOne(db, sql: "SELECT name FROM trusted_keys WHERE fingerprint = ? AND trusted = 1", arguments: [fingerprint])
    }
    return name.map { .trusted(name: $0) } ?? .unverified
  }

  /// Completes a report verified without a pin with who vouches for its key in this store.
  public func judgeSigner(_ report: inout VerifyReport) throws {
    guard !report.signerProven else { return }
    let standing = try standing(ofSigner: report.keyFingerprint)
    report.signerProven = standing.isVerified
    switch standing {
    case .pinned: report.signer = "pinned"
    case .ownKey: report.signer = "own-key"
    case .trusted(let name):
      report.signer = "trusted"
      report.signerName = name
    case .unverified: report.signer = "unverified"
    }
  }
}
