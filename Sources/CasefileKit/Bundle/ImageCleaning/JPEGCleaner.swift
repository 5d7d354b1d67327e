/// Rewrites a JPEG with only the marker segments that decoding needs.
///
/// The structure is ITU-T T.81 (ISO/IEC 10918-1), Annex B: SOI, then marker segments (a 0xFF,
/// optional 0xFF fill bytes (B.1.1.2), the marker code, and for all but SOI, EOI, RSTn and TEM a
/// big-endian length that counts itself), each scan's entropy-coded data after its SOS, and EOI.
///
/// Kept, because a decoder needs them, each checked to be exactly the size its fields give (so no
/// segment can carry extra bytes):
/// - SOF0, SOF1, SOF2, SOF3, SOF9, SOF10, SOF11: the frame header (B.2.2), exactly one, before
///   the first scan. The hierarchical SOFs (5-7, 13-15) with DHP and EXP are refused: no camera or
///   phone writes them, and casefile does not guess at them.
/// - DHT, DQT, DAC, DRI (B.2.4), SOS and its entropy-coded data copied byte for byte (B.2.3,
///   B.1.1.5: 0xFF 0x00 is a stuffed byte and RST0-7 sit inside the data), DNL (B.2.5).
/// - APP0 "JFIF" (JFIF 1.02, ECMA TR/98), the first one before the frame: decoders read the
///   colour space from it. It is written anew with its version, units and densities only, so its
///   thumbnail (pixels of the picture, possibly before cropping) is left out.
/// - APP14 "Adobe" of exactly its 12 bytes (Adobe Technical Note 5116): its transform flag tells
///   a decoder whether the data is YCbCr, YCCK or RGB/CMYK. It holds no text.
///
/// Dropped: every other APPn segment, among them APP1 Exif (camera, owner, times, GPS position,
/// thumbnail) and XMP, APP2 ICC profiles and MPF, APP13 Photoshop IRB with IPTC, a second JFIF
/// and JFXX thumbnails; COM comments; fill bytes between segments; everything after EOI.
///
/// Refused: no SOI; a marker where the specification has none; a reserved or hierarchical
/// marker; a length below 2 or running past the end; a segment whose fields disagree with its
/// length; a second frame; a scan before the frame; no scan; no EOI (a truncated file).
enum JPEGCleaner {
  static func clean(_ bytes: [UInt8]) throws(ImageDefect) -> [UInt8] {
    var input = ByteCursor(bytes)
    guard try input.be16("the start-of-image marker") == 0xFFD8 else {
      throw ImageDefect("it does not start with a JPEG start-of-image marker")
    }
    var out: [UInt8] = [0xFF, 0xD8]
    out.reserveCapacity(bytes.count)
    var frames = 0
    var scans = 0
    var jfifWritten = false
    func write(_ marker: UInt8, _ payload: ArraySlice<UInt8>) {
      out += [0xFF, marker]
      out.appendBE16(payload.count + 2)
      out += payload
    }

    while true {
      let at = input.offset
      let marker = try nextMarker(&input)
      switch marker {
      case 0xD9:
        guard scans > 0 else { throw ImageDefect("it ends before its first scan") }
        out += [0xFF, 0xD9]
        return out
      case 0xD8, 0xD0...0xD7, 0x01:
        throw ImageDefect("a stray marker 0xFF\(hex(marker)) at byte \(at)")
      default:
        break
      }
      let length = try input.be16("the length of the segment at byte \(at)")
      guard length >= 2 else { throw ImageDefect("the segment at byte \(at) has a length below 2") }
      let payload = try input.take(length - 2, "the segment at byte \(at)")
      let name = "the 0xFF\(hex(marker)) segment at byte \(at)"
      switch marker {
      case 0xC0, 0xC1, 0xC2, 0xC3, 0xC9, 0xCA, 0xCB:
        frames += 1
        guard frames == 1 else { throw ImageDefect("it has a second frame header at byte \(at)") }
        try checkFrame(payload, name)
        write(marker, payload)
      case 0xC4:
        try checkHuffmanTables(payload, name)
        write(marker, payload)
      case 0xDB:
        try checkQuantisationTables(payload, name)
        write(marker, payload)
      case 0xCC:
        guard !payload.isEmpty, payload.count % 2 == 0 else { throw ImageDefect("\(name) has the wrong length") }
        write(marker, payload)
      case 0xDD:
        guard payload.count == 2 else { throw ImageDefect("\(name) has the wrong length") }
        write(marker, payload)
      case 0xDC:
        guard payload.count == 2, scans > 0 else { throw ImageDefect("\(name) is not a well-formed line count") }
        write(marker, payload)
      case 0xDA:
        guard frames == 1 else { throw ImageDefect("a scan at byte \(at) comes before the frame header") }
        try checkScan(payload, name)
        write(marker, payload)
        let start = input.offset
        input.offset = try endOfEntropyCodedData(bytes, from: start)
        out += bytes[start..<input.offset]
        scans += 1
      case 0xE0:
        // JFIF: "JFIF\0", version (2), units (1), X and Y density (2 each), thumbnail size (2), thumbnail.
        let jfif: [UInt8] = Array("JFIF".utf8) + [0]
        if !jfifWritten, frames == 0, payload.count >= 14, Array(payload.prefix(5)) == jfif {
          jfifWritten = true
          write(0xE0, payload.prefix(12) + [0, 0])
        }
      case 0xEE:
        if payload.count == 12, Array(payload.prefix(5)) == Array("Adobe".utf8) { write(marker, payload) }
      case 0xE1...0xED, 0xEF, 0xFE:
        break
      case 0xC5...0xC7, 0xCD...0xCF, 0xDE, 0xDF:
        throw ImageDefect("it is a hierarchical JPEG (marker 0xFF\(hex(marker)) at byte \(at)), which casefile does not read")
      default:
        throw ImageDefect("a reserved marker 0xFF\(hex(marker)) at byte \(at)")
      }
    }
  }

