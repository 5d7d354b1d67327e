import Foundation

/// Cuts the elements at one depth out of an XML byte stream, exactly as they stand in the file.
///
/// Provenance keeps each imported message's raw fragment byte for byte. libxml2's reader can only
/// re-serialise what it parsed, and its byte counters run ahead of the node it returns and count
/// the repaired stream, so this scanner runs beside it over the ORIGINAL bytes: it tracks tags,
/// quoted attribute values, comments, CDATA and processing instructions, and hands out each
/// complete element at ``depth`` (1 = the children of the root) in document order. The reader and
/// the scanner agree on order, so the n-th element the reader finishes at that depth is the n-th
/// fragment here. Well-formedness is libxml2's job; this only needs to find boundaries.
public struct XMLFragmentScanner: Sendable {
  public let depth: Int
  private var currentDepth = 0
  private var state = State.text
  private var capture: [UInt8]?
  private var captureEndsAtDepth = 0
  private var captureIsSelfClosing = false
  private var completed: [Data] = []
  private var completedHead = 0
  /// The last bytes seen, to recognise `-->`, `]]>`, `?>` and `/>`.
  private var last1: UInt8 = 0
  private var last2: UInt8 = 0
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
    chunk.withUnsafeBytes { buffer in
      var runStart = 0
      var index = 0
      let count = buffer.count
      while index < count {
        // Most bytes are text between tags or attribute values: skip those in a tight loop.
        let skipTo: UInt8?
        switch state {
        case .text: skipTo = UInt8(ascii: "<")
        case .quoted(let quote): skipTo = quote
        default: skipTo = nil
        }
        if let skipTo, buffer[index] != skipTo {
          let from = index
          while index < count && buffer[index] != skipTo { index += 1 }
          last2 = index - from >= 2 ? buffer[index - 2] : last1
          last1 = buffer[index - 1]
          continue
        }
        step(buffer[index], buffer: buffer, index: index, runStart: &runStart)
        index += 1
      }
      if capture != nil, runStart < buffer.count {
        capture!.append(contentsOf: buffer[runStart..<buffer.count])
      }
    }
  }

  /// The next complete fragment, oldest first, or nil when none is ready yet.
  public mutating func nextFragment() -> Data? {
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

  private mutating func step(_ byte: UInt8, buffer: UnsafeRawBufferPointer, index: Int, runStart: inout Int) {
    defer {
      last2 = last1
      last1 = byte
    }
    switch state {
    case .text:
      if byte == UInt8(ascii: "<") {
        state = .tagOpen
        if capture == nil && currentDepth == depth {
          // A tag may start a fragment; decided at the next byte. Keep the '<'.
          capture = [byte]
          captureEndsAtDepth = -1
          runStart = index + 1
        }
      }
    case .tagOpen:
      switch byte {
      case UInt8(ascii: "/"): state = .endTag
      case UInt8(ascii: "?"): state = .pi
      case UInt8(ascii: "!"):
        state = .bang
        bang = []
      default: state = .startTag
      }
      if captureEndsAtDepth == -1 {
        if state == .startTag {
          captureEndsAtDepth = depth
        } else {
          // Not an element at our depth: a comment, a PI or an end tag. Drop the capture.
          capture = nil
          captureEndsAtDepth = 0
        }
      }
    case .startTag:
      if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
        state = .quoted(byte)
      } else if byte == UInt8(ascii: ">") {
        state = .text
        if last1 == UInt8(ascii: "/") {
          if capture != nil && currentDepth == captureEndsAtDepth {
            finish(buffer: buffer, through: index, runStart: &runStart)
          }
        } else {
          currentDepth += 1
        }
      }
    case .quoted(let quote):
      if byte == quote { state = .startTag }
    case .endTag:
      if byte == UInt8(ascii: ">") {
        state = .text
        currentDepth -= 1
        if capture != nil && currentDepth == captureEndsAtDepth {
          finish(buffer: buffer, through: index, runStart: &runStart)
        }
      }
    case .bang:
      bang.append(byte)
      if bang == Array("--".utf8) {
        state = .comment
      } else if bang == Array("[CDATA[".utf8) {
        state = .cdata
      } else if !Array("--".utf8).starts(with: bang) && !Array("[CDATA[".utf8).starts(with: bang) {
        state = byte == UInt8(ascii: ">") ? .text : .declaration
      }
    case .comment:
      if byte == UInt8(ascii: ">") && last1 == UInt8(ascii: "-") && last2 == UInt8(ascii: "-") { state = .text }
    case .cdata:
      if byte == UInt8(ascii: ">") && last1 == UInt8(ascii: "]") && last2 == UInt8(ascii: "]") { state = .text }
    case .declaration:
      if byte == UInt8(ascii: ">") { state = .text }
    case .pi:
      if byte == UInt8(ascii: ">") && last1 == UInt8(ascii: "?") { state = .text }
    }
  }

  private mutating func finish(buffer: UnsafeRawBufferPointer, through index: Int, runStart: inout Int) {
    capture!.append(contentsOf: buffer[runStart...index])
    completed.append(Data(capture!))
    capture = nil
    captureEndsAtDepth = 0
    runStart = index + 1
  }
}
