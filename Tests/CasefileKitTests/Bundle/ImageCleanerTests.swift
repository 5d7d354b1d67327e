import CasefileKit
import Foundation
import Testing

/// The container rules of ``ImageCleaner`` on images made by ImageMagick and then edited byte by
/// byte: what is kept, what is dropped, what is refused.
@Suite struct ImageCleanerTests {
  func image(_ format: ImageCleaner.Format, _ folder: TempFolder, _ extra: [String] = []) throws -> (URL, [UInt8]) {
    let url = folder.url("\(UUID().uuidString).\(format.fileExtension)")
    try ImageTools.ok("convert", [
      "-size", "40x24", "gradient:#c03020-#2040d0", "-fill", "#f0e020", "-draw", "circle 20,12 26,18",
    ] + extra + ["\(format.rawValue):\(url.path)"])
    return (url, [UInt8](try Data(contentsOf: url)))
  }

  func clean(_ bytes: [UInt8]) throws -> [UInt8] {
    [UInt8](try ImageCleaner.clean(Data(bytes), mediaType: "").data)
  }

  func malformed(_ bytes: [UInt8]) -> String? {
    do {
      _ = try ImageCleaner.clean(Data(bytes), mediaType: "")
      return nil
    } catch {
      if case .malformed(_, let reason) = error { return reason }
      return "\(error)"
    }
  }

  /// Cleaning a cleaned copy changes nothing, in every format.
  @Test(arguments: ImageCleaner.Format.allCases)
  func cleaningIsIdempotent(_ format: ImageCleaner.Format) throws {
    let folder = try TempFolder()
    let (url, _) = try image(format, folder)
    try ImageTools.exiftool(url, ["-Comment=CanaryIdempotent", "-XMP-dc:Creator=CanaryIdempotent"])
    let planted = [UInt8](try Data(contentsOf: url))
    let once = try clean(planted)
    #expect(try clean(once) == once)
    #expect(once.count < planted.count)
  }

  /// Restart markers and stuffed bytes inside the scan data, and fill bytes before a marker, are
  /// read as T.81 says: the scan data is copied byte for byte and the pixels are the same.
  @Test func jpegRestartMarkersAndFillBytesAreReadAsTheStandardSays() throws {
    let folder = try TempFolder()
    let (plain, _) = try image(.jpeg, folder)
    // A restart marker after every MCU (libjpeg-turbo's jpegtran; ImageMagick 6 cannot).
    let url = folder.url("restarts.jpg")
    try ImageTools.ok("jpegtran", ["-restart", "1", "-outfile", url.path, plain.path])
    let bytes = [UInt8](try Data(contentsOf: url))
    #expect(zip(bytes, bytes.dropFirst()).contains { $0 == 0xFF && (0xD0...0xD7).contains($1) })
    let cleaned = try clean(bytes)
    // Fill bytes before EOI and before the first segment.
    var filled = bytes
    filled.insert(contentsOf: [0xFF, 0xFF, 0xFF], at: filled.count - 2)
    filled.insert(contentsOf: [0xFF, 0xFF], at: 2)
    #expect(try clean(filled) == cleaned)
    let copy = folder.url("copy.jpg")
    try Data(cleaned).write(to: copy)
    #expect(try ImageTools.differingPixels(url, copy) == "0")
  }

  /// Kept segments may hold nothing beyond their fields: a quantisation table with a byte too many,
  /// a frame header whose length disagrees with its component count, a second frame.
  @Test func jpegSegmentsWithRoomForMoreAreRefused() throws {
    let folder = try TempFolder()
    let (_, bytes) = try image(.jpeg, folder)
    func segment(_ marker: UInt8) throws -> Int {
      var index = 2
      while index + 4 <= bytes.count {
        if bytes[index + 1] == marker { return index }
        index += 2 + (Int(bytes[index + 2]) << 8 | Int(bytes[index + 3]))
      }
      throw CasefileError(.internalError, "no segment 0xFF\(marker)")
    }
    // A DQT one byte longer, the byte a hiding place.
    var dqt = bytes
    let at = try segment(0xDB)
    let length = Int(dqt[at + 2]) << 8 | Int(dqt[at + 3]) + 1
    dqt.replaceSubrange((at + 2)...(at + 3), with: [UInt8(length >> 8), UInt8(length & 0xFF)])
    dqt.insert(0x41, at: at + 1 + length)
    #expect(malformed(dqt)?.contains("quantisation") == true)
    // The frame header twice.
    var twice = bytes
    let sof = try segment(0xC0)
    let sofLength = Int(bytes[sof + 2]) << 8 | Int(bytes[sof + 3])
    twice.insert(contentsOf: bytes[sof..<(sof + 2 + sofLength)], at: sof)
    #expect(malformed(twice)?.contains("second frame") == true)
    // A segment of length 1.
    var short = bytes
    short.replaceSubrange(4...5, with: [0, 1])
    #expect(malformed(short)?.contains("length below 2") == true)
    // Not a marker where one must be: a byte after the first segment.
    var stray = bytes
    stray.insert(0x00, at: 4 + (Int(bytes[4]) << 8 | Int(bytes[5])))
    #expect(malformed(stray)?.contains("no marker") == true)
  }

