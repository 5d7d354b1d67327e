import Foundation

/// The exact bytes of one element as it stood in a file, held as views of the chunks it was read
/// in: nothing is copied until ``bytes`` is asked for.
///
/// A reader that only counts messages (scan) or skips most of them (an import with a filter) then
/// never pays for the bytes of the records it does not keep. Holding one keeps the chunks it spans
/// alive, so keep it only as long as the message it belongs to.
public struct RawFragment: Sendable {
  /// Slices of the original chunks, in order; together they are the element.
  private let pieces: [Data]
  /// The number of bytes.
  public let count: Int

  init(pieces: [Data]) {
    self.pieces = pieces
    count = pieces.reduce(0) { $0 + $1.count }
  }

  /// A fragment that is already one buffer.
  public init(_ data: Data) {
    pieces = [data]
    count = data.count
  }

  /// The bytes, copied into one buffer that starts at index 0.
  public var bytes: Data {
    var out = Data(capacity: count)
    for piece in pieces { out.append(piece) }
    return out
  }
}

/// Cuts the elements at one depth out of an XML byte stream, exactly as they stand in the file.
///
/// Provenance keeps each imported message's raw fragment byte for byte. libxml2's reader can only
/// re-serialise what it parsed, and its byte counters run ahead of the node it returns and count
/// the repaired stream, so this scanner runs beside it over the ORIGINAL bytes: it tracks tags,
/// quoted attribute values, comments, CDATA and processing instructions, and hands out each
/// complete element at ``depth`` (1 = the children of the root) in document order. The reader and
/// the scanner agree on order, so the n-th element the reader finishes at that depth is the n-th
/// fragment here. Well-formedness is libxml2's job; this only needs to find boundaries.
///
/// Fragments are handed out as ``RawFragment``s that refer to the chunks pushed, so finding the
/// boundaries costs a few `memchr` calls per tag and nothing is copied; the scanner keeps only the
/// chunks that an unfinished fragment still needs.
public struct XMLFragmentScanner: Sendable {
  public let depth: Int
  private var currentDepth = 0
  private var state = State.text
  /// The offset in the whole stream of the `<` that starts the fragment being captured.
  private var captureStart: Int?
  /// Set between a `<` at our depth and the next byte, which tells whether it opens an element.
  private var captureUndecided = false
  /// The offset in the whole stream of the next chunk's first byte.
  private var streamOffset = 0
  /// The chunks a capture in progress still needs, with their offsets in the stream.
  private var window: [(offset: Int, data: Data)] = []
  private var completed: [RawFragment] = []
  private var completedHead = 0
  /// The last two bytes of the stream so far, to recognise `-->`, `]]>`, `?>` and `/>` across
  /// chunks.
  private var tail1: UInt8 = 0
  private var tail2: UInt8 = 0
  /// Bytes of a `<!` opening read so far, to tell a comment from CDATA or a declaration.
  private var bang: [UInt8] = []

  private enum State: Sendable, Equatable {
    case text, tagOpen, startTag, endTag, quoted(UInt8), bang, comment, cdata, declaration, pi
  }

  public init(depth: Int) {
    self.depth = depth
  }

