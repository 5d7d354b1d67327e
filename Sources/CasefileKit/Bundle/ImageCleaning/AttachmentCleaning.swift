import Foundation

/// The copy of an attachment that goes into a package in place of the original: an image with
/// its metadata removed (``ImageCleaner``).
public struct AttachmentDerivative: Sendable, Equatable {
  /// SHA-256 of the original, as the store keeps it.
  public var originalSha256: String
  public var sha256: String
  public var size: Int
  public var mediaType: String
  /// Where it goes in the package: by its own digest, with its format's extension.
  public var path: String
  /// What was done to the original (``ImageCleaner/transform``).
  public var transform: String
}

extension CaseStore {
  /// The cleaned copy of every attachment of the selection, by the original's SHA-256; empty for
  /// a profile that sends originals. Any attachment that cannot be cleaned stops the export with
  /// one error that names every such item and file, and says how to leave the item out.
  ///
  /// The copies are made here to learn their digests and thrown away; the package writer makes
  /// each again as it zips it (``ImageCleaner`` is deterministic, and the digest is checked), so
  /// that no more than one image is held in memory at a time.
  func cleanedAttachments(_ selection: BundleSelection) throws -> [String: AttachmentDerivative] {
    guard selection.request.profile.cleansAttachments else { return [:] }
    var derivatives: [String: AttachmentDerivative] = [:]
    var problems: [(file: String, words: String)] = []
    for item in selection.items {
      for attachment in item.record.attachments where derivatives[attachment.sha256] == nil {
        do {
          let (format, data) = try ImageCleaner.clean(try blobs.read(attachment.sha256), mediaType: attachment.mediaType)
          let sha256 = Digest.sha256Hex(data)
          derivatives[attachment.sha256] = AttachmentDerivative(
            originalSha256: attachment.sha256, sha256: sha256, size: data.count, mediaType: format.mediaType,
            path: "attachments/\(sha256).\(format.fileExtension)", transform: ImageCleaner.transform)
        } catch let problem as ImageCleaner.Problem {
          let ref = item.record.ref
          let words: String
          switch problem {
          case .unsupported(let what):
            words = "\(ref)'s attachment \(attachment.fileName) is \(what), which casefile cannot clean of metadata"
          case .malformed(let format, let reason):
            words = "\(ref)'s attachment \(attachment.fileName) is not a whole, well-formed \(format.name) (\(reason)), "
              + "so casefile cannot clean it of metadata"
          }
          problems.append((attachment.fileName, words + "; exclude the item with --exclude-item \(ref)"))
        }
      }
    }
    guard problems.isEmpty else {
      let profile = selection.request.profile.rawValue
      throw CasefileError(
        .attachmentNotCleanable,
        problems.count == 1
          ? "the \(profile) package would carry an attachment with its metadata: \(problems[0].words)"
          : "the \(profile) package would carry \(problems.count) attachments with their metadata:\n"
            + problems.map { "  \($0.words)" }.joined(separator: "\n"),
        location: .init(file: problems[0].file))
    }
    return derivatives
  }
}

/// An attachment as the package writer puts it into the zip.
struct PackagedAttachment: Sendable {
  /// The blob to read.
  var blobSha256: String
  /// The digest of what goes into the zip: the blob's, or its cleaned copy's.
  var sha256: String
  var size: Int
  var cleaned: Bool

  /// The bytes that go into the zip: the blob, cleaned if asked, checked against the digest the
  /// manifest already gives.
  func bytes(from blobs: BlobStore, path: String) throws -> Data {
    let original = try blobs.read(blobSha256)
    guard cleaned else { return original }
    let data: Data
    do {
      data = try ImageCleaner.clean(original, mediaType: "").data
    } catch {
      throw CasefileError(.internalError, "the cleaned copy of \(path) could not be made again", location: .init(entry: path))
    }
    guard Digest.sha256Hex(data) == sha256 else {
      throw CasefileError(.internalError, "the cleaned copy of \(path) came out different the second time", location: .init(entry: path))
    }
    return data
  }
}

extension CasefileError.Code {
  /// An attachment that casefile cannot clean of metadata would leave: the export stopped.
  public static let attachmentNotCleanable = CasefileError.Code("attachment-not-cleanable", .badData)
}
