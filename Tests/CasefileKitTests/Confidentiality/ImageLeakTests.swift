import CasefileKit
import Foundation
import Testing

/// Image attachments leave platform and police packages without their metadata: images made by
/// ImageMagick, metadata written into them by exiftool, logged as attachments, exported, and the
/// packages read back byte by byte (``PackageBytes``) and by exiftool, ImageMagick and the
/// recipient's own checks.
@Suite struct ImageLeakTests {
  /// One field of metadata at a time: neither the platform nor the police package carries its
  /// canary in any byte, and exiftool finds it nowhere in the packaged copy.
  @Test(arguments: PlantedImage.all)
  func aPlantedFieldLeavesInNeitherPackage(_ planted: PlantedImage) throws {
    let folder = try TempFolder()
    let file = try planted.make(in: folder)
    // The test can fail: the original holds the canary, where this test then looks for it.
    if planted.plainInFile {
      #expect(try Data(contentsOf: file).range(of: Data(planted.canary.utf8)) != nil)
    } else {
      #expect(try ImageTools.tags(file).contains { $0.contains(planted.canary) })
    }
    let c = try ImageCase([file])
    for profile in [ExportProfile.platform, .police] {
      let package = try c.export(profile)
      #expect(try PackageBytes(package).places(of: planted.canary).isEmpty, "\(profile)")
      let copies = try ImageCase.attachments(in: package)
      #expect(copies.count == 1)
      for (path, data) in copies {
        let copy = folder.url("\(profile.rawValue)-\((path as NSString).lastPathComponent)")
        try data.write(to: copy)
        #expect(try !ImageTools.tags(copy).contains { $0.contains(planted.canary) }, "\(profile)")
        #expect(ImageCleaner.format(of: data) == planted.format)
      }
    }
  }

  /// With everything exiftool can write into the format at once, exiftool reads nothing from the
  /// packaged copy but the file and the image's structure.
  @Test(arguments: ImageCleaner.Format.allCases)
  func exiftoolFindsOnlyTheImageStructureInThePackagedCopy(_ format: ImageCleaner.Format) throws {
    let folder = try TempFolder()
    let file = folder.url("everything.\(format.fileExtension)")
    try ImageTools.make(format, at: file)
    for planted in PlantedImage.all where planted.format == format { try planted.plant(into: file, folder: folder) }
    try ImageTools.exiftool(file, ["-Comment=all.canary@example.org"])
    let before = try ImageTools.tags(file)
    #expect(before.contains { !Self.isStructure($0, format) }, "the planted file must hold metadata")
    let c = try ImageCase([file])
    let copy = folder.url("copy.\(format.fileExtension)")
    try #require(try ImageCase.attachments(in: try c.export(.platform)).first).value.write(to: copy)
    let left = try ImageTools.tags(copy).filter { !Self.isStructure($0, format) }
    #expect(left.isEmpty, "\(left)")
  }

  /// What exiftool reports that is the file and the image itself rather than metadata.
  static func isStructure(_ line: String, _ format: ImageCleaner.Format) -> Bool {
    guard let close = line.firstIndex(of: "]") else { return true }
    let group = String(line[line.index(after: line.startIndex)..<close])
    let tag = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix { $0 != ":" && $0 != " " }
    switch group {
    case "ExifTool", "System":
      return true
    case "File":
      // The file's type and its image's dimensions and coding; never a comment.
      return !["Comment", "CurrentIPTCDigest", "ExifByteOrder"].contains(String(tag))
    case "JFIF":
      return ["JFIFVersion", "ResolutionUnit", "XResolution", "YResolution"].contains(String(tag))
    case "PNG":
      return [
        "ImageWidth", "ImageHeight", "BitDepth", "ColorType", "Compression", "Filter", "Interlace", "Gamma", "SRGBRendering",
        "WhitePointX", "WhitePointY", "RedX", "RedY", "GreenX", "GreenY", "BlueX", "BlueY",
      ]
        .contains(String(tag))
    case "PNG-cHRM":
      return true
    case "GIF":
      return [
        "GIFVersion", "ImageWidth", "ImageHeight", "HasColorMap", "ColorResolutionDepth", "BitsPerPixel", "BackgroundColor",
        "AnimationIterations", "FrameCount", "Duration", "TransparentColor",
      ].contains(String(tag))
    case "RIFF", "VP8", "VP8L", "VP8X":
      return [
        "VP8Version", "ImageWidth", "ImageHeight", "HorizontalScale", "VerticalScale", "AlphaPreprocessing", "AlphaFiltering",
        "AlphaCompression", "WebP_Flags", "ImageFeatures",
      ].contains(String(tag))
    case "Composite":
      return ["ImageSize", "Megapixels"].contains(String(tag))
    default:
      return false
    }
  }

