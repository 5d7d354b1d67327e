import ArgumentParser
import CasefileKit
import Foundation

struct Fsck: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Re-verify the store: the audit hash chain, every row against it, and every blob's hash.",
    discussion: "Exits 80 and names the first row or blob that does not match.")

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var output: JSONFlag

  func run() throws {
    let report = try storeOptions.open().fsck()
    if output.json {
      try Output.json(report)
    } else {
      print("Audit chain: \(report.auditRows) records, head \(report.headHash)")
      print("Rows checked: \(report.rowsChecked); blobs checked: \(report.blobsChecked)")
      if report.ok { print("OK: everything matches.") }
    }
    if let first = report.problems.first {
      for problem in report.problems { Output.notice("integrity: \(problem.message)") }
      throw CasefileError(.integrity, "the store failed verification at \(first.ref)")
    }
  }
}
