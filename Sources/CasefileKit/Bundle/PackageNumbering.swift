import Foundation

/// The references a bundle writes for its case, actors, items, steps and notes.
///
/// The store numbers items, steps, notes and actors across all cases, so the references of one
/// case have gaps: the items of other cases, an item left out, the indemnifier step missing from a
/// police package. A package that goes outside (platform, police) therefore numbers everything
/// afresh, 1..n within the package in the order it appears there, and its case is `C-1`: nothing
/// in it counts, names or hints at what it leaves out. The indemnifier's package keeps the
/// store's references, so that the case handler and the doctor speak of the same `E-7`.
public struct PackageNumbering: Sendable {
  public enum Scheme: String, Sendable, Codable {
    /// The store's own references (indemnifier).
    case store
    /// 1..n within the package (platform, police).
    case package
  }

  public let scheme: Scheme
  /// Store reference to package reference; empty for the store scheme.
  private let refs: [String: String]
  /// The package references with the store's they stand for, in package order.
  public let mapping: [(package: String, store: String)]

  /// The store's references, unchanged.
  static let store = PackageNumbering(scheme: .store, refs: [:], mapping: [])

  /// Fresh references for what goes out, each list in the order the package writes it.
  static func fresh(actors: [String], items: [String], steps: [String], notes: [String]) -> PackageNumbering {
    var refs: [String: String] = [:]
    var mapping: [(package: String, store: String)] = []
    for (prefix, list) in [(Refs.Prefix.actor, actors), (.evidence, items), (.step, steps), (.note, notes)] {
      for (index, storeRef) in list.enumerated() {
        let packageRef = Refs.make(prefix, Int64(index + 1))
        refs[storeRef] = packageRef
        mapping.append((packageRef, storeRef))
      }
    }
    return PackageNumbering(scheme: .package, refs: refs, mapping: mapping)
  }

  private init(scheme: Scheme, refs: [String: String], mapping: [(package: String, store: String)]) {
    self.scheme = scheme
    self.refs = refs
    self.mapping = mapping
  }

  /// The case's reference as the package writes it.
  public func caseRef(_ storeRef: String) -> String {
    scheme == .store ? storeRef : "C-1"
  }

  /// The reference a package writes for a store reference; nil when the package does not hold
  /// what it names (then nothing may be written for it).
  public func ref(_ storeRef: String) -> String? {
    scheme == .store ? storeRef : refs[storeRef]
  }

  /// Whether the package may say which items of the case it leaves out.
  public var listsExcluded: Bool { scheme == .store }
}
