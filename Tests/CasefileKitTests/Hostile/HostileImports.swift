import CasefileKit
import Foundation

/// The hostile exports of the corpus (README.md in this folder is the index): each is built here
/// from the project's own fixtures, and imported end to end by ``HostileImportTests``.
struct HostileImport: Sendable, CustomStringConvertible {
  /// What the import must do.
  enum Outcome: Sendable {
    /// A clear error with this code, naming the file; nothing stored.
    case refused(CasefileError.Code)
    /// A documented lossy import: stored, with a warning that names the entry; for a page read
    /// lossily, its raw bytes are kept.
    case lossy
    /// Stored as it should be, with nothing taken from outside the export; `check` says what.
    case imports
  }

  let id: String
  let outcome: Outcome
  /// Writes the export into the folder and returns it. The folder also holds `CANARY`, a file
  /// that a hostile export may try to pull in.
  let build: @Sendable (TempFolder) throws -> URL
  /// For `.imports` and `.lossy`: what the stored texts must (not) hold.
  var check: @Sendable (_ texts: [String], _ summary: ImportSummary) -> Bool = { _, _ in true }

  var description: String { id }

  static let canaryText = "canary-secret-3e1f"
}

// MARK: - Carriers: the project's fixtures, and ways to spoil them

enum Carrier {
  /// The records of the SMS fixture, each one message (the backup's `count`).
  static let smsMessages = 7
  static var sms: String { SMSFixtures.sms }
  static var smsData: Data { Data(SMSFixtures.sms.utf8) }
  static func fixture(_ path: String) -> Data { try! FormatFixtures.data(path) }
  static var telegramJSON: Data { fixture("telegram-json/single/result.json") }
  static var facebookJSON: Data {
    fixture("facebook-json/your_facebook_activity/messages/inbox/siobhanobriain_99887766/message_1.json")
  }
  static var facebookHTML: Data { fixture("facebook-html/2019/messages/inbox/jobloggs_a1b2c3d4e5/message_1.html") }
  static var whatsApp: Data { fixture("whatsapp/android/WhatsApp Chat with Jo Example.txt") }
  static var wordPress: Data { fixture("wordpress-wxr/examplepractice.WordPress.2026-11-20.xml") }

  /// The bytes put where each format expects them, in a folder of their own.
  static func place(_ data: Data, at path: String, in folder: TempFolder, root: String = "export") throws -> URL {
    let url = folder.url(root).appendingPathComponent(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: url)
    return folder.url(root)
  }

  static func smsFile(_ data: Data, _ folder: TempFolder, name: String = "sms-hostile.xml") throws -> URL {
    let url = folder.url(name)
    try data.write(to: url)
    return url
  }

  static func telegram(_ data: Data, _ folder: TempFolder) throws -> URL {
    try place(data, at: "ChatExport_2026-11-20/result.json", in: folder)
  }

  static func facebookJSONExport(_ data: Data, _ folder: TempFolder) throws -> URL {
    try place(data, at: "your_facebook_activity/messages/inbox/someone_1/message_1.json", in: folder)
  }

  static func facebookHTMLExport(_ data: Data, _ folder: TempFolder) throws -> URL {
    try place(data, at: "messages/inbox/someone_1/message_1.html", in: folder)
  }

  static func whatsAppExport(_ data: Data, _ folder: TempFolder) throws -> URL {
    let url = folder.url("WhatsApp Chat with Jo Example.txt")
    try data.write(to: url)
    return url
  }

  /// UTF-16 little-endian with its byte order mark.
  static func utf16(_ data: Data) -> Data {
    var out = Data([0xFF, 0xFE])
    for unit in String(decoding: data, as: UTF8.self).utf16 { out.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
    return out
  }

  /// The first occurrence of `marker` replaced by raw bytes.
  static func splice(_ data: Data, _ marker: String, _ bytes: [UInt8]) -> Data {
    guard let range = data.range(of: Data(marker.utf8)) else { fatalError("no \(marker) in the carrier") }
    var out = data
    out.replaceSubrange(range, with: bytes)
    return out
  }

  static func replacing(_ data: Data, _ old: String, _ new: String) -> Data {
    let text = String(decoding: data, as: UTF8.self)
    precondition(text.contains(old), "no \(old) in the carrier")
    return Data(text.replacingOccurrences(of: old, with: new).utf8)
  }
}

// MARK: - The corpus

extension HostileImport {
  static func canaryURL(_ folder: TempFolder) -> String { "file://" + folder.url("CANARY").path }

