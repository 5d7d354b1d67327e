import ArgumentParser
import CasefileKit
import Foundation

struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check an evidence package: its schema, its signature with a pinned key, and every file against the signed manifest.",
    discussion: """
      Pin the signer with --fingerprint (the 64 hex digits they gave you by another channel) or \
      --key (their public key, PEM). Without either, the package's own key is used: that shows \
      the package is whole, not who made it. Exits 80 on any failure.
      """)

  @Argument(help: "The package (.zip) to check.") var package: String
  @Option(help: "The signer's key fingerprint: SHA-256 of their public key, 64 hex digits.") var fingerprint: String?
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
    let (report, _) = try BundleVerifier.verify(URL(fileURLWithPath: package), pin: pin)
    if output.json { return try Output.json(report) }
    print("\(report.file): verified")
    print("  \(report.profile) bundle of \(report.caseRef), made \(report.createdAt), \(report.items) item(s)")
    for check in report.checks { print("  ok: \(check)") }
    if !report.signerProven {
      Output.notice("warning: no key was pinned, so who signed this is unproven; pin the sender's fingerprint with --fingerprint")
    }
  }
}
