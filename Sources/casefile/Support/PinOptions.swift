import ArgumentParser
import CasefileKit
import Foundation

/// How `verify` and `receive` are told whose signature to trust.
struct PinOptions: ParsableArguments {
  @Option(help: "The signer's key fingerprint (SHA-256 of their public key, 64 hex digits), given to you by another channel.")
  var fingerprint: String?
  @Option(help: "The signer's public key, a PEM file.") var key: String?

  func validate() throws {
    if fingerprint != nil && key != nil { throw ValidationError("give --fingerprint or --key, not both") }
  }

  /// The pin; without either option, none (the package's own key, and the signer unproven).
  func pin() throws -> BundleVerifier.Pin {
    if let fingerprint { return .fingerprint(fingerprint) }
    guard let key else { return .none }
    guard let data = FileManager.default.contents(atPath: key) else {
      throw CasefileError(.fileNotFound, "cannot read the key file", location: .init(file: key))
    }
    return .key(try PublicSigningKey(pem: String(decoding: data, as: UTF8.self), location: .init(file: key)))
  }

  /// One line on who vouches for the signer.
  static func signerLine(signer: String, name: String?) -> String {
    switch signer {
    case "pinned": "signer verified: the key you pinned"
    case "own-key": "signer verified: this store's own key"
    case "trusted": "signer verified: a trusted key (\(name ?? ""))"
    default: "signer NOT verified: nothing vouches for this key"
    }
  }

  /// Ends the command with exit code 81, after a warning no one can miss, when nothing vouches
  /// for the signer: the package is whole, but anyone could have made it.
  static func endIfUnverified(_ proven: Bool) throws {
    guard !proven else { return }
    Output.notice("""
      WARNING: signer NOT verified.
        The package is whole, but its own key signed it, and anyone can make a key: this proves nothing about who sent it.
        Pin the sender's fingerprint, given to you by another channel, with --fingerprint, or trust it once with
        'casefile keys trust FINGERPRINT --name "..."'.
      """)
    throw ExitCode(BundleVerifier.unverifiedSignerExitCode)
  }
}
