import Foundation
import Testing

/// README.md in this folder indexes the hostile corpus: one line per case. The index and the tests
/// must list the same cases, and there must be at least 40.
@Suite struct HostileCorpusIndexTests {
  static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("README.md")

  @Test func theIndexListsExactlyTheCasesThatAreTested() throws {
    let text = try String(contentsOf: Self.readme, encoding: .utf8)
    // Table rows: | `case-id` | input | expected |
    let indexed = text.split(separator: "\n").compactMap { line -> String? in
      guard line.hasPrefix("| `") else { return nil }
      return line.dropFirst(3).split(separator: "`").first.map(String.init)
    }
    let tested = HostileImport.all.map(\.id) + HostilePackageTests.cases.map(\.id) + HostilePackageTests.archiveCases
      + HostileStoreTests.ids
    #expect(Set(indexed).count == indexed.count, "a case is indexed twice")
    #expect(Set(tested).count == tested.count, "two cases share an id")
    #expect(Set(indexed).subtracting(tested).sorted() == [], "indexed but not tested")
    #expect(Set(tested).subtracting(indexed).sorted() == [], "tested but not indexed")
    #expect(tested.count >= 40)
  }
}
