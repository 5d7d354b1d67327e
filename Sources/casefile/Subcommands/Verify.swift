import ArgumentParser
import CasefileKit
import Foundation

struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check an evidence package: its schema, its signature with a pinned key, and every file against the signed manifest.",
    discussion: """
      Pin the signer with --fingerprint (the 64 hex digits they gave you by another channel) or \
      --key (their public key, PEM). Without either, the package's own key is used: that shows \
      the package is whole, not who made it, so unless the key is trusted in the store \
      ('casefile keys trust') or is the store's own, it prints "signer NOT verified" and exits 81. \
      Exits 80 on any failure.
      """)

  @Argument(help: "The package (.zip) to check.") var package: String
  @OptionGroup var pinOptions: PinOptions
  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var output: JSONFlag

  func run() throws {
    let pin = try pinOptions.pin()
    var (report, _) = try BundleVerifier.verify(URL(fileURLWithPath: package), pin: pin)
    // The trusted keys live in the store; verifying needs no store, so one that is absent is
    // simply no trust.
    if !report.signerProven, FileManager.default.fileExists(atPath: storeOptions.location.databaseURL.path) {
      try storeOptions.open().judgeSigner(&report)
    }
    if output.json {
      try Output.json(report)
    } else {
      print("\(report.file): verified")
      print("  \(report.profile) bundle of \(report.caseRef), made \(report.createdAt), \(report.items) item(s)")
      for check in report.checks { print("  ok: \(check)") }
      print("  " + PinOptions.signerLine(signer: report.signer, name: report.signerName))
    }
    try PinOptions.endIfUnverified(report.signerProven)
  }
}
