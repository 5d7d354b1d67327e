import ArgumentParser
import CasefileKit

struct KeysTrust: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "trust",
    abstract: "Trust a sender's key, checked by another channel, for 'verify' and 'receive' without --fingerprint.",
    discussion: "Trust only a fingerprint the sender gave you by a call, a letter or in person, never one read from a package.")

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: "The key's fingerprint (64 hex digits).") var fingerprint: String
  @Option(help: "Whose key it is, as you want to see it named.") var name: String
  @OptionGroup var output: JSONFlag

  func run() throws {
    let key = try storeOptions.open().trustKey(fingerprint: fingerprint, name: name)
    if output.json { return try Output.json(key) }
    print("Trusted \(key.fingerprint) as \(key.name)")
  }
}

struct KeysUntrust: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "untrust", abstract: "Stop trusting a sender's key (the store keeps the record that it once was).")

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: "The key's fingerprint (64 hex digits).") var fingerprint: String
  @OptionGroup var output: JSONFlag

  func run() throws {
    let key = try storeOptions.open().untrustKey(fingerprint: fingerprint)
    if output.json { return try Output.json(key) }
    print("No longer trusted: \(key.fingerprint) (\(key.name))")
  }
}

struct KeysList: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the keys 'verify' and 'receive' accept without --fingerprint: the store's own, and the trusted ones.")

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var output: JSONFlag

  /// What `keys list --json` prints.
  struct Listed: Encodable {
    var ownFingerprint: String?
    var trusted: [TrustedKey]
  }

  func run() throws {
    let store = try storeOptions.open()
    let own = try? SigningKey.load(from: store.location).publicKey.fingerprint
    let trusted = try store.trustedKeys()
    if output.json { return try Output.json(Listed(ownFingerprint: own, trusted: trusted)) }
    print("This store's key: \(own ?? "none yet ('casefile keys init')")")
    print("Trusted keys (\(trusted.count))")
    for key in trusted { print("  \(key.fingerprint)  \(key.name)  (since \(Output.short(key.updatedAt)))") }
  }
}
