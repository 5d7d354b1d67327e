/// The rules an entry name must pass before casefile uses it, even only as a label.
enum EntryPath {
  /// The clean relative form of `raw` (no `.` or empty components, no trailing `/`), or the reason
  /// it is refused.
  static func validate(_ raw: String) -> Result<String, Refusal> {
    if raw.isEmpty { return .failure(.init(reason: "has an empty name")) }
    for scalar in raw.unicodeScalars {
      if scalar.value == 0 { return .failure(.init(reason: "has a NUL byte in its name")) }
      if scalar.value < 0x20 || scalar.value == 0x7f {
        return .failure(.init(reason: "has a control character in its name"))
      }
    }
    if raw.contains("\\") { return .failure(.init(reason: "uses a backslash in its name")) }
    if raw.hasPrefix("/") { return .failure(.init(reason: "has an absolute path")) }
    let bytes = Array(raw.utf8)
    if bytes.count >= 2, bytes[1] == UInt8(ascii: ":"),
      (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0] | 0x20)
    {
      return .failure(.init(reason: "starts with a drive letter"))
    }
    var parts: [Substring] = []
    for part in raw.split(separator: "/", omittingEmptySubsequences: true) {
      if part == ".." { return .failure(.init(reason: "climbs out of the export with '..'")) }
      if part != "." { parts.append(part) }
    }
    if parts.isEmpty { return .failure(.init(reason: "names no file")) }
    return .success(parts.joined(separator: "/"))
  }

  /// Why a name was refused.
  struct Refusal: Error {
    var reason: String
  }

  /// `raw` with control bytes made visible, for messages.
  static func printable(_ raw: String) -> String {
    var out = ""
    for scalar in raw.unicodeScalars {
      if scalar.value == 0 {
        out += "\\0"
      } else if scalar.value < 0x20 || scalar.value == 0x7f {
        out += "\\u{\(String(scalar.value, radix: 16))}"
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