  /// The marker code at the cursor, after its 0xFF and any fill bytes.
  private static func nextMarker(_ input: inout ByteCursor) throws(ImageDefect) -> UInt8 {
    let at = input.offset
    guard try input.u8("a marker") == 0xFF else { throw ImageDefect("there is no marker at byte \(at) where one must be") }
    var code = try input.u8("a marker")
    while code == 0xFF { code = try input.u8("a marker") }
    guard code != 0x00 else { throw ImageDefect("there is no marker at byte \(at) where one must be") }
    return code
  }

  /// Where a scan's entropy-coded data ends: at the first 0xFF (with its fill bytes) that starts a
  /// marker other than RST0-7; 0xFF 0x00 is a stuffed data byte.
  private static func endOfEntropyCodedData(_ bytes: [UInt8], from start: Int) throws(ImageDefect) -> Int {
    var index = start
    while index < bytes.count {
      guard bytes[index] == 0xFF else {
        index += 1
        continue
      }
      var next = index + 1
      while next < bytes.count && bytes[next] == 0xFF { next += 1 }
      guard next < bytes.count else { break }
      if bytes[next] == 0x00 || (0xD0...0xD7).contains(bytes[next]) {
        index = next + 1
      } else {
        return index
      }
    }
    throw ImageDefect("the scan that starts at byte \(start) runs past the end of the file (truncated?)")
  }

  /// B.2.2: precision, lines, samples per line, component count, three bytes per component.
  private static func checkFrame(_ payload: ArraySlice<UInt8>, _ name: String) throws(ImageDefect) {
    var fields = ByteCursor(Array(payload))
    _ = try fields.u8(name)
    _ = try fields.be16(name)
    let width = try fields.be16(name)
    let components = Int(try fields.u8(name))
    guard width > 0, components >= 1, payload.count == 6 + 3 * components else {
      throw ImageDefect("\(name) is not a well-formed frame header")
    }
  }

  /// B.2.3: component count, two bytes per component, then three bytes of spectral selection and
  /// approximation.
  private static func checkScan(_ payload: ArraySlice<UInt8>, _ name: String) throws(ImageDefect) {
    guard let count = payload.first, (1...4).contains(count), payload.count == 4 + 2 * Int(count) else {
      throw ImageDefect("\(name) is not a well-formed scan header")
    }
  }

  /// B.2.4.1: tables of a precision byte and 64 values of one or two bytes, filling the segment.
  private static func checkQuantisationTables(_ payload: ArraySlice<UInt8>, _ name: String) throws(ImageDefect) {
    var tables = ByteCursor(Array(payload))
    guard !tables.atEnd else { throw ImageDefect("\(name) holds no table") }
    while !tables.atEnd {
      let precision = try tables.u8(name) >> 4
      guard precision <= 1 else { throw ImageDefect("\(name) is not a well-formed quantisation table") }
      _ = try tables.take(64 * (Int(precision) + 1), name)
    }
  }

  /// B.2.4.2: tables of a class byte, 16 code-length counts and that many values, filling the segment.
  private static func checkHuffmanTables(_ payload: ArraySlice<UInt8>, _ name: String) throws(ImageDefect) {
    var tables = ByteCursor(Array(payload))
    guard !tables.atEnd else { throw ImageDefect("\(name) holds no table") }
    while !tables.atEnd {
      _ = try tables.u8(name)
      let values = try tables.take(16, name).reduce(0) { $0 + Int($1) }
      guard values <= 256 else { throw ImageDefect("\(name) is not a well-formed Huffman table") }
      _ = try tables.take(values, name)
    }
  }

  private static func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
  }
}
