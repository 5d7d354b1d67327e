import ArgumentParser
import CasefileKit
import Foundation

struct Fsck: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Re-verify the store: the audit hash chain, every row against it, and every blob's hash.",
    discussion: """
      Exits 80 and names the first row or blob that does not match. With --against, also checks \
      the store against a package it exported: the package's signed audit head must be in the \
      chain, and its items in the store unchanged (a chain rewritten consistently passes plain \
      fsck, but not this).
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Option(name: .customLong("against"), help: "A package this store exported (.zip), to check the store against.")
  var package: String?
  @OptionGroup var output: JSONFlag

  /// What `fsck --against --json` prints.
  struct Anchored: Encodable {
    var fsck: FsckReport
    var against: AnchorReport
  }

  func run() throws {
    let store = try storeOptions.open()
    let report = try store.fsck()
    let anchor = try package.map { try store.checkAnchor(URL(fileURLWithPath: $0)) }
    let problems = report.problems + (anchor?.problems ?? [])
    if output.json {
      if let anchor { try Output.json(Anchored(fsck: report, against: anchor)) } else { try Output.json(report) }
    } else {
      print("Audit chain: \(report.auditRows) records, head \(report.headHash)")
      print("Rows checked: \(report.rowsChecked); blobs checked: \(report.blobsChecked)")
      if let anchor {
        print("Package \(anchor.package): audit head \(anchor.packageAuditHead.prefix(16))… "
          + (anchor.auditSeq.map { "is audit record \($0) of this chain" } ?? "is NOT in this chain"))
        print("Package items found unchanged in the store: \(anchor.itemsMatched) of \(anchor.items)")
      }
      if problems.isEmpty { print("OK: everything matches.") }
    }
    if let first = problems.first {
      for problem in problems { Output.notice("integrity: \(problem.message)") }
      throw CasefileError(.integrity, "the store failed verification at \(first.ref)")
    }
  }
}