  static let all: [HostileImport] = xml + html + json + archives + encodings + emptyAndWrong

  // XML (threats.md, "XML and HTML"), carried by an SMS backup unless said otherwise.
  static let xml: [HostileImport] = [
    .init(id: "xml-xxe", outcome: .refused(.xmlDTD)) { f in
      try Carrier.smsFile(Data("<?xml version='1.0'?><!DOCTYPE smses [<!ENTITY x SYSTEM \"\(canaryURL(f))\">]><smses><sms address=\"1\" date=\"1795206600000\" type=\"1\" body=\"&x;\"/></smses>".utf8), f)
    },
    .init(id: "xml-external-dtd", outcome: .refused(.xmlDTD)) { f in
      try Carrier.smsFile(Data("<?xml version='1.0'?><!DOCTYPE smses SYSTEM \"\(canaryURL(f))\"><smses/>".utf8), f)
    },
    .init(id: "xml-parameter-entity", outcome: .refused(.xmlDTD)) { f in
      try Carrier.smsFile(Data("<?xml version='1.0'?><!DOCTYPE smses [<!ENTITY % p SYSTEM \"\(canaryURL(f))\"> %p;]><smses/>".utf8), f)
    },
    .init(id: "xml-billion-laughs", outcome: .refused(.xmlDTD)) { f in
      var doc = "<?xml version='1.0'?><!DOCTYPE smses [<!ENTITY l0 \"lol\">"
      for level in 1...10 { doc += "<!ENTITY l\(level) \"" + String(repeating: "&l\(level - 1);", count: 10) + "\">" }
      doc += "]><smses><sms address=\"1\" date=\"1795206600000\" type=\"1\" body=\"&l10;\"/></smses>"
      return try Carrier.smsFile(Data(doc.utf8), f)
    },
    .init(id: "xml-quadratic-blowup", outcome: .refused(.xmlDTD)) { f in
      // 1 KB expanded 100,000 times: 100 MB from a 300 KB file, with the root early enough to
      // be recognised as an SMS backup.
      let entity = String(repeating: "a", count: 1_000)
      let doc = "<?xml version='1.0'?><!DOCTYPE smses [<!ENTITY a \"\(entity)\">]><smses><sms address=\"1\" date=\"1795206600000\" type=\"1\" body=\""
        + String(repeating: "&a;", count: 100_000) + "\"/></smses>"
      return try Carrier.smsFile(Data(doc.utf8), f)
    },
    .init(id: "xml-deep-nesting", outcome: .refused(.badExport)) { f in
      let doc = "<?xml version='1.0'?><smses>" + String(repeating: "<x>", count: 300) + String(repeating: "</x>", count: 300) + "</smses>"
      return try Carrier.smsFile(Data(doc.utf8), f)
    },
    // Never processed: the include is a record the backup does not have, and nothing is read.
    .init(id: "xml-xinclude", outcome: .refused(.badExport)) { f in
      try Carrier.smsFile(
        Carrier.replacing(
          Carrier.smsData, "<smses count=\"7\"",
          "<smses xmlns:xi=\"http://www.w3.org/2001/XInclude\" count=\"7\"><xi:include href=\"\(canaryURL(f))\" parse=\"text\"/"
            + "><dummy"), f)
    },
    .init(id: "xml-undefined-entity", outcome: .refused(.xmlMalformed)) { f in
      try Carrier.smsFile(Carrier.replacing(Carrier.smsData, "Are we still on for Saturday?", "Are we &nope; on?"), f)
    },
    .init(id: "xml-truncated", outcome: .refused(.xmlMalformed)) { f in
      try Carrier.smsFile(Carrier.smsData.prefix(Carrier.smsData.count - 40), f)
    },
    .init(
      id: "xml-surrogate-char-refs", outcome: .imports,
      build: { f in try Carrier.smsFile(Carrier.smsData, f) },
      check: { texts, _ in
        texts.contains { $0.contains("\u{1F620}") } && texts.contains { $0.contains("Watch yourself \u{FFFD}") }
      }),
    .init(id: "xml-wordpress-doctype", outcome: .refused(.xmlDTD)) { f in
      let url = f.url("examplepractice.WordPress.2026-11-20.xml")
      try Carrier.replacing(Carrier.wordPress, "<rss", "<!DOCTYPE rss [<!ENTITY x SYSTEM \"\(canaryURL(f))\">]><rss").write(to: url)
      return url
    },
  ]

