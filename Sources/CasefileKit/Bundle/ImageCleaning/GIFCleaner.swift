/// Rewrites a GIF with only the blocks that decoding needs.
///
/// The structure is the GIF89a specification (CompuServe, 1990), which GIF87a files follow too:
/// the header (6 bytes), the Logical Screen Descriptor (7 bytes, section 18), an optional Global
/// Color Table (section 19), then blocks, each starting with 0x2C (an image), 0x21 (an extension)
/// or 0x3B (the trailer). Image data and extension bodies are data sub-blocks: a size byte and
/// that many bytes, ended by a size of 0 (section 15).
///
/// Kept:
/// - the header, Logical Screen Descriptor and Global Color Table;
/// - each image: its Image Descriptor (section 20), Local Color Table (21), LZW code size and
///   data sub-blocks (22), copied byte for byte;
/// - Graphic Control Extensions (section 23: transparency, frame delay and disposal), of exactly
///   their 4 bytes;
/// - the NETSCAPE2.0 (or ANIMEXTS1.0) application extension's loop count, written anew as its one
///   3-byte sub-block: how often an animation plays.
/// - the trailer.
///
/// Dropped: Comment Extensions (section 24); Plain Text Extensions (section 25: text drawn by the
/// decoder, which browsers and most viewers ignore); every other application extension (XMP
/// "XMP DataXMP", ICC "ICCRGBG1012", and any other); unknown extension labels; everything after
/// the trailer.
///
/// Refused: a bad header; a block that runs past the end; an unknown block introducer; an LZW code
/// size outside 1...8 (the specification says 2...8; decoders take 1, which some two-colour files
/// have); an ill-formed graphic control or application extension; no image; no trailer (a
/// truncated file).
enum GIFCleaner {
  static func clean(_ bytes: [UInt8]) throws(ImageDefect) -> [UInt8] {
    var input = ByteCursor(bytes)
    let header = try input.take(6, "the GIF header")
    guard Array(header) == Array("GIF87a".utf8) || Array(header) == Array("GIF89a".utf8) else {
      throw ImageDefect("it does not start with a GIF header")
    }
    let screen = try input.take(7, "the logical screen descriptor")
    var out = Array(header) + Array(screen)
    out.reserveCapacity(bytes.count)
    out += try colourTable(flags: screen[screen.startIndex + 4], &input, "the global colour table")
    var images = 0
    while true {
      let at = input.offset
      switch try input.u8("a block") {
      case 0x2C:
        let descriptor = try input.take(9, "the image descriptor at byte \(at)")
        out.append(0x2C)
        out += descriptor
        out += try colourTable(flags: descriptor[descriptor.startIndex + 8], &input, "the local colour table at byte \(at)")
        let codeSize = try input.u8("the image data at byte \(at)")
        guard (1...8).contains(codeSize) else { throw ImageDefect("the image at byte \(at) has an LZW code size of \(codeSize)") }
        out.append(codeSize)
        for block in try subBlocks(&input, "the image data at byte \(at)") {
          out.append(UInt8(block.count))
          out += block
        }
        out.append(0)
        images += 1
      case 0x21:
        let label = try input.u8("the extension at byte \(at)")
        let blocks = try subBlocks(&input, "the extension at byte \(at)")
        switch label {
        case 0xF9:
          guard blocks.count == 1, blocks[0].count == 4 else {
            throw ImageDefect("the graphic control extension at byte \(at) is not well formed")
          }
          out += [0x21, 0xF9, 4] + blocks[0] + [0]
        case 0xFF:
          guard let identifier = blocks.first, identifier.count == 11 else {
            throw ImageDefect("the application extension at byte \(at) is not well formed")
          }
          let looping = [Array("NETSCAPE2.0".utf8), Array("ANIMEXTS1.0".utf8)].contains(Array(identifier))
          if looping, let loop = blocks.dropFirst().first(where: { $0.count == 3 && $0.first == 1 }) {
            out += [0x21, 0xFF, 11] + identifier + [3] + loop + [0]
          }
        default:
          break
        }
      case 0x3B:
        guard images > 0 else { throw ImageDefect("it ends before any image") }
        out.append(0x3B)
        return out
      case let other:
        throw ImageDefect("an unknown block 0x\(String(other, radix: 16)) at byte \(at)")
      }
    }
  }

  /// The colour table a descriptor's packed field announces (bit 7 set: 3 x 2^(n+1) bytes).
  private static func colourTable(flags: UInt8, _ input: inout ByteCursor, _ what: String) throws(ImageDefect) -> ArraySlice<UInt8> {
    guard flags & 0x80 != 0 else { return [] }
    return try input.take(3 << (Int(flags & 0x07) + 1), what)
  }

  /// Data sub-blocks up to and without their terminator.
  private static func subBlocks(_ input: inout ByteCursor, _ what: String) throws(ImageDefect) -> [ArraySlice<UInt8>] {
    var blocks: [ArraySlice<UInt8>] = []
    while true {
      let size = Int(try input.u8(what))
      if size == 0 { return blocks }
      blocks.append(try input.take(size, what))
    }
  }
}
