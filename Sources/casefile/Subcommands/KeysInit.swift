import ArgumentParser
import CasefileKit

struct KeysInit: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Make the store's signing key (ECDSA P-256); an existing key is never replaced.")

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var output: JSONFlag

  func run() throws {
    let key = try SigningKey.create(in: storeOptions.location)
    if output.json { return try Output.json(KeyShown(key.publicKey, store: storeOptions.location)) }
    print("Made a signing key in \(SigningKey.Files(store: storeOptions.location).folder.path)")
    print("Fingerprint: \(key.publicKey.fingerprint)")
    print("Give this fingerprint to the people you send bundles to, by another channel than the bundle.")
  }
}
