import ArgumentParser
import CasefileKit

struct Note: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Add a private note to a case (confidential; never sent to a platform).",
    discussion: "The text comes from the argument or, when stdin is piped, from stdin.")

  @OptionGroup var storeOptions: StoreOptions
  @Option(name: .customLong("case"), help: "The case, e.g. C-2026-0001.") var caseRef: String
  @Argument(help: "The note.") var text: String?

  func run() throws {
    guard let body = try text ?? Log.pipedStdin() else {
      throw ValidationError("give the note as an argument or on stdin")
    }
    let note = try storeOptions.open().addNote(caseRef: caseRef, text: body)
    print("Added private note \(note.ref).")
  }
}
