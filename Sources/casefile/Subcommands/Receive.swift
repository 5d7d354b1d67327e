import ArgumentParser
import CasefileKit
import Foundation

struct Receive: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Verify an evidence package and load its case into this store (the indemnifier's desk, or a new laptop).",
    discussion: """
      The package is verified first, exactly as 'casefile verify' does; one that fails is refused \
      and nothing is stored. The case comes in as a new case of this store, with its items, \
      actors, attachments, steps and notes; times, texts and digests stay as they were.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: "The package (.zip).") var package: String
  @Option(help: "The signer's key fingerprint (64 hex digits), given to you by another channel.") var fingerprint: String?
  @Option(help: "The signer's public key, a PEM file.") var key: String?
  @OptionGroup var output: JSONFlag

  func validate() throws {
    if fingerprint != nil && key != nil { throw ValidationError("give --fingerprint or --key, not both") }
  }

  func run() throws {
    let pin: BundleVerifier.Pin
    if let fingerprint {
      pin = .fingerprint(fingerprint)
    } else if let key {
      guard let data = FileManager.default.contents(atPath: key) else {
        throw CasefileError(.fileNotFound, "cannot read the key file", location: .init(file: key))
      }
      pin = .key(try PublicSigningKey(pem: String(decoding: data, as: UTF8.self), location: .init(file: key)))
    } else {
      pin = .none
    }
    let result = try storeOptions.open().receive(URL(fileURLWithPath: package), pin: pin)
    if !result.signerProven {
      Output.notice("warning: no key was pinned, so who signed this is unproven; pin the sender's fingerprint with --fingerprint")
    }
    if output.json { return try Output.json(result) }
    print("Received \(result.fromCaseRef) (\(result.profile) bundle) as \(result.caseRef)")
    print("  \(result.items) item(s), \(result.attachments) attachment(s), \(result.steps) step(s), \(result.notes) note(s)")
    print("  signed with the key \(result.keyFingerprint)")
  }
}