  /// A JFIF header keeps its version and density but loses its thumbnail.
  @Test func jpegJFIFThumbnailIsLeftOut() throws {
    let folder = try TempFolder()
    let (_, bytes) = try image(.jpeg, folder)
    #expect(Array(bytes[6..<11]) == Array("JFIF\u{0}".utf8))
    // A JFIF APP0 with a 2x1 thumbnail (6 bytes of pixels) in place of the original's.
    let oldLength = Int(bytes[4]) << 8 | Int(bytes[5])
    var withThumb = Array(bytes[0..<4]) + [0, 16 + 6] + Array(bytes[6..<18]) + [2, 1] + Array("Canary".utf8)
    withThumb += bytes[(4 + oldLength)...]
    let cleaned = try clean(withThumb)
    #expect(cleaned == (try clean(bytes)))
    #expect(Data(cleaned).range(of: Data("Canary".utf8)) == nil)
  }

  /// PNG: an ancillary chunk between IDATs makes them not consecutive; an unknown ancillary chunk
  /// is dropped; a chunk type that is not letters is refused.
  @Test func pngChunkOrderAndTypesAreChecked() throws {
    let folder = try TempFolder()
    let (_, bytes) = try image(.png, folder, ["-define", "png:exclude-chunks=date,time"])
    let idat = HostileImage.chunk("IDAT", in: bytes)
    func chunk(_ type: String, _ text: String) -> [UInt8] {
      let body = Array(type.utf8) + Array(text.utf8)
      let crc = HostileImage.crc32(body)
      return [0, 0, 0, UInt8(text.utf8.count)] + body + [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
    }
    let length = bytes[idat..<(idat + 4)].reduce(0) { $0 << 8 | Int($1) }
    let firstIDAT = Array(bytes[idat..<(idat + 12 + length)])
    var split = bytes
    split.insert(contentsOf: chunk("tEXt", "Comment\u{0}x") + firstIDAT, at: idat + 12 + length)
    #expect(malformed(split)?.contains("not consecutive") == true)

    var unknown = bytes
    unknown.insert(contentsOf: chunk("caNy", "CanaryPrivateChunk"), at: idat)
    let cleaned = try clean(unknown)
    #expect(cleaned == (try clean(bytes)))
    #expect(Data(cleaned).range(of: Data("CanaryPrivateChunk".utf8)) == nil)

    var badType = bytes
    badType.insert(contentsOf: chunk("c4ny", "x"), at: idat)
    #expect(malformed(badType)?.contains("not four letters") == true)
  }

  /// GIF: an animation keeps its frames, delays and loop count; comments and plain-text
  /// extensions go.
  @Test func gifAnimationIsKeptAndTextIsDropped() throws {
    let folder = try TempFolder()
    let url = folder.url("anim.gif")
    try ImageTools.ok("convert", [
      "-delay", "20", "-loop", "0", "-size", "24x16", "xc:red", "xc:blue", "xc:green", "gif:\(url.path)",
    ])
    var bytes = [UInt8](try Data(contentsOf: url))
    // A plain-text extension and a comment, before the trailer.
    let plainText: [UInt8] = [0x21, 0x01, 12] + [UInt8](repeating: 0, count: 12) + [10] + Array("CanaryDraw".utf8) + [0]
    let comment: [UInt8] = [0x21, 0xFE, 13] + Array("CanaryComment".utf8) + [0]
    bytes.insert(contentsOf: plainText + comment, at: bytes.count - 1)
    let cleaned = try clean(bytes)
    for canary in ["CanaryDraw", "CanaryComment"] { #expect(Data(cleaned).range(of: Data(canary.utf8)) == nil) }
    let copy = folder.url("copy.gif")
    try Data(cleaned).write(to: copy)
    let frames = { (file: URL) in try ImageTools.ok("identify", ["-format", "%T %#\n", file.path]) }
    #expect(try frames(copy) == (try frames(url)))
    #expect(try ImageTools.tags(copy).contains { $0.contains("AnimationIterations") })
  }

  /// WebP: once its Exif and XMP chunks are dropped, the extended header no longer announces them.
  @Test func webpExtendedHeaderFlagsAreCleared() throws {
    let folder = try TempFolder()
    let (url, _) = try image(.webp, folder)
    try ImageTools.exiftool(url, ["-EXIF:Artist=CanaryWebp", "-XMP-dc:Creator=CanaryWebp"])
    let bytes = [UInt8](try Data(contentsOf: url))
    #expect(Array(bytes[12..<16]) == Array("VP8X".utf8) && bytes[20] & 0x0C != 0)
    let cleaned = try clean(bytes)
    #expect(Array(cleaned[12..<16]) == Array("VP8X".utf8) && cleaned[20] & 0x2C == 0)
    #expect(Data(cleaned).range(of: Data("CanaryWebp".utf8)) == nil)
    let size = cleaned[4...7].reversed().reduce(0) { $0 << 8 | Int($1) }
    #expect(size == cleaned.count - 8)
  }

  /// The variants cameras, phones and editors write keep their pixels: progressive and CMYK
  /// (Adobe APP14) and grey JPEGs, interlaced, palette, 16-bit and transparent PNGs, transparent
  /// GIFs, lossless and transparent WebPs.
  @Test(arguments: [
    ("jpeg progressive", ImageCleaner.Format.jpeg, ["-interlace", "Plane"]),
    ("jpeg CMYK", .jpeg, ["-colorspace", "CMYK"]),
    ("jpeg grey", .jpeg, ["-colorspace", "Gray"]),
    ("png interlaced", .png, ["-interlace", "PNG"]),
    ("png palette with transparency", .png, ["-transparent", "#f0e020", "-colors", "16", "-define", "png:format=png8"]),
    ("png 16-bit", .png, ["-depth", "16"]),
    ("gif transparent", .gif, ["-transparent", "#f0e020"]),
    ("webp lossless", .webp, ["-define", "webp:lossless=true"]),
    ("webp alpha", .webp, ["-transparent", "#f0e020"]),
  ])
  func variantsKeepTheirPixels(_ name: String, _ format: ImageCleaner.Format, _ options: [String]) throws {
    let folder = try TempFolder()
    let (url, _) = try image(format, folder, options)
    try ImageTools.exiftool(url, ["-XMP-dc:Creator=CanaryVariant"])
    let cleaned = try clean([UInt8](try Data(contentsOf: url)))
    #expect(Data(cleaned).range(of: Data("CanaryVariant".utf8)) == nil)
    let copy = folder.url("copy.\(format.fileExtension)")
    try Data(cleaned).write(to: copy)
    let differing = try ImageTools.differingPixels(url, copy)
    #expect(differing == "0", "\(name): \(differing)")
    #expect(try ImageTools.pixelHash(copy) == (try ImageTools.pixelHash(url)), "\(name)")
  }

  /// A platform package with cleaned copies is received by another store, attachments and all.
  @Test func aPackageWithCleanedCopiesIsReceived() throws {
    let folder = try TempFolder()
    let file = try PlantedImage.all[0].make(in: folder)
    let c = try ImageCase([file])
    let package = try c.export(.platform)
    let desk = try TestStore()
    let received = try desk.store.receive(package, pin: .fingerprint(c.key.publicKey.fingerprint))
    let attachments = try desk.store.caseDetail(received.caseRef).evidence.flatMap(\.attachments)
    let copy = try #require(try ImageCase.attachments(in: package).first).value
    #expect(attachments.map(\.sha256) == [Digest.sha256Hex(copy)])
    #expect(try desk.store.blobs.read(attachments[0].sha256) == copy)
    #expect(try desk.store.fsck().ok)
  }

  /// Every proper prefix of a file is refused (each format ends with a marker, a chunk or a size
  /// that a cut loses), and a thousand files with random bytes changed are each refused or
  /// cleaned, never a crash, and a cleaned one cleans again to itself.
  @Test(arguments: ImageCleaner.Format.allCases)
  func cutAndDamagedFilesAreRefusedWithoutACrash(_ format: ImageCleaner.Format) throws {
    let folder = try TempFolder()
    let (url, _) = try image(format, folder)
    try ImageTools.exiftool(url, ["-Comment=CanaryCut", "-XMP-dc:Creator=CanaryCut"])
    let bytes = [UInt8](try Data(contentsOf: url))
    for length in 0..<bytes.count {
      #expect(malformed(Array(bytes[0..<length])) != nil, "cut at \(length)")
    }
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
    var refused = 0
    for _ in 0..<1000 {
      var damaged = bytes
      for _ in 0..<(1 + next(4)) { damaged[12 + next(damaged.count - 12)] = UInt8(next(256)) }
      if let cleaned = try? clean(damaged) {
        #expect(try clean(cleaned) == cleaned)
      } else {
        refused += 1
      }
    }
    #expect(refused > 0)
  }

  /// What is not an image that casefile can clean is named in plain words.
  @Test func otherFilesAreNamed() throws {
    func words(_ data: Data, _ type: String) -> String? {
      do {
        _ = try ImageCleaner.clean(data, mediaType: type)
        return nil
      } catch {
        if case .unsupported(let words) = error { return words }
        return nil
      }
    }
    #expect(words(Data("%PDF-1.7".utf8), "application/pdf") == "a PDF")
    #expect(words(Data("ID3\u{3}".utf8), "audio/mpeg") == "an audio file")
    #expect(words(Data([0x42, 0x4D, 0, 0]), "image/bmp") == "an image of a type casefile cannot clean (image/bmp)")
    #expect(words(Data(), "application/octet-stream") == "a file of a type casefile cannot clean (application/octet-stream)")
  }
}
