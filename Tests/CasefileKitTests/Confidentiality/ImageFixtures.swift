import CasefileKit
import Foundation
import Testing

/// ImageMagick and exiftool, as Debian installs them (imagemagick, libimage-exiftool-perl), run
/// with their arguments as given (no shell).
enum ImageTools {
  struct Output {
    var status: Int32
    var out: String
    var err: String
  }

  /// The tool's path: Debian's, else the first on PATH.
  static func path(_ name: String) -> String {
    let debian = "/usr/bin/\(name)"
    if FileManager.default.isExecutableFile(atPath: debian) { return debian }
    for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
      let candidate = "\(folder)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return name
  }

  @discardableResult
  static func run(_ tool: String, _ arguments: [String]) throws -> Output {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path(tool))
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Both pipes drained at once, so a tool that writes much to one never blocks on the other.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Output(status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self), err: String(decoding: errData, as: UTF8.self))
  }

  /// Runs a tool that must succeed.
  @discardableResult
  static func ok(_ tool: String, _ arguments: [String]) throws -> String {
    let result = try run(tool, arguments)
    guard result.status == 0 else {
      throw CasefileError(.internalError, "\(tool) \(arguments.joined(separator: " ")) failed: \(result.err)")
    }
    return result.out
  }

  /// A small image made by ImageMagick: a gradient with a shape on it, so that it has real
  /// pixels to compare.
  static func make(_ format: ImageCleaner.Format, at url: URL, size: String = "48x32") throws {
    try ok("convert", [
      "-size", size, "gradient:#c03020-#2040d0", "-fill", "#f0e020", "-draw", "circle 20,14 28,20",
      "\(format.rawValue):\(url.path)",
    ])
  }

  /// Writes tags with exiftool, in place.
  static func exiftool(_ url: URL, _ arguments: [String]) throws {
    try ok("exiftool", ["-q", "-q", "-overwrite_original"] + arguments + [url.path])
  }

  /// Every tag exiftool reads, duplicates and unknown ones included, one a line as
  /// `[Group] TagName: value`.
  static func tags(_ url: URL) throws -> [String] {
    try ok("exiftool", ["-a", "-u", "-G1", "-s", "-q", url.path]).split(separator: "\n").map(String.init)
  }

  /// The signature of the decoded pixels (ImageMagick's `%#`).
  static func pixelHash(_ url: URL) throws -> String {
    try ok("identify", ["-format", "%#\n", url.path]).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// How many pixels differ between two images (`compare -metric AE`), as compare prints it.
  static func differingPixels(_ a: URL, _ b: URL) throws -> String {
    // compare exits 0 when the images are the same, 1 when they differ and 2 on an error; the
    // count is on stderr, first, before any warning about the file (for some WebPs it prints
    // nothing when they are the same).
    let result = try run("compare", ["-metric", "AE", a.path, b.path, "null:"])
    let count = String(result.err.prefix { $0.isNumber || $0 == "." || $0 == "e" || $0 == "+" })
    switch result.status {
    case 0: return count.isEmpty ? "0" : count
    case 1: return count
    default: return "error: \(result.err)"
    }
  }

  /// A minimal ICC v2 display profile whose description is `text` (ICC.1:2001-04: a 128-byte
  /// header, a tag table, a `desc` tag of type textDescriptionType).
  static func iccProfile(describing text: String) -> Data {
    var desc = Data("desc".utf8) + Data(count: 4)
    let ascii = Data(text.utf8) + [0]
    desc += be32(ascii.count) + ascii + Data(count: 8) + Data(count: 3) + Data(count: 67)
    while desc.count % 4 != 0 { desc.append(0) }
    let tagTable = be32(1) + Data("desc".utf8) + be32(128 + 16) + be32(desc.count)
    let size = 128 + tagTable.count + desc.count
    var header = be32(size) + Data("none".utf8) + Data([2, 0x10, 0, 0]) + Data("mntr".utf8) + Data("RGB ".utf8)
    header += Data("XYZ ".utf8) + Data([0x07, 0xEA, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]) + Data("acsp".utf8)
    header += Data(count: 4 + 4 + 4 + 4 + 4 + 8 + 4)
    header += be32(0xF6D6) + be32(0x10000) + be32(0xD32D)  // the D50 illuminant
    header += Data(count: 128 - header.count)
    return header + tagTable + desc
  }

  private static func be32(_ value: Int) -> Data {
    Data([UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
  }
}

/// A case whose items each carry one attachment, in a real store with a signing key.
final class ImageCase {
  let t: TestStore
  let ref: String
  let key: SigningKey
  let folder: TempFolder

  /// One item (E-1, E-2, ...) per file, all on X by one author.
  init(_ files: [URL]) throws {
    t = try TestStore()
    folder = try TempFolder()
    ref = try t.store.openCase(title: "Threats by DM", category: .threat, severity: .high).ref
    for (index, file) in files.enumerated() {
      _ = try t.store.logItem(ItemDraft(
        caseRef: ref, platform: .x, kind: .dm, author: ActorInput(handle: "@angry_example"),
        occurredAt: try at("2026-11-20 21:\(10 + index)"), text: "Look at this.", attachments: [file]))
    }
    _ = try t.store.setProfile(Profile(name: "Dr A Example", registrationNumber: "7654321", contact: "07700 900999"))
    key = try SigningKey.create(in: t.store.location)
  }

  /// Exports the case for `profile` into the case's folder.
  func export(_ profile: ExportProfile, excluding: [String] = [], name: String? = nil) throws -> URL {
    let url = folder.url(name ?? "\(profile.rawValue).zip")
    _ = try t.store.exportBundle(
      ExportRequest(caseRef: ref, profile: profile, platform: profile == .platform ? .x : nil, excludedItems: excluding), to: url)
    return url
  }

  /// The packaged attachments' bytes, by package path.
  static func attachments(in package: URL) throws -> [String: Data] {
    Dictionary(
      try archiveEntries(package).filter { $0.path.hasPrefix("attachments/") }, uniquingKeysWith: { first, _ in first })
  }
}

/// A file with metadata planted in one field by exiftool, for one leak attempt.
struct PlantedImage: Sendable, CustomTestStringConvertible {
  var format: ImageCleaner.Format
  var field: String
  /// What exiftool reads back from the original, and must not find in the package's copy.
  var canary: String
  /// exiftool's arguments; `{icc}` and `{thumb}` stand for files the test makes.
  var arguments: [String]
  /// Whether the canary is plain text in the file's bytes (else it is compressed or binary, and
  /// only exiftool's reading shows it).
  var plainInFile = true

  var testDescription: String { "\(format.name) \(field)" }

  /// The planted file, in `folder`.
  func make(in folder: TempFolder) throws -> URL {
    let url = folder.url("photo-\(field.filter(\.isLetter)).\(format.fileExtension)")
    try ImageTools.make(format, at: url)
    try plant(into: url, folder: folder)
    return url
  }

  /// Writes the field into an image of the format.
  func plant(into url: URL, folder: TempFolder) throws {
    var arguments = arguments
    if arguments.contains(where: { $0.contains("{icc}") }) {
      let icc = folder.url("profile-\(UUID().uuidString).icc")
      try ImageTools.iccProfile(describing: canary).write(to: icc)
      arguments = arguments.map { $0.replacingOccurrences(of: "{icc}", with: icc.path) }
    }
    if arguments.contains(where: { $0.contains("{thumb}") }) {
      let thumb = folder.url("thumb-\(UUID().uuidString).jpg")
      try ImageTools.make(.jpeg, at: thumb, size: "16x12")
      try ImageTools.exiftool(thumb, ["-Comment=\(canary)"])
      arguments = arguments.map { $0.replacingOccurrences(of: "{thumb}", with: thumb.path) }
    }
    try ImageTools.exiftool(url, arguments)
  }

  static let all: [PlantedImage] = [
    .init(format: .jpeg, field: "EXIF Artist", canary: "CanaryArtistJo", arguments: ["-EXIF:Artist=CanaryArtistJo"]),
    .init(
      format: .jpeg, field: "EXIF ImageDescription", canary: "CanaryDescMaryPatient",
      arguments: ["-EXIF:ImageDescription=CanaryDescMaryPatient, my patient, after her appointment"]),
    .init(
      format: .jpeg, field: "GPS position", canary: "GPSLatitude",
      arguments: ["-GPSLatitude=53.3498", "-GPSLatitudeRef=N", "-GPSLongitude=6.2603", "-GPSLongitudeRef=W"], plainInFile: false),
    .init(format: .jpeg, field: "XMP", canary: "CanaryXmpCreator", arguments: ["-XMP-dc:Creator=CanaryXmpCreator"]),
    .init(format: .jpeg, field: "IPTC", canary: "CanaryIptcByline", arguments: ["-IPTC:By-line=CanaryIptcByline"]),
    .init(format: .jpeg, field: "COM comment", canary: "canary.patient@example.org", arguments: ["-Comment=canary.patient@example.org"]),
    .init(format: .jpeg, field: "EXIF thumbnail", canary: "CanaryInThumbnail", arguments: ["-ThumbnailImage<={thumb}"]),
    .init(format: .jpeg, field: "ICC profile", canary: "CanaryIccDesc", arguments: ["-ICC_Profile<={icc}"]),
    .init(format: .png, field: "tEXt", canary: "CanaryPngText", arguments: ["-PNG:Comment=CanaryPngText"]),
    .init(
      format: .png, field: "zTXt", canary: "CanaryPngZtxt",
      arguments: ["-z", "-PNG:Author=" + String(repeating: "CanaryPngZtxt ", count: 40)], plainInFile: false),
    .init(format: .png, field: "iTXt", canary: "CanaryPngItxt", arguments: ["-PNG:Title=CanaryPngItxt \u{2603}"]),
    .init(format: .png, field: "eXIf", canary: "CanaryPngExif", arguments: ["-EXIF:Artist=CanaryPngExif"]),
    .init(format: .png, field: "XMP", canary: "CanaryPngXmp", arguments: ["-XMP-dc:Creator=CanaryPngXmp"]),
    .init(
      format: .png, field: "tIME", canary: "2019:07:04 10:11:12", arguments: ["-PNG:ModifyDate=2019:07:04 10:11:12"],
      plainInFile: false),
    .init(format: .png, field: "iCCP", canary: "CanaryPngIcc", arguments: ["-ICC_Profile<={icc}"], plainInFile: false),
    .init(format: .gif, field: "comment", canary: "CanaryGifComment", arguments: ["-Comment=CanaryGifComment"]),
    .init(format: .gif, field: "XMP", canary: "CanaryGifXmp", arguments: ["-XMP-dc:Creator=CanaryGifXmp"]),
    .init(format: .webp, field: "EXIF", canary: "CanaryWebpExif", arguments: ["-EXIF:Artist=CanaryWebpExif"]),
    .init(format: .webp, field: "XMP", canary: "CanaryWebpXmp", arguments: ["-XMP-dc:Creator=CanaryWebpXmp"]),
  ]
}
