import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The doctor's signing key: an ECDSA P-256 key pair kept in the store's `keys/` folder, the
/// private key readable by the doctor alone (mode 0600). Its fingerprint is the SHA-256 of the
/// public key's SubjectPublicKeyInfo (DER), written as 64 hex digits: what a recipient pins.
public struct SigningKey: Sendable {
  /// The private key as PKCS#8 PEM, for xmlsec.
  public let privateKeyPEM: String
  public let publicKey: PublicSigningKey

  /// The key's files in a store.
  public struct Files: Sendable {
    public let folder: URL
    public var privateKey: URL { folder.appendingPathComponent("signing-key.pem") }
    public var publicKey: URL { folder.appendingPathComponent("signing-key.pub.pem") }

    public init(store: StoreLocation) {
      folder = store.directory.appendingPathComponent("keys", isDirectory: true)
    }
  }

  /// Makes a new key pair and writes it into the store. An existing key is never replaced:
  /// recipients pin its fingerprint, and a bundle signed with another key would fail for them.
  public static func create(in store: StoreLocation) throws -> SigningKey {
    guard FileManager.default.fileExists(atPath: store.databaseURL.path) else {
      throw CasefileError(.storeNotFound, "no store at \(store.directory.path); run 'casefile init' first")
    }
    let files = Files(store: store)
    if FileManager.default.fileExists(atPath: files.privateKey.path) {
      throw CasefileError(
        .notAllowed,
        "this store already has a signing key (\(files.privateKey.path)); it is never replaced, because recipients pin its fingerprint",
        location: .init(file: files.privateKey.path))
    }
    let key = P256.Signing.PrivateKey()
    do {
      try FileManager.default.createDirectory(at: files.folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      try write(Data(key.pemRepresentation.utf8), to: files.privateKey, mode: 0o600)
      try write(Data(key.publicKey.pemRepresentation.utf8), to: files.publicKey, mode: 0o644)
    } catch let error as CasefileError {
      throw error
    } catch {
      throw CasefileError(.io, "could not write the signing key: \(error.localizedDescription)", location: .init(file: files.folder.path))
    }
    return SigningKey(privateKeyPEM: key.pemRepresentation, publicKey: PublicSigningKey(key.publicKey))
  }

  /// The store's key; an error that says how to make one when there is none.
  public static func load(from store: StoreLocation) throws -> SigningKey {
    let files = Files(store: store)
    guard let data = FileManager.default.contents(atPath: files.privateKey.path) else {
      throw CasefileError(.keyNotFound, "this store has no signing key yet; make one with 'casefile keys init'", location: .init(file: files.privateKey.path))
    }
    let pem = String(decoding: data, as: UTF8.self)
    let key: P256.Signing.PrivateKey
    do {
      key = try P256.Signing.PrivateKey(pemRepresentation: pem)
    } catch {
      throw CasefileError(.integrity, "the signing key file is not a P-256 private key in PEM", location: .init(file: files.privateKey.path))
    }
    return SigningKey(privateKeyPEM: pem, publicKey: PublicSigningKey(key.publicKey))
  }

  /// Writes a new file with the given mode, failing if it exists.
  private static func write(_ data: Data, to url: URL, mode: mode_t) throws {
    let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard fd >= 0 else { throw CasefileError(.io, "could not create \(url.lastPathComponent): \(String(cString: strerror(errno)))", location: .init(file: url.path)) }
    defer { close(fd) }
    // The umask must not widen or narrow what is asked for.
    fchmod(fd, mode)
    let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    guard written == data.count, fsync(fd) == 0 else {
      throw CasefileError(.io, "could not write \(url.lastPathComponent)", location: .init(file: url.path))
    }
  }
}

/// A P-256 public key as recipients see it: PEM, and the fingerprint they pin.
public struct PublicSigningKey: Sendable, Equatable {
  /// SubjectPublicKeyInfo, DER.
  public let spki: Data
  public let pem: String
  /// SHA-256 of ``spki``, 64 lowercase hex digits.
  public let fingerprint: String

  init(_ key: P256.Signing.PublicKey) {
    spki = key.derRepresentation
    pem = key.pemRepresentation
    fingerprint = Digest.sha256Hex(key.derRepresentation)
  }

  /// Reads a public key from PEM (SubjectPublicKeyInfo), such as a package's `signer.pem`.
  public init(pem text: String, location: CasefileError.Location) throws {
    do {
      self.init(try P256.Signing.PublicKey(pemRepresentation: text))
    } catch {
      throw CasefileError(.badKey, "not a P-256 public key in PEM", location: location)
    }
  }

  /// A fingerprint as people write it: hex, with or without colons or spaces, any case.
  public static func normalizedFingerprint(_ text: String) throws -> String {
    let hex = text.lowercased().filter { $0 != ":" && $0 != " " }
    guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
      throw CasefileError(.usage, "a fingerprint is 64 hex digits (the SHA-256 of the signer's public key)")
    }
    return hex
  }
}

extension CasefileError.Code {
  public static let keyNotFound = CasefileError.Code("key-not-found", .notFound)
  public static let badKey = CasefileError.Code("bad-key", .badData)
}