  /// Feeds the next chunk of the original file.
  public mutating func push(_ chunk: Data) {
    guard !chunk.isEmpty else { return }
    let base = streamOffset
    window.append((base, chunk))
    chunk.withUnsafeBytes { raw in
      let buffer = raw.bindMemory(to: UInt8.self)
      let p = buffer.baseAddress!
      let count = buffer.count
      var index = 0
      // The byte `back` places before `index`, reaching into earlier chunks for the first two.
      func before(_ index: Int, _ back: Int) -> UInt8 {
        let at = index - back
        if at >= 0 { return p[at] }
        return at == -1 ? tail1 : tail2
      }
      while index < count {
        switch state {
        case .text:
          // Text between tags: jump to the next '<'.
          guard let found = Self.find(UInt8(ascii: "<"), p, from: index, to: count) else {
            index = count
            continue
          }
          index = found
          state = .tagOpen
          if captureStart == nil && currentDepth == depth {
            // A tag may start a fragment; decided at the next byte.
            captureStart = base + index
            captureUndecided = true
          }
        case .quoted(let quote):
          guard let found = Self.find(quote, p, from: index, to: count) else {
            index = count
            continue
          }
          index = found
          state = .startTag
        case .startTag:
          // Names and blanks inside a start tag: jump to the next quote or '>'.
          var at = index
          while at < count {
            let byte = p[at]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: ">") { break }
            at += 1
          }
          index = at
          guard at < count else { continue }
          let byte = p[at]
          if byte == UInt8(ascii: ">") {
            state = .text
            if before(at, 1) == UInt8(ascii: "/") {
              if captureStart != nil && currentDepth == depth { finish(endingAt: base + at + 1) }
            } else {
              currentDepth += 1
            }
          } else {
            state = .quoted(byte)
          }
        case .endTag:
          guard let found = Self.find(UInt8(ascii: ">"), p, from: index, to: count) else {
            index = count
            continue
          }
          index = found
          state = .text
          currentDepth -= 1
          if captureStart != nil && currentDepth == depth { finish(endingAt: base + index + 1) }
        case .tagOpen:
          let byte = p[index]
          switch byte {
          case UInt8(ascii: "/"): state = .endTag
          case UInt8(ascii: "?"): state = .pi
          case UInt8(ascii: "!"):
            state = .bang
            bang = []
          default: state = .startTag
          }
          if captureUndecided {
            captureUndecided = false
            // Not an element at our depth (a comment, a PI or an end tag): no capture.
            if state != .startTag { captureStart = nil }
          }
        case .bang:
          let byte = p[index]
          bang.append(byte)
          if bang == Self.commentOpening {
            state = .comment
          } else if bang == Self.cdataOpening {
            state = .cdata
          } else if !Self.commentOpening.starts(with: bang) && !Self.cdataOpening.starts(with: bang) {
            state = byte == UInt8(ascii: ">") ? .text : .declaration
          }
        case .comment:
          if p[index] == UInt8(ascii: ">") && before(index, 1) == UInt8(ascii: "-") && before(index, 2) == UInt8(ascii: "-") {
            state = .text
          }
        case .cdata:
          if p[index] == UInt8(ascii: ">") && before(index, 1) == UInt8(ascii: "]") && before(index, 2) == UInt8(ascii: "]") {
            state = .text
          }
        case .declaration:
          if p[index] == UInt8(ascii: ">") { state = .text }
        case .pi:
          if p[index] == UInt8(ascii: ">") && before(index, 1) == UInt8(ascii: "?") { state = .text }
        }
        index += 1
      }
      tail2 = count >= 2 ? p[count - 2] : tail1
      tail1 = p[count - 1]
    }
    streamOffset += chunk.count
    // Keep only the chunks that the capture in progress reaches into.
    if let start = captureStart {
      let keepFrom = window.firstIndex { $0.offset + $0.data.count > start } ?? window.count
      if keepFrom > 0 { window.removeFirst(keepFrom) }
    } else {
      window.removeAll(keepingCapacity: true)
    }
  }

  /// The next complete fragment, oldest first, copied into one buffer; nil when none is ready yet.
  public mutating func nextFragment() -> Data? {
    nextRawFragment()?.bytes
  }

  /// The next complete fragment, oldest first, without copying it; nil when none is ready yet.
  public mutating func nextRawFragment() -> RawFragment? {
    guard completedHead < completed.count else { return nil }
    let fragment = completed[completedHead]
    completedHead += 1
    if completedHead > 256 {
      completed.removeFirst(completedHead)
      completedHead = 0
    }
    return fragment
  }

  /// How many fragments are ready.
  public var readyCount: Int { completed.count - completedHead }

  private static let commentOpening = Array("--".utf8)
  private static let cdataOpening = Array("[CDATA[".utf8)

  /// The index of the first `byte` in `p[from..<to]`, or nil.
  private static func find(_ byte: UInt8, _ p: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
    guard from < to, let hit = memchr(p + from, Int32(byte), to - from) else { return nil }
    return p.distance(to: hit.assumingMemoryBound(to: UInt8.self))
  }

  /// Records the fragment from the capture's start up to `end` (exclusive, a stream offset), as
  /// slices of the chunks in the window.
  private mutating func finish(endingAt end: Int) {
    guard let start = captureStart else { return }
    var pieces: [Data] = []
    for (offset, data) in window where offset < end && offset + data.count > start {
      let from = max(start, offset) - offset
      let to = min(end, offset + data.count) - offset
      pieces.append(data[(data.startIndex + from)..<(data.startIndex + to)])
    }
    completed.append(RawFragment(pieces: pieces))
    captureStart = nil
  }
}