  // HTML: recovered, but any loss is said and the page kept whole.
  static let html: [HostileImport] = [
    .init(id: "html-deep-nesting", outcome: .lossy) { f in
      try Carrier.facebookHTMLExport(
        Carrier.replacing(Carrier.facebookHTML, "</body>", String(repeating: "<div>", count: 100_000) + "</body>"), f)
    },
    .init(id: "html-huge-text-node", outcome: .lossy) { f in
      try Carrier.facebookHTMLExport(
        Carrier.replacing(Carrier.facebookHTML, "</body>", "<p>" + String(repeating: "x", count: 10_500_000) + "</p></body>"), f)
    },
    .init(
      id: "html-script-and-remote-image", outcome: .imports,
      build: { f in
        try Carrier.facebookHTMLExport(
          Carrier.replacing(
            Carrier.facebookHTML, "</body>",
            "<script src=\"http://127.0.0.1:9/x.js\"></script><img src=\"http://127.0.0.1:9/pixel.png\"></body>"), f)
      },
      check: { texts, summary in summary.new > 0 && !texts.contains { $0.contains("127.0.0.1") } }),
  ]

  // JSON.
  static let json: [HostileImport] = [
    .init(id: "json-truncated", outcome: .refused(.badExport)) { f in
      try Carrier.telegram(Carrier.telegramJSON.prefix(Carrier.telegramJSON.count / 2), f)
    },
    .init(id: "json-deep-nesting", outcome: .refused(.badExport)) { f in
      try Carrier.telegram(
        Carrier.replacing(Carrier.telegramJSON, "\"text_entities\": []", "\"text_entities\": " + String(repeating: "[", count: 100_000)
          + String(repeating: "]", count: 100_000)), f)
    },
    .init(id: "json-wrong-types", outcome: .refused(.badExport)) { f in
      try Carrier.facebookJSONExport(Carrier.replacing(Carrier.facebookJSON, "\"messages\": [", "\"messages\": 7, \"x\": ["), f)
    },
    .init(id: "json-huge-number", outcome: .refused(.badExport)) { f in
      try Carrier.telegram(
        Carrier.replacing(
          Carrier.replacing(Carrier.telegramJSON, "\"date_unixtime\": \"1795210205\"", "\"date_unixtime\": 1e400"),
          "\"date\": \"2026-11-20T21:30:05\"", "\"date\": 1e400"), f)
    },
  ]

