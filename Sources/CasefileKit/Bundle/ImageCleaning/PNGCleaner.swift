/// Rewrites a PNG with only the chunks that decoding needs.
///
/// The structure is the PNG specification (W3C, third edition; ISO/IEC 15948), section 5: the
/// 8-byte signature, then chunks of a 4-byte big-endian length (at most 2^31-1), a 4-byte type of
/// ASCII letters, the data, and a CRC-32 of type and data. Every CRC is checked.
///
/// Kept, each copied byte for byte:
/// - IHDR (first, 13 bytes, valid fields), PLTE, IDAT (consecutive), IEND: the critical chunks
///   (5.6, 11.2).
/// - tRNS: transparency is part of the decoded pixels (11.3.2.1).
/// - gAMA, cHRM, sRGB, cICP: how the sample values are to be shown (11.3.3); fixed-size numbers,
///   checked to be exactly their size.
/// - acTL, fcTL, fdAT: the frames of an animated PNG (APNG, now in the third edition), numbers and
///   image data only, checked for their sizes.
///
/// Dropped: tEXt, zTXt, iTXt (free text of any kind: author, comment, software, dates), eXIf (a
/// whole Exif block with GPS), tIME, iCCP (an ICC profile with a free-text name), sPLT (a named
/// palette), bKGD, hIST, pHYs, sBIT, oFFs, pCAL, sCAL, sTER, dSIG, private chunks such as Apple's
/// iDOT, and every other ancillary chunk, known or not; everything after IEND (where a cropped
/// screenshot can still hold the uncropped original).
///
/// Refused: a bad signature; a chunk whose length runs past the end or whose CRC does not match;
/// a type that is not four letters; IHDR missing, not first, or ill-formed; an unknown critical
/// chunk (5.4: a decoder must not guess); PLTE twice or after IDAT, or missing in a palette image;
/// IDAT chunks not consecutive; no IDAT; no IEND (a truncated file).
enum PNGCleaner {
  static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  static func clean(_ bytes: [UInt8]) throws(ImageDefect) -> [UInt8] {
    var input = ByteCursor(bytes)
    guard Array(try input.take(8, "the PNG signature")) == signature else { throw ImageDefect("it does not start with the PNG signature") }
    var out = signature
    out.reserveCapacity(bytes.count)
    var chunks = 0
    var palette = false
    var paletted = false
    var idat = (seen: false, ended: false)
    while true {
      let at = input.offset
      let length = try input.be32("the length of the chunk at byte \(at)")
      guard length <= 0x7FFF_FFFF else { throw ImageDefect("the chunk at byte \(at) has a length above 2^31-1") }
      let typeBytes = try input.take(4, "the type of the chunk at byte \(at)")
      guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
        throw ImageDefect("the chunk at byte \(at) has a type that is not four letters")
      }
      let type = String(decoding: typeBytes, as: UTF8.self)
      let data = try input.take(length, "the \(type) chunk at byte \(at)")
      let crc = try input.be32("the CRC of the \(type) chunk at byte \(at)")
      guard crc == Int(CRC32.of(typeBytes, data)) else {
        throw ImageDefect("the CRC of the \(type) chunk at byte \(at) does not match its data")
      }
      chunks += 1
      guard chunks > 1 || type == "IHDR" else { throw ImageDefect("its first chunk is \(type), not IHDR") }
      if idat.seen && type != "IDAT" { idat.ended = true }
      func size(_ valid: Bool) throws(ImageDefect) {
        guard valid else { throw ImageDefect("the \(type) chunk at byte \(at) has the wrong length") }
      }
      switch type {
      case "IHDR":
        guard chunks == 1 else { throw ImageDefect("it has a second IHDR chunk at byte \(at)") }
        try checkHeader(data)
        paletted = data[data.startIndex + 9] == 3
      case "PLTE":
        guard !palette, !idat.seen else { throw ImageDefect("the PLTE chunk at byte \(at) is out of place") }
        try size(length > 0 && length % 3 == 0 && length <= 768)
        palette = true
      case "IDAT":
        guard !idat.ended else { throw ImageDefect("its IDAT chunks are not consecutive (byte \(at))") }
        guard palette || !paletted else { throw ImageDefect("it is a palette image without a PLTE chunk before its data") }
        idat.seen = true
      case "IEND":
        try size(length == 0)
        guard idat.seen else { throw ImageDefect("it ends before any image data") }
      case "tRNS": try size(length <= 256)
      case "gAMA": try size(length == 4)
      case "cHRM": try size(length == 32)
      case "sRGB": try size(length == 1)
      case "cICP": try size(length == 4)
      case "acTL": try size(length == 8)
      case "fcTL": try size(length == 26)
      case "fdAT": try size(length >= 4)
      default:
        // Bit 5 of the first byte clear: a critical chunk, which no decoder may skip (5.4).
        guard typeBytes.first! & 0x20 != 0 else {
          throw ImageDefect("it has a critical chunk \(type) (byte \(at)) that casefile does not know")
        }
        continue
      }
      out.appendBE32(length)
      out += typeBytes
      out += data
      out.appendBE32(crc)
      if type == "IEND" { return out }
    }
  }

  /// 11.2.1: width and height 1...2^31-1, an allowed bit depth for the colour type, compression,
  /// filter and interlace methods 0, 0 and 0 or 1.
  private static func checkHeader(_ data: ArraySlice<UInt8>) throws(ImageDefect) {
    var fields = ByteCursor(Array(data))
    let bad = ImageDefect("its IHDR chunk is not well formed")
    guard data.count == 13 else { throw bad }
    let width = try fields.be32("IHDR")
    let height = try fields.be32("IHDR")
    let depth = try fields.u8("IHDR")
    let colour = try fields.u8("IHDR")
    let methods = Array(try fields.take(3, "IHDR"))
    let depths: [UInt8: [UInt8]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
    guard (1...0x7FFF_FFFF).contains(width), (1...0x7FFF_FFFF).contains(height), depths[colour]?.contains(depth) == true,
      methods[0] == 0, methods[1] == 0, methods[2] <= 1
    else { throw bad }
  }
}

/// CRC-32 as PNG defines it (ISO 3309, polynomial 0xEDB88320 reflected; PNG specification Annex D).
enum CRC32 {
  private static let table: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  static func of(_ parts: ArraySlice<UInt8>...) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for part in parts {
      for byte in part { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    }
    return crc ^ 0xFFFF_FFFF
  }
}
