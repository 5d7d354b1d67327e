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

  /// Says plainly when nothing was pinned.
  static func warnUnproven() {
    Output.notice("warning: no key was pinned, so who signed this is unproven; pin the sender's fingerprint with --fingerprint")
  }
}
