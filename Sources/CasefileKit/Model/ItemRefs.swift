/// The references of evidence items, in the order they were added, kept as runs of consecutive
/// row ids.
///
/// An import of a million messages adds a million items whose ids follow one another: as runs
/// that is one pair of numbers, where an array of reference strings held 16 MB and twice that
/// while it grew. It reads and encodes as the list of references (`E-12`, `E-13`, …).
public struct ItemRefs: Sendable, Equatable, Sequence {
  /// Ids `first`, `first + 1`, …, `first + count - 1`.
  fileprivate struct Run: Equatable, Sendable {
    var first: Int64
    var count: Int
  }

  private var runs: [Run] = []
  public private(set) var count = 0

  public init() {}

  public init(_ refs: some Sequence<String>) throws {
    for ref in refs { append(id: try Refs.parse(ref, .evidence)) }
  }

  public var isEmpty: Bool { count == 0 }

  /// Adds the item with row id `id`.
  public mutating func append(id: Int64) {
    if let last = runs.last, last.first + Int64(last.count) == id {
      runs[runs.count - 1].count += 1
    } else {
      runs.append(Run(first: id, count: 1))
    }
    count += 1
  }

  public func makeIterator() -> Iterator { Iterator(runs: runs) }

  public struct Iterator: IteratorProtocol {
    fileprivate let runs: [Run]
    var run = 0
    var offset = 0

    public mutating func next() -> String? {
      while run < runs.count {
        if offset < runs[run].count {
          defer { offset += 1 }
          return Refs.make(.evidence, runs[run].first + Int64(offset))
        }
        run += 1
        offset = 0
      }
      return nil
    }
  }
}

extension ItemRefs: Codable {
  public init(from decoder: any Decoder) throws {
    var container = try decoder.unkeyedContainer()
    self.init()
    while !container.isAtEnd { append(id: try Refs.parse(try container.decode(String.self), .evidence)) }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.unkeyedContainer()
    for ref in self { try container.encode(ref) }
  }
}