  /// The packaged copy decodes to the very pixels of the original.
  @Test(arguments: ImageCleaner.Format.allCases)
  func theCopyHasThePixelsOfTheOriginal(_ format: ImageCleaner.Format) throws {
    let folder = try TempFolder()
    let planted = try #require(PlantedImage.all.first { $0.format == format })
    let file = try planted.make(in: folder)
    try ImageTools.exiftool(file, ["-Comment=pixels.canary@example.org"])
    let c = try ImageCase([file])
    for profile in [ExportProfile.platform, .police] {
      let (path, data) = try #require(try ImageCase.attachments(in: try c.export(profile)).first)
      #expect(data != (try Data(contentsOf: file)))
      let copy = folder.url("\(profile.rawValue).\((path as NSString).pathExtension)")
      try data.write(to: copy)
      #expect(try ImageTools.differingPixels(file, copy) == "0")
      #expect(try ImageTools.pixelHash(copy) == (try ImageTools.pixelHash(file)))
    }
  }

  /// The indemnifier gets the originals, byte for byte, under their own digests.
  @Test func theIndemnifierPackageCarriesTheOriginalsByteForByte() throws {
    let folder = try TempFolder()
    let files = try [0, 3, 9, 17].map { try PlantedImage.all[$0].make(in: folder) }
    let c = try ImageCase(files)
    let package = try c.export(.indemnifier)
    let packaged = try ImageCase.attachments(in: package)
    let originals = try files.map { try Data(contentsOf: $0) }
    #expect(Set(packaged.values) == Set(originals))
    for (path, data) in packaged { #expect(path.hasPrefix("attachments/\(Digest.sha256Hex(data))")) }
    #expect(try !PackageBytes(package).places(of: "CanaryArtistJo").isEmpty)
    let bundle = try #require(try PackageBytes(package).views.first { $0.place == BundlePackage.bundle }).data
    #expect(bundle.range(of: Data("transform=".utf8)) == nil)
  }

  /// bundle.xml names the copy by its own digest, and links it to the original's digest and the
  /// transformation; the original file name goes out as the attachment's name.
  @Test func bundleXMLLinksTheCopyToTheOriginal() throws {
    let folder = try TempFolder()
    let file = try PlantedImage.all[0].make(in: folder)
    let original = try Data(contentsOf: file)
    let c = try ImageCase([file])
    let package = try c.export(.platform)
    let (path, copy) = try #require(try ImageCase.attachments(in: package).first)
    #expect(path == "attachments/\(Digest.sha256Hex(copy)).jpg")
    let (_, tree) = try BundleVerifier.verify(package, pin: .fingerprint(c.key.publicKey.fingerprint))
    let attachment = try #require(try tree.node("//b:attachment", namespaces: ["b": BundleXML.namespace]))
    #expect(attachment.attribute("path") == path)
    #expect(attachment.attribute("sha256") == Digest.sha256Hex(copy))
    #expect(attachment.attribute("size") == String(copy.count))
    #expect(attachment.attribute("originalSha256") == Digest.sha256Hex(original))
    #expect(attachment.attribute("transform") == "metadata-removed")
    #expect(attachment.attribute("mediaType") == "image/jpeg")
    #expect(attachment.text == file.lastPathComponent)
  }

  /// `casefile verify` and the recipient's own commands (VERIFY.txt) pass for packages that carry
  /// cleaned copies, and the report shows the original's digest.
  @Test(arguments: [ExportProfile.platform, .police])
  func packagesWithCleanedCopiesVerify(_ profile: ExportProfile) throws {
    let folder = try TempFolder()
    let files = try [0, 8, 15, 17].map { try PlantedImage.all[$0].make(in: folder) }
    let c = try ImageCase(files)
    let package = try c.export(profile)
    let (report, _) = try BundleVerifier.verify(package, pin: .fingerprint(c.key.publicKey.fingerprint))
    #expect(report.signerProven && report.items == 4)
    let checks = BundlePackageTests()
    let dir = try checks.unzip(package, in: folder)
    let verifyText = try String(contentsOf: dir.appendingPathComponent(BundlePackage.verifyText), encoding: .utf8)
    let check = try checks.recipientCheck(package, verifyText: verifyText, in: folder)
    #expect(check.status == 0 && check.output.contains("RESULT: ALL CHECKS PASSED"), "\(check.output)")
    let html = try String(contentsOf: dir.appendingPathComponent(BundlePackage.report), encoding: .utf8)
    #expect(html.contains(Digest.sha256Hex(try Data(contentsOf: files[0]))))
  }

  /// Bytes after an image's end (a cropped screenshot that still holds the uncropped original, a
  /// phone's second picture) do not leave.
  @Test(arguments: [ImageCleaner.Format.jpeg, .png, .gif, .webp])
  func bytesAfterTheImageEndDoNotLeave(_ format: ImageCleaner.Format) throws {
    let folder = try TempFolder()
    let file = folder.url("cropped.\(format.fileExtension)")
    try ImageTools.make(format, at: file)
    var bytes = try Data(contentsOf: file)
    bytes += Data("CanaryAfterTheEnd: the uncropped screenshot with the patient's name".utf8)
    try bytes.write(to: file)
    let c = try ImageCase([file])
    for profile in [ExportProfile.platform, .police] {
      #expect(try PackageBytes(try c.export(profile)).places(of: "CanaryAfterTheEnd").isEmpty, "\(profile)")
    }
  }

  /// A file that casefile cannot clean stops a platform or police export, naming the item and
  /// the file and saying how to leave it out; nothing is written. Left out, the export goes ahead.
  @Test(arguments: UncleanableFile.all)
  func aFileThatCannotBeCleanedStopsTheExportByName(_ file: UncleanableFile) throws {
    let (name, content, words) = (file.name, file.content, file.words)
    let folder = try TempFolder()
    let image = folder.url("fine.png")
    try ImageTools.make(.png, at: image)
    let other = folder.url(name)
    try content.write(to: other)
    let c = try ImageCase([image, other])
    for profile in [ExportProfile.platform, .police] {
      let error = #expect(throws: CasefileError.self) { try c.export(profile) }
      #expect(error?.code == .attachmentNotCleanable)
      let message = error?.message ?? ""
      #expect(message.contains("E-2's attachment \(name) \(words)"), "\(message)")
      #expect(message.contains("--exclude-item E-2") && !message.contains("E-1"), "\(message)")
      #expect(try !FileManager.default.contentsOfDirectory(atPath: c.folder.root.path).contains { $0.contains(profile.rawValue) })
      let package = try c.export(profile, excluding: ["E-2"])
      #expect(try PackageBytes(package).places(of: "Canary").isEmpty)
    }
    // The indemnifier gets it as it is.
    #expect(try !PackageBytes(try c.export(.indemnifier)).places(of: "Canary").isEmpty)
  }

  /// Hostile and broken images: the export stops by item and file name, and writes nothing.
  @Test(arguments: HostileImage.allCases)
  func aMalformedImageStopsTheExportAndWritesNothing(_ hostile: HostileImage) throws {
    let folder = try TempFolder()
    let file = folder.url("broken.\(hostile.format.fileExtension)")
    try ImageTools.make(hostile.format, at: file)
    try ImageTools.exiftool(file, ["-Comment=CanaryBroken"])
    try hostile.damage(Data(contentsOf: file)).write(to: file)
    let c = try ImageCase([file])
    for profile in [ExportProfile.platform, .police] {
      let error = #expect(throws: CasefileError.self) { try c.export(profile) }
      #expect(error?.code == .attachmentNotCleanable)
      let message = error?.message ?? ""
      let named = "E-1's attachment broken.\(hostile.format.fileExtension) is not a whole, well-formed \(hostile.format.name)"
      #expect(message.contains(named), "\(message)")
      #expect(message.contains(hostile.reason), "\(message)")
      #expect(try FileManager.default.contentsOfDirectory(atPath: c.folder.root.path).isEmpty)
    }
  }
}

/// Ways to break an image, each of which the cleaner must refuse.
enum HostileImage: String, CaseIterable, CustomTestStringConvertible, Sendable {
  case truncatedJPEG, jpegSegmentPastTheEnd, jpegWithoutEndOfImage, pngBadCRC, pngLengthPastTheEnd, truncatedPNG
  case pngUnknownCriticalChunk, truncatedGIF, webpSizePastTheEnd

