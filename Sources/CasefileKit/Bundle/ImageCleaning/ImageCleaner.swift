import Foundation

/// Makes the copy of an image that leaves in a platform or police package: the same container
/// format and the same pixels, with every piece of metadata left out.
///
/// Each format is rewritten at the container level by walking its structure as its specification
/// defines it (JPEG markers, PNG chunks, GIF blocks, RIFF chunks) and copying only what decoding
/// needs; the rules for each are in ``JPEGCleaner``, ``PNGCleaner``, ``GIFCleaner`` and
/// ``WebPCleaner``. Nothing is decoded or re-encoded, so the compressed image data, and with it
/// every decoded pixel, is byte for byte the original's. Anything that does not follow the
/// structure exactly (a truncated file, a length that runs past the end, a bad CRC, an unknown
/// critical part) is refused, never passed through: a file casefile cannot read whole may hide
/// anything.
///
/// What is dropped everywhere, and why it is not kept even when a decoder could use it:
/// - ICC colour profiles (JPEG APP2, PNG iCCP, WebP ICCP, GIF's ICCRGBG1012 application block).
///   A profile carries free text (its description, copyright and device tags, and any private
///   tag), and cameras, scanners and editors write profiles of their own, so it can name a person
///   or a device. Decoded pixel values do not depend on it; an image in a wide-gamut space shows
///   slightly less saturated without it.
/// - Everything after the image's end (after JPEG's EOI, PNG's IEND, GIF's trailer, beyond the
///   RIFF size): decoders stop there, and it is where a phone keeps a second picture, and where a
///   cropped screenshot can still hold the uncropped original.
public enum ImageCleaner {
  /// The formats casefile can clean.
  public enum Format: String, Sendable, CaseIterable {
    case jpeg, png, gif, webp

    public var mediaType: String { "image/\(rawValue)" }
    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
    /// How a message names it.
    public var name: String { self == .webp ? "WebP" : rawValue.uppercased() }
  }

  /// The name of the transformation, as bundle.xml records it on a cleaned attachment.
  public static let transform = "metadata-removed"

  /// Why a file cannot be cleaned.
  public enum Problem: Error, Equatable, Sendable {
    /// Not one of the formats casefile can clean; the words name what it is, e.g. "a PDF".
    case unsupported(String)
    /// One of those formats, but not whole or not well formed; the words say how, in terms of its
    /// structure (never its content).
    case malformed(Format, String)
  }

  /// The format of an image, from its first bytes.
  public static func format(of data: Data) -> Format? {
    let head = [UInt8](data.prefix(12))
    func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
      head.count >= offset + prefix.count && Array(head[offset..<(offset + prefix.count)]) == prefix
    }
    if starts(PNGCleaner.signature) { return .png }
    if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
    if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
    if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
    return nil
  }

  /// The cleaned copy of `data`, and its format; throws ``Problem``.
  public static func clean(_ data: Data, mediaType: String) throws(Problem) -> (format: Format, data: Data) {
    guard let format = format(of: data) else { throw .unsupported(describe(data, mediaType: mediaType)) }
    let bytes = [UInt8](data)
    do {
      let cleaned: [UInt8]
      switch format {
      case .jpeg: cleaned = try JPEGCleaner.clean(bytes)
      case .png: cleaned = try PNGCleaner.clean(bytes)
      case .gif: cleaned = try GIFCleaner.clean(bytes)
      case .webp: cleaned = try WebPCleaner.clean(bytes)
      }
      return (format, Data(cleaned))
    } catch {
      throw .malformed(format, error.reason)
    }
  }

  /// What a file that cannot be cleaned is, in plain words: from its first bytes, else its media type.
  static func describe(_ data: Data, mediaType: String) -> String {
    let head = [UInt8](data.prefix(12))
    func starts(_ text: String, at offset: Int = 0) -> Bool {
      let prefix = Array(text.utf8)
      return head.count >= offset + prefix.count && Array(head[offset..<(offset + prefix.count)]) == prefix
    }
    if starts("%PDF-") { return "a PDF" }
    if starts("II*\u{0}") || starts("MM\u{0}*") { return "a TIFF image" }
    if starts("ftyp", at: 4) {
      return starts("heic", at: 8) || starts("heix", at: 8) || starts("mif1", at: 8) || starts("avif", at: 8)
        ? "a HEIC or AVIF image" : "a video (MP4 or QuickTime)"
    }
    if starts("ID3") || starts("OggS") || starts("#!AMR") || starts("fLaC") { return "an audio file" }
    if starts("RIFF") { return "a RIFF file (such as WAV or AVI)" }
    if starts("PK\u{3}\u{4}") { return "a zip archive or office document" }
    let type = mediaType.lowercased()
    if type.hasPrefix("image/") { return "an image of a type casefile cannot clean (\(type))" }
    if type.hasPrefix("video/") { return "a video" }
    if type.hasPrefix("audio/") { return "an audio file" }
    if type.hasPrefix("text/") { return "a text file" }
    return "a file of a type casefile cannot clean (\(type))"
  }
}

/// Why a container walk stopped: the structure, never the content.
struct ImageDefect: Error {
  let reason: String
  init(_ reason: String) { self.reason = reason }
}

/// Reads a byte array front to back; every read checks that the bytes are there.
struct ByteCursor {
  let bytes: [UInt8]
  var offset: Int

  init(_ bytes: [UInt8], at offset: Int = 0) {
    self.bytes = bytes
    self.offset = offset
  }

  var remaining: Int { bytes.count - offset }
  var atEnd: Bool { offset >= bytes.count }

  /// The next `count` bytes; `what` names them when the file ends first.
  mutating func take(_ count: Int, _ what: String) throws(ImageDefect) -> ArraySlice<UInt8> {
    guard count >= 0, count <= remaining else { throw ImageDefect("\(what) runs past the end of the file (truncated?)") }
    defer { offset += count }
    return bytes[offset..<(offset + count)]
  }

  mutating func u8(_ what: String) throws(ImageDefect) -> UInt8 { try take(1, what).first! }

  mutating func be16(_ what: String) throws(ImageDefect) -> Int {
    let b = try take(2, what)
    return Int(b[b.startIndex]) << 8 | Int(b[b.startIndex + 1])
  }

  mutating func be32(_ what: String) throws(ImageDefect) -> Int {
    let b = try take(4, what)
    return b.reduce(0) { $0 << 8 | Int($1) }
  }

  mutating func le16(_ what: String) throws(ImageDefect) -> Int {
    let b = try take(2, what)
    return Int(b[b.startIndex]) | Int(b[b.startIndex + 1]) << 8
  }

  mutating func le32(_ what: String) throws(ImageDefect) -> Int {
    let b = try take(4, what)
    return b.reversed().reduce(0) { $0 << 8 | Int($1) }
  }
}

extension Array where Element == UInt8 {
  mutating func appendBE16(_ value: Int) { append(contentsOf: [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]) }
  mutating func appendBE32(_ value: Int) {
    append(contentsOf: [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
  }
  mutating func appendLE32(_ value: Int) {
    append(contentsOf: [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24 & 0xFF)])
  }
}