  // Archives (threats.md, "Archives").
  static let archives: [HostileImport] = [
    .init(id: "archive-path-escape", outcome: .refused(.archiveUnsafePath)) { f in
      let url = f.url("escape.zip")
      try writeArchive(url, .zip, [.file("sms-20261120.xml", Carrier.smsData), .file("../../sms-evil.xml", Carrier.smsData)])
      return url
    },
    .init(id: "archive-absolute-path", outcome: .refused(.archiveUnsafePath)) { f in
      let url = f.url("absolute.tar")
      try writeArchive(url, .tar, [.file("sms-20261120.xml", Carrier.smsData), .file("/tmp/sms-evil.xml", Carrier.smsData)])
      return url
    },
    .init(id: "archive-symlink", outcome: .refused(.archiveLink)) { f in
      let url = f.url("link.tar")
      try writeArchive(url, .tar, [.file("sms-20261120.xml", Carrier.smsData), FixtureEntry(name: "sms-link.xml", kind: .symlink("/etc/passwd"))])
      return url
    },
    .init(id: "archive-hardlink", outcome: .refused(.archiveLink)) { f in
      let url = f.url("hardlink.tar")
      try writeArchive(url, .tar, [.file("sms-20261120.xml", Carrier.smsData), FixtureEntry(name: "sms-hard.xml", kind: .hardlink("sms-20261120.xml"))])
      return url
    },
    .init(id: "archive-device-entry", outcome: .refused(.archiveSpecialFile)) { f in
      let url = f.url("device.tar")
      try writeArchive(url, .tar, [.file("sms-20261120.xml", Carrier.smsData), FixtureEntry(name: "null", kind: .characterDevice)])
      return url
    },
    .init(id: "archive-encrypted-entry", outcome: .refused(.archiveEncrypted)) { f in
      let url = f.url("encrypted.zip")
      try writeArchive(url, .zip, [.file("sms-20261120.xml", Carrier.smsData), .file("sms-2.xml", Carrier.smsData), .file("sms-3.xml", Carrier.smsData)])
      var patcher = try ZipPatcher(url)
      patcher.markEncrypted(1)
      try patcher.write(url)
      return url
    },
    .init(id: "archive-bad-crc", outcome: .refused(.archiveCRC)) { f in
      let url = f.url("crc.zip")
      try writeArchive(url, .zip, [.file("sms-20261120.xml", Carrier.smsData, deflate: true)])
      var patcher = try ZipPatcher(url)
      patcher.setCRC(0, 0xDEAD_BEEF)
      try patcher.write(url)
      return url
    },
    .init(id: "archive-truncated-tar", outcome: .refused(.archiveTruncated)) { f in
      let url = f.url("cut.tar")
      try writeArchive(url, .tar, [.file("sms-20261120.xml", Carrier.smsData)])
      let whole = try Data(contentsOf: url)
      try whole.prefix(whole.count / 2).write(to: url)
      return url
    },
    .init(id: "archive-truncated-deflate", outcome: .refused(.archiveTruncated)) { f in
      let url = f.url("cut.zip")
      var big = Data()
      while big.count < 200_000 { big.append(Carrier.smsData) }
      try writeArchive(url, .zip, [.file("sms-20261120.xml", big, deflate: true)])
      let whole = try Data(contentsOf: url)
      try whole.prefix(whole.count / 3).write(to: url)
      return url
    },
    .init(id: "archive-bomb", outcome: .refused(.archiveRatio)) { f in
      let url = f.url("bomb.zip")
      try writeArchive(url, .zip, [.file("sms-20261120.xml", Carrier.smsData), .file("sms-zeros.xml", Data(count: 50_000_000), deflate: true)])
      return url
    },
    .init(
      id: "archive-nested-zip", outcome: .imports,
      build: { f in
        let inner = f.url("inner.zip")
        try writeArchive(inner, .zip, [.file("sms-inner.xml", Carrier.smsData)])
        let url = f.url("nested.zip")
        try writeArchive(url, .zip, [.file("sms-20261120.xml", Carrier.smsData), .file("more/inner.zip", try Data(contentsOf: inner))])
        return url
      },
      // The outer backup's messages, once: the inner zip is never opened.
      check: { texts, summary in summary.read == Carrier.smsMessages }),
    .init(
      id: "archive-duplicate-names", outcome: .imports,
      build: { f in
        let url = f.url("duplicates.zip")
        let other = Carrier.replacing(Carrier.smsData, "Are we still on for Saturday?", "A second copy, changed.")
        try writeArchive(url, .zip, [.file("sms-20261120.xml", Carrier.smsData), .file("sms-20261120.xml", other)])
        return url
      },
      check: { texts, _ in texts.contains { $0.contains("A second copy, changed.") } && texts.contains { $0.contains("Are we still on") } }),
    .init(id: "archive-zero-bytes", outcome: .refused(.archiveTruncated)) { f in
      let url = f.url("empty.zip")
      try Data().write(to: url)
      return url
    },
    .init(id: "archive-text-named-zip", outcome: .refused(.archiveCorrupt)) { f in
      let url = f.url("export.zip")
      try Data("This is not a zip file, only text that says it is.\n".utf8).write(to: url)
      return url
    },
  ]

