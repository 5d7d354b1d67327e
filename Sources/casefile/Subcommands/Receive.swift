import ArgumentParser
import CasefileKit
import Foundation

struct Receive: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Verify an evidence package and load its case into this store (the indemnifier's desk, or a new laptop).",
    discussion: """
      The package is verified first, exactly as 'casefile verify' does; one that fails is refused \
      and nothing is stored. The case comes in as a new case of this store, with its items, \
      actors, attachments, steps and notes; times, texts and digests stay as they were. Without \
      --fingerprint or --key, and unless the key is trusted ('casefile keys trust') or the \
      store's own, the case is received but "signer NOT verified" is printed and the exit code \
      is 81.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: "The package (.zip).") var package: String
  @OptionGroup var pinOptions: PinOptions
  @OptionGroup var output: JSONFlag

  func run() throws {
    let pin = try pinOptions.pin()
    let result = try storeOptions.open().receive(URL(fileURLWithPath: package), pin: pin)
    if output.json {
      try Output.json(result)
    } else {
      print("Received \(result.fromCaseRef) (\(result.profile) bundle) as \(result.caseRef)")
      print("  \(result.items) item(s), \(result.attachments) attachment(s), \(result.steps) step(s), \(result.notes) note(s)")
      print("  signed with the key \(result.keyFingerprint)")
      print("  " + PinOptions.signerLine(signer: result.signer, name: result.signerName))
    }
    try PinOptions.endIfUnverified(result.signerProven)
  }
}
