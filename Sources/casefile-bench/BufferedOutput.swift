import Foundation

/// A file written through a 1 MiB buffer: what every generator writes with.
final class BufferedOutput {
  private let handle: FileHandle
  private var buffer = ""
  private(set) var written = 0

  /// Creates (or empties) the file at `path`, making its folder first.
  init(path: String) throws {
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    guard FileManager.default.createFile(atPath: path, contents: nil) else { throw BenchError("cannot create \(path)") }
    handle = try FileHandle(forWritingTo: url)
    buffer.reserveCapacity(1 << 21)
  }

  func write(_ text: String) throws {
    buffer += text
    if buffer.utf8.count >= 1 << 20 { try flush() }
  }

  /// Writes what is buffered and closes the file; returns the bytes written in all.
  @discardableResult
  func close() throws -> Int {
    try flush()
    try handle.close()
    return written
  }

  private func flush() throws {
    let data = Data(buffer.utf8)
    try handle.write(contentsOf: data)
    written += data.count
    buffer.removeAll(keepingCapacity: true)
  }
}

/// Zips a folder the way the platforms ship their downloads: every file deflated, in path order,
/// with a fixed time, so that the same folder always makes the same zip. It uses Python's zipfile
/// (the benchmark needs python3 anyway, for the SQLite yardstick) so that the archive is not made
/// by the libarchive code that casefile reads it with.
func zipFolder(_ folder: String, to zip: String) throws {
  try? FileManager.default.removeItem(atPath: zip)
  let script = """
    import os, sys, zipfile
    folder, out = sys.argv[1], sys.argv[2]
    base = os.path.dirname(folder.rstrip('/'))
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as archive:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                info = zipfile.ZipInfo(os.path.relpath(path, base), date_time=(2026, 11, 24, 8, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(path, 'rb') as source:
                    archive.writestr(info, source.read())
    """
  let run = try measure(["python3", "-c", script, folder, zip])
  guard run.status == 0 else { throw BenchError("python3 could not zip \(folder) (exit \(run.status))") }
}

/// Shared vocabulary of the generators: ordinary words, threats, and a few non-ASCII ones.
enum Words {
  static let plain = [
    "hello", "running", "late", "tonight", "dinner", "thanks", "see", "you", "soon", "call", "me", "when",
    "free", "ok", "the", "meeting", "moved", "to", "Tuesday", "&", "<3", "great", "news", "café", "naïve", "😀",
    "👍", "bring", "milk", "train", "delayed", "\"fine\"", "crèche", "Siobhán",
  ]
  static let threats = [
    "you will regret this", "I know where you work", "everyone will hear about you", "watch yourself",
    "😠 not finished with you",
  ]

  /// A message of 3 to 16 words; the abuser's are a quarter threats.
  static func message(_ random: inout GenerateSMS.Random, abusive: Bool) -> String {
    var words: [String] = []
    for _ in 0..<(3 + random.below(14)) {
      words.append(abusive && random.below(4) == 0 ? threats[random.below(threats.count)] : plain[random.below(plain.count)])
    }
    return words.joined(separator: " ")
  }

  /// `text` as a JSON string's content (quotes, backslashes and controls escaped).
  static func json(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// `text` as Meta writes it: each UTF-8 byte of a non-ASCII character as its own `\u00XX`.
  static func metaJSON(_ text: String) -> String {
    var out = ""
    for byte in json(text).utf8 {
      if byte < 0x80 { out.unicodeScalars.append(Unicode.Scalar(byte)) } else { out += String(format: "\\u%04x", byte) }
    }
    return out
  }

  /// `text` escaped for HTML text and attributes.
  static func html(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }

  /// A small, distinct picture: a PNG signature followed by bytes that depend on `index`.
  static func picture(_ index: Int) -> Data {
    var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    var random = GenerateSMS.Random(state: UInt64(index))
    for _ in 0..<(600 + random.below(2000)) { bytes.append(UInt8(truncatingIfNeeded: random.next())) }
    return Data(bytes)
  }
}