  var testDescription: String { rawValue }

  var format: ImageCleaner.Format {
    switch self {
    case .truncatedJPEG, .jpegSegmentPastTheEnd, .jpegWithoutEndOfImage: .jpeg
    case .pngBadCRC, .pngLengthPastTheEnd, .truncatedPNG, .pngUnknownCriticalChunk: .png
    case .truncatedGIF: .gif
    case .webpSizePastTheEnd: .webp
    }
  }

  /// Words the refusal must give.
  var reason: String {
    switch self {
    case .truncatedJPEG, .jpegWithoutEndOfImage, .truncatedPNG, .truncatedGIF, .webpSizePastTheEnd: "past the end"
    case .jpegSegmentPastTheEnd, .pngLengthPastTheEnd: "runs past the end"
    case .pngBadCRC: "CRC"
    case .pngUnknownCriticalChunk: "critical chunk"
    }
  }

  func damage(_ data: Data) -> Data {
    var bytes = [UInt8](data)
    switch self {
    case .truncatedJPEG:
      bytes.removeLast(bytes.count / 3)
    case .jpegWithoutEndOfImage:
      bytes.removeLast(2)
    case .jpegSegmentPastTheEnd:
      // The first segment after SOI claims the longest length there is.
      bytes[4] = 0xFF
      bytes[5] = 0xFF
    case .pngBadCRC:
      let idat = Self.chunk("IDAT", in: bytes)
      bytes[idat + 8] ^= 0x01
    case .pngLengthPastTheEnd:
      let idat = Self.chunk("IDAT", in: bytes)
      bytes.replaceSubrange(idat..<(idat + 4), with: [0x00, 0xFF, 0xFF, 0xF0])
    case .truncatedPNG:
      bytes.removeLast(12)
    case .pngUnknownCriticalChunk:
      // A critical chunk nobody knows, with a valid CRC, before IEND.
      let type = Array("CNRY".utf8)
      let data = Array("CanaryCritical".utf8)
      var chunk = [0, 0, 0, UInt8(data.count)] + type + data
      let crc = Self.crc32(type + data)
      chunk += [UInt8(crc >> 24 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
      bytes.insert(contentsOf: chunk, at: bytes.count - 12)
    case .truncatedGIF:
      bytes.removeLast(bytes.count / 3)
    case .webpSizePastTheEnd:
      let size = bytes[4...7].reversed().reduce(0) { $0 << 8 | Int($1) } + 100
      bytes.replaceSubrange(4...7, with: [UInt8(size & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 24 & 0xFF)])
    }
    return Data(bytes)
  }

  /// The offset of the first chunk of a type in a PNG (its length field).
  static func chunk(_ type: String, in bytes: [UInt8]) -> Int {
    var offset = 8
    while offset + 8 <= bytes.count {
      let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
      if Array(bytes[(offset + 4)..<(offset + 8)]) == Array(type.utf8) { return offset }
      offset += 12 + length
    }
    return 8
  }

  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
    }
    return crc ^ 0xFFFF_FFFF
  }
}

/// A file that is not an image casefile can clean, and the words its refusal must use.
struct UncleanableFile: Sendable, CustomTestStringConvertible {
  var name: String
  var content: Data
  var words: String

