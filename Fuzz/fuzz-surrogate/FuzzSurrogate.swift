import CasefileKit
import Foundation

/// libFuzzer target for ``SurrogateRepair``: checks its invariants and traps when one fails.
///
/// - Streaming does not change the result: the bytes fed in chunks (cut where the input's first
///   bytes say) give the same output and the same count as the whole buffer at once.
/// - It is idempotent: repairing the output again changes nothing and counts no repair.
/// - The output holds no surrogate half as a reference the repair reads (`&#N;`, `&#xH;`).
/// - Valid UTF-8 in gives valid UTF-8 out.
enum SurrogateTarget {
  static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard bytes.count >= 2 else { return }
    // Byte 0 and 1 choose the chunk sizes (1...256); the rest is the text.
    let sizes = [Int(bytes[0]) + 1, Int(bytes[1]) + 1]
    let input = Data(bytes.dropFirst(2))

    let whole = SurrogateRepair.repair(input)

    var streamed = SurrogateRepair()
    var output = Data()
    var offset = 0
    var turn = 0
    while offset < input.count {
      let size = min(sizes[turn % 2], input.count - offset)
      output.append(streamed.push(input.subdata(in: offset..<(offset + size))))
      offset += size
      turn += 1
    }
    output.append(streamed.finish())
    guard output == whole.data, streamed.repairs == whole.repairs else {
      fatalError("SurrogateRepair: chunked output or count differs from the whole-buffer one")
    }

    let again = SurrogateRepair.repair(whole.data)
    guard again.data == whole.data, again.repairs == 0 else {
      fatalError("SurrogateRepair: not idempotent (\(again.repairs) more repairs)")
    }

    if let half = surrogateReference(in: whole.data) {
      fatalError("SurrogateRepair: the output still holds a reference to the surrogate half \(half)")
    }

    if String(validating: input, as: UTF8.self) != nil, String(validating: whole.data, as: UTF8.self) == nil {
      fatalError("SurrogateRepair: valid UTF-8 in gave invalid UTF-8 out")
    }
  }

  /// The first surrogate half written as `&#N;` or `&#xH;` (up to eight digits), if any. An
  /// independent, slow reading of the grammar the repair handles.
  static func surrogateReference(in data: Data) -> UInt32? {
    let bytes = [UInt8](data)
    var index = 0
    while index + 3 < bytes.count {
      defer { index += 1 }
      guard bytes[index] == UInt8(ascii: "&"), bytes[index + 1] == UInt8(ascii: "#") else { continue }
      var cursor = index + 2
      let hex = bytes[cursor] == UInt8(ascii: "x") || bytes[cursor] == UInt8(ascii: "X")
      if hex { cursor += 1 }
      func isDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57: true
        case 65...70, 97...102: hex
        default: false
        }
      }
      let start = cursor
      while cursor < bytes.count, isDigit(bytes[cursor]) { cursor += 1 }
      let digits = String(decoding: bytes[start..<cursor], as: UTF8.self)
      guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: ";"), !digits.isEmpty, digits.count <= 8,
        let value = UInt32(digits, radix: hex ? 16 : 10)
      else { continue }
      if (0xD800...0xDFFF).contains(value) { return value }
    }
    return nil
  }
}

#if FUZZING
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    SurrogateTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
  }
#else
  /// Replays the files given as arguments through the fuzz function, to reproduce a finding
  /// without libFuzzer.
  @main
  enum Replay {
    static func main() throws {
      for path in CommandLine.arguments.dropFirst() {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        data.withUnsafeBytes { SurrogateTarget.run($0.bindMemory(to: UInt8.self)) }
        print("replayed \(path) (\(data.count) bytes)")
      }
    }
  }
#endif
