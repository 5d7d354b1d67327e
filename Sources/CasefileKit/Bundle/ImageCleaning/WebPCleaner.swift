/// Rewrites a WebP with only the chunks that decoding needs.
///
/// The structure is RFC 9649 (WebP Image Format), a RIFF container: "RIFF", a little-endian size
/// of what follows, "WEBP", then chunks of a FourCC, a little-endian size and the data, padded
/// with one byte to an even size (section 2.3). The first chunk says which of three layouts it is:
/// "VP8 " (lossy), "VP8L" (lossless) or "VP8X" (extended, section 2.7).
///
/// Kept, each copied byte for byte unless said:
/// - VP8 , VP8L, ALPH: the image and its alpha plane;
/// - VP8X (exactly 10 bytes), written again with its ICC, Exif and XMP flags cleared, since those
///   chunks are left out (a decoder that sees a flag looks for the chunk);
/// - ANIM (exactly 6 bytes: background colour and loop count) and ANMF frames, whose 16-byte
///   frame header is kept and whose inner chunks follow the same rules as the file's own.
///
/// Dropped: ICCP (an ICC profile), EXIF, "XMP ", and every unknown chunk (section 2.7.1.5: a reader
/// ignores them), inside frames too; everything beyond the RIFF size.
///
/// Refused: a bad header; a RIFF size past the end of the file; a chunk that runs past the RIFF
/// size; a first chunk other than VP8 , VP8L or VP8X; an ill-sized VP8X, ANIM or ANMF; no image
/// data (a truncated file).
enum WebPCleaner {
  private static let iccFlag: UInt8 = 0x20
  private static let exifFlag: UInt8 = 0x08
  private static let xmpFlag: UInt8 = 0x04

  static func clean(_ bytes: [UInt8]) throws(ImageDefect) -> [UInt8] {
    var input = ByteCursor(bytes)
    guard Array(try input.take(4, "the RIFF header")) == Array("RIFF".utf8) else { throw ImageDefect("it is not a RIFF file") }
    let size = try input.le32("the RIFF header")
    guard Array(try input.take(4, "the RIFF header")) == Array("WEBP".utf8) else { throw ImageDefect("it is not a WebP file") }
    guard size >= 4, size <= bytes.count - 8 else { throw ImageDefect("its RIFF size runs past the end of the file (truncated?)") }
    let body = ByteCursor(Array(bytes[12..<(8 + size)]))
    let chunks = try self.chunks(body, "the file")
    guard let first = chunks.first else { throw ImageDefect("it holds no chunk") }
    var payload: [UInt8] = Array("WEBP".utf8)
    switch first.fourCC {
    case "VP8 ", "VP8L":
      payload += encode(first)
    case "VP8X":
      guard first.data.count == 10 else { throw ImageDefect("its VP8X chunk has the wrong length") }
      var header = first.data
      header[header.startIndex] &= ~(iccFlag | exifFlag | xmpFlag)
      payload += encode(("VP8X", header))
      var images = 0
      for chunk in chunks.dropFirst() {
        switch chunk.fourCC {
        case "ALPH", "VP8 ", "VP8L":
          payload += encode(chunk)
          images += chunk.fourCC == "ALPH" ? 0 : 1
        case "ANIM":
          guard chunk.data.count == 6 else { throw ImageDefect("its ANIM chunk has the wrong length") }
          payload += encode(chunk)
        case "ANMF":
          guard chunk.data.count >= 16 else { throw ImageDefect("an ANMF chunk is shorter than its frame header") }
          let frame = chunk.data.prefix(16)
          var kept = Array(frame)
          var frameImages = 0
          for inner in try self.chunks(ByteCursor(Array(chunk.data.dropFirst(16))), "an animation frame") {
            guard ["ALPH", "VP8 ", "VP8L"].contains(inner.fourCC) else { continue }
            kept += encode(inner)
            frameImages += inner.fourCC == "ALPH" ? 0 : 1
          }
          guard frameImages == 1 else { throw ImageDefect("an animation frame holds \(frameImages) images, not one") }
          payload += encode(("ANMF", kept[...]))
          images += 1
        default:
          continue
        }
      }
      guard images > 0 else { throw ImageDefect("it holds no image data") }
    default:
      throw ImageDefect("its first chunk is \(first.fourCC), not VP8 , VP8L or VP8X")
    }
    var out: [UInt8] = Array("RIFF".utf8)
    out.appendLE32(payload.count)
    return out + payload
  }

  private typealias Chunk = (fourCC: String, data: ArraySlice<UInt8>)

  /// The chunks of a RIFF body, each with its padding checked to be there.
  private static func chunks(_ body: ByteCursor, _ what: String) throws(ImageDefect) -> [Chunk] {
    var input = body
    var chunks: [Chunk] = []
    while !input.atEnd {
      let at = input.offset
      let fourCC = String(decoding: try input.take(4, "a chunk header in \(what)"), as: UTF8.self)
      let size = try input.le32("a chunk header in \(what)")
      let data = try input.take(size, "the \(fourCC) chunk in \(what) at byte \(at)")
      if size % 2 == 1 { _ = try input.take(1, "the padding of the \(fourCC) chunk in \(what)") }
      chunks.append((fourCC, data))
    }
    return chunks
  }

  private static func encode(_ chunk: Chunk) -> [UInt8] {
    var out = Array(chunk.fourCC.utf8)
    out.appendLE32(chunk.data.count)
    out += chunk.data
    if chunk.data.count % 2 == 1 { out.append(0) }
    return out
  }
}
