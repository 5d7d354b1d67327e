import ArgumentParser
import CasefileKit
import Foundation

struct Backup: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Copy the store to a new directory safely (VACUUM INTO, then every blob, then fsck of the copy).")

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: "A new or empty directory.") var destination: String
  @OptionGroup var output: JSONFlag

  func run() throws {
    let result = try storeOptions.open().backup(to: URL(fileURLWithPath: destination, isDirectory: true))
    if output.json { try Output.json(result) } else {
      print("Backed up to \(result.directory): database and \(result.blobsCopied) blob(s); the copy verifies: \(result.fsck.ok ? "yes" : "NO")")
    }
    if !result.fsck.ok { throw CasefileError(.integrity, "the backup copy failed verification") }
  }
}