  // Encodings, per format: UTF-16 with a BOM, Latin-1 declared and UTF-8 given, invalid UTF-8, NUL.
  static let encodings: [HostileImport] = [
    // The app writes UTF-8; a UTF-16 file is not recognised as its backup.
    .init(id: "sms-utf16-bom", outcome: .refused(.unknownFormat)) { f in
      try Carrier.smsFile(Carrier.utf16(Carrier.replacing(Carrier.smsData, "encoding='UTF-8'", "encoding='UTF-16'")), f)
    },
    .init(
      id: "sms-latin1-declared-utf8-given", outcome: .lossy,
      build: { f in
        try Carrier.smsFile(
          Carrier.replacing(
            Carrier.replacing(Carrier.smsData, "encoding='UTF-8'", "encoding='ISO-8859-1'"), "Are we still on for Saturday?",
            "Caf\u{E9} on Saturday?"), f)
      },
      // Read as declared: é arrives as Ã©, and the warning says so.
      check: { texts, summary in texts.contains { $0.contains("Caf\u{C3}\u{A9}") } && summary.warnings.contains { $0.message.contains("ISO-8859-1") } }),
    .init(id: "sms-invalid-utf8", outcome: .refused(.xmlMalformed)) { f in
      try Carrier.smsFile(Carrier.splice(Carrier.smsData, "Saturday", [0x53, 0xC3, 0x28, 0xFF]), f)
    },
    .init(id: "sms-nul-byte", outcome: .refused(.xmlMalformed)) { f in
      try Carrier.smsFile(Carrier.splice(Carrier.smsData, "Saturday", [0x53, 0x00, 0x74]), f)
    },
    .init(id: "telegram-json-utf16-bom", outcome: .refused(.unknownFormat)) { f in
      try Carrier.telegram(Carrier.utf16(Carrier.telegramJSON), f)
    },
    .init(id: "telegram-json-invalid-utf8", outcome: .refused(.badExport)) { f in
      try Carrier.telegram(Carrier.splice(Carrier.telegramJSON, "Answer", [0x41, 0xC3, 0x28]), f)
    },
    .init(id: "telegram-json-nul-byte", outcome: .refused(.badExport)) { f in
      try Carrier.telegram(Carrier.splice(Carrier.telegramJSON, "Answer", [0x41, 0x00]), f)
    },
    .init(id: "whatsapp-utf16-bom", outcome: .refused(.badExport)) { f in try Carrier.whatsAppExport(Carrier.utf16(Carrier.whatsApp), f) },
    .init(
      id: "whatsapp-invalid-utf8", outcome: .lossy,
      build: { f in try Carrier.whatsAppExport(Carrier.splice(Carrier.whatsApp, "regret", [0x72, 0xC3, 0x28, 0xFF]), f) },
      check: { texts, _ in texts.contains { $0.contains("r\u{FFFD}(\u{FFFD}") } }),
    // U+0000 is a character: kept as it is (a bundle carries such a text as base64).
    .init(
      id: "whatsapp-nul-byte", outcome: .imports,
      build: { f in try Carrier.whatsAppExport(Carrier.splice(Carrier.whatsApp, "regret", [0x72, 0x00]), f) },
      check: { texts, _ in texts.contains { $0.contains("r\u{0}") } }),
    .init(id: "facebook-html-invalid-utf8", outcome: .lossy) { f in
      try Carrier.facebookHTMLExport(Carrier.splice(Carrier.facebookHTML, "</body>", [0xC3, 0x28, 0xFF] + Array("</body>".utf8)), f)
    },
    .init(id: "facebook-json-invalid-utf8", outcome: .refused(.badExport)) { f in
      try Carrier.facebookJSONExport(Carrier.splice(Carrier.facebookJSON, "\"messages\"", [0xC3, 0x28] + Array("\"messages\"".utf8)), f)
    },
  ]

  // Empty files, and the right name with the wrong content.
  static let emptyAndWrong: [HostileImport] = [
    .init(id: "sms-empty-file", outcome: .refused(.xmlMalformed)) { f in try Carrier.smsFile(Data(), f) },
    .init(id: "telegram-json-empty-file", outcome: .refused(.badExport)) { f in try Carrier.telegram(Data(), f) },
    .init(id: "whatsapp-empty-file", outcome: .refused(.badExport)) { f in try Carrier.whatsAppExport(Data(), f) },
    .init(id: "facebook-html-empty-file", outcome: .refused(.unknownFormat)) { f in try Carrier.facebookHTMLExport(Data(), f) },
    .init(id: "sms-json-inside", outcome: .refused(.unknownFormat)) { f in try Carrier.smsFile(Carrier.telegramJSON, f) },
    .init(id: "telegram-json-xml-inside", outcome: .refused(.unknownFormat)) { f in try Carrier.telegram(Carrier.smsData, f) },
    .init(id: "facebook-html-png-inside", outcome: .refused(.unknownFormat)) { f in
      try Carrier.facebookHTMLExport(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]), f)
    },
  ]
}
