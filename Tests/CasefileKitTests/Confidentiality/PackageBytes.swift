import CasefileKit
import Foundation

/// Every byte of an exported package as an attacker (or a curious recipient) could read it: the
/// zip file itself (entry names, comments and extra fields included), each entry's name and
/// uncompressed bytes, every text and attribute value of bundle.xml as a parser reads it (so that
/// character references and base64 hide nothing), the base64 runs of any entry decoded, and the
/// numeric character references of report.html decoded.
///
/// The confidentiality tests assert that a canary planted in one field is in none of these.
struct PackageBytes {
  let url: URL
  private(set) var views: [(place: String, data: Data)] = []

  init(_ url: URL) throws {
    self.url = url
    views.append(("the zip file", try Data(contentsOf: url)))
    for (path, data) in try archiveEntries(url) {
      views.append(("the name of entry \(path)", Data(path.utf8)))
      views.append((path, data))
      let text = String(decoding: data, as: UTF8.self)
      for (index, decoded) in Self.base64Runs(text).enumerated() {
        views.append(("\(path), base64 run \(index + 1) decoded", decoded))
      }
      views.append(("\(path), character references decoded", Data(Self.decodingCharacterReferences(text).utf8)))
      if path == BundlePackage.bundle {
        let tree = try XMLTree.parseXML(data, location: .init(file: path))
        let values = try tree.nodes("//text() | //@*").map(\.text)
        views.append(("bundle.xml's text and attribute values", Data(values.joined(separator: "\n").utf8)))
      }
    }
  }

  /// Where `canary` appears (compared without regard to ASCII case), or nil when it is nowhere.
  func places(of canary: String) -> [String] {
    let needle = Data(canary.lowercased().utf8)
    return views.compactMap { view in
      let haystack = Data(view.data.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 })
      return haystack.range(of: needle) == nil ? nil : view.place
    }
  }

  /// The entry names of the package.
  var entryNames: [String] {
    views.compactMap { $0.place.hasPrefix("the name of entry ") ? String(decoding: $0.data, as: UTF8.self) : nil }
  }

  /// Runs of 16 or more base64 characters (whitespace allowed inside), decoded where they decode.
  static func base64Runs(_ text: String) -> [Data] {
    var runs: [Data] = []
    var current = ""
    func flush() {
      let compact = current.filter { !$0.isWhitespace }
      if compact.count >= 16 {
        for padded in [compact, compact + "=", compact + "=="] {
          if let data = Data(base64Encoded: padded) {
            runs.append(data)
            break
          }
        }
      }
      current = ""
    }
    for scalar in text.unicodeScalars {
      if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) || "+/=".unicodeScalars.contains(scalar) || scalar == "\n" || scalar == "\r" {
        current.unicodeScalars.append(scalar)
      } else {
        flush()
      }
    }
    flush()
    return runs
  }

  /// `&#NNN;` and `&#xHH;` replaced by their characters, and the five named XML entities.
  static func decodingCharacterReferences(_ text: String) -> String {
    var out = ""
    var rest = Substring(text)
    while let amp = rest.firstIndex(of: "&") {
      out += rest[..<amp]
      let after = rest[amp...]
      if let semi = after.prefix(12).firstIndex(of: ";") {
        let body = after[after.index(after: amp)..<semi]
        let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
        var scalar: Unicode.Scalar?
        if body.hasPrefix("#x") || body.hasPrefix("#X") {
          scalar = UInt32(body.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
        } else if body.hasPrefix("#") {
          scalar = UInt32(body.dropFirst()).flatMap(Unicode.Scalar.init)
        }
        if let scalar {
          out.unicodeScalars.append(scalar)
          rest = after[after.index(after: semi)...]
          continue
        }
        if let value = named[String(body)] {
          out += value
          rest = after[after.index(after: semi)...]
          continue
        }
      }
      out += "&"
      rest = after.dropFirst()
    }
    out += rest
    return out
  }
}
