import ArgumentParser
import CasefileKit
import Foundation

struct DraftIndemnifier: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "indemnifier",
    abstract: "A request for advice: membership, chronology, risk flags, what was done, and the signed case file.")

  @OptionGroup var storeOptions: StoreOptions
  @Option(name: .customLong("case"), help: "The case, e.g. C-2026-0001.") var caseRef: String
  @Option(help: "The indemnifier package you will send (from 'casefile export --for indemnifier'); it is verified first.")
  var bundle: String?

  func run() throws {
    let store = try storeOptions.open()
    var named: (file: String, fingerprint: String)?
    if let bundle {
      let key = try SigningKey.load(from: store.location)
      let report = try BundleVerifier.verify(URL(fileURLWithPath: bundle), pin: .key(key.publicKey)).report
      named = ((bundle as NSString).lastPathComponent, report.keyFingerprint)
    }
    print(try store.draftIndemnifier(caseRef: caseRef, bundle: named))
    // Sent with the request, the head anchors the store: a later rewrite of its history shows.
    print("Audit head of my case store today: \(try store.auditHead().prefix(16))")
  }
}
