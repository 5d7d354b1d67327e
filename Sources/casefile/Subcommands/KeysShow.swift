import ArgumentParser
import CasefileKit

struct KeysShow: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Print the signing key's fingerprint and its public key (PEM).")

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var output: JSONFlag

  func run() throws {
    let key = try SigningKey.load(from: storeOptions.location)
    if output.json { return try Output.json(KeyShown(key.publicKey, store: storeOptions.location)) }
    print("Fingerprint: \(key.publicKey.fingerprint)")
    print("(SHA-256 of the public key's SubjectPublicKeyInfo; recipients pin it with 'casefile verify --fingerprint'.)")
    print(key.publicKey.pem, terminator: key.publicKey.pem.hasSuffix("\n") ? "" : "\n")
  }
}

/// What `keys init` and `keys show` print with --json.
struct KeyShown: Encodable {
  var fingerprint: String
  var publicKeyPem: String
  var algorithm = "ecdsa-p256-sha256"
  var publicKeyFile: String

  init(_ key: PublicSigningKey, store: StoreLocation) {
    fingerprint = key.fingerprint
    publicKeyPem = key.pem
    publicKeyFile = SigningKey.Files(store: store).publicKey.path
  }
}
