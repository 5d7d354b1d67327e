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
  @OptionGroup var pinOptions: PinOptions
  @OptionGroup var output: JSONFlag

  func run() throws {
    let pin = try pinOptions.pin()
    let (report, _) = try BundleVerifier.verify(URL(fileURLWithPath: package), pin: pin)
    if output.json { return try Output.json(report) }
    print("\(report.file): verified")
    print("  \(report.profile) bundle of \(report.caseRef), made \(report.createdAt), \(report.items) item(s)")
    for check in report.checks { print("  ok: \(check)") }
    if !report.signerProven { PinOptions.warnUnproven() }
  }
}
