import Foundation

/// Names the media type of an attachment from its first bytes, then from its extension.
enum MediaType {
  static func detect(file url: URL) -> String {
    if let handle = try? FileHandleReader(url: url, role: "attachment"),
      let head = try? handle.read(max: 16)
    {
      handle.close()
      if let sniffed = sniff(Array(head)) { return sniffed }
    }
    return byExtension[url.pathExtension.lowercased()] ?? "application/octet-stream"
  }

  static func sniff(_ bytes: [UInt8]) -> String? {
    func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
      bytes.count >= offset + prefix.count && Array(bytes[offset..<(offset + prefix.count)]) == prefix
    }
    if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
    if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
    if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
    if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return "image/webp" }
    if starts(Array("%PDF-".utf8)) { return "application/pdf" }
    if starts(Array("ftyp".utf8), at: 4) {
      if starts(Array("heic".utf8), at: 8) || starts(Array("heix".utf8), at: 8) || starts(Array("mif1".utf8), at: 8) {
        return "image/heic"
      }
      return "video/mp4"
    }
    if starts(Array("ID3".utf8)) { return "audio/mpeg" }
    if starts(Array("OggS".utf8)) { return "audio/ogg" }
    return nil
  }

  static let byExtension: [String: String] = [
    "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
    "webp": "image/webp", "heic": "image/heic", "pdf": "application/pdf", "txt": "text/plain",
    "html": "text/html", "htm": "text/html", "eml": "message/rfc822", "mp4": "video/mp4",
    "mov": "video/quicktime", "m4a": "audio/mp4", "mp3": "audio/mpeg", "ogg": "audio/ogg",
    "opus": "audio/ogg", "amr": "audio/amr", "json": "application/json", "xml": "application/xml",
  ]
}
