import ArgumentParser

struct Keys: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "The key that signs evidence bundles, and its fingerprint for recipients to pin.",
    subcommands: [KeysInit.self, KeysShow.self, KeysList.self, KeysTrust.self, KeysUntrust.self])
}