  var testDescription: String { name }

  static let all: [UncleanableFile] = {
    let pdf = Data("%PDF-1.4\n% CanaryPdfAuthor\n1 0 obj << /Author (CanaryPdfAuthor) >> endobj\n%%EOF\n".utf8)
    var tiff = Data([0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0])
    tiff.append(Data("CanaryTiff".utf8))
    var heic = Data([0, 0, 0, 24])
    heic.append(Data("ftypheic".utf8))
    heic.append(Data(count: 12))
    heic.append(Data("CanaryHeic".utf8))
    var mp4 = Data([0, 0, 0, 24])
    mp4.append(Data("ftypisom".utf8))
    mp4.append(Data(count: 12))
    mp4.append(Data("CanaryMp4".utf8))
    return [
      UncleanableFile(name: "statement.pdf", content: pdf, words: "is a PDF"),
      UncleanableFile(name: "scan.tiff", content: tiff, words: "is a TIFF image"),
      UncleanableFile(name: "IMG_0001.HEIC", content: heic, words: "is a HEIC"),
      UncleanableFile(name: "clip.mp4", content: mp4, words: "is a video"),
      UncleanableFile(name: "notes.txt", content: Data("CanaryText: a note\n".utf8), words: "is a text file"),
    ]
  }()
}
