import Foundation

/// The records of a CSV file (RFC 4180: commas, double quotes, `""` for a quote, line breaks
/// inside quotes), each with its fields and the exact bytes it stands as, for provenance.
///
/// The header's names are matched case-insensitively and without surrounding space, so the
/// columns can come in any order (YouTube's changed over the years).
struct CSVRecords {
  struct Record {
    /// The record's bytes as they stand in the file, without its line break.
    var range: Range<Int>
    /// The line the record starts on.
    var line: Int
    var fields: [String]
  }

  let header: [String]
  let records: [Record]

  /// Parses `data`; the first record is the header. A quote left open at the end is an error.
  init(_ data: Data, location: CasefileError.Location) throws {
    var all: [Record] = []
    let bytes = [UInt8](data)
    var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var line = 1
    while index < bytes.count {
      let start = index
      let startLine = line
      var fields: [String] = []
      var field: [UInt8] = []
      var quoted = false
      var atFieldStart = true
      var ended = false
      while index < bytes.count {
        let byte = bytes[index]
        if quoted {
          if byte == UInt8(ascii: "\"") {
            if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
              field.append(byte)
              index += 2
              continue
            }
            quoted = false
          } else {
            if byte == 0x0A { line += 1 }
            field.append(byte)
          }
          index += 1
          continue
        }
        switch byte {
        case UInt8(ascii: "\"") where atFieldStart:
          quoted = true
          atFieldStart = false
        case UInt8(ascii: ","):
          fields.append(String(decoding: field, as: UTF8.self))
          field = []
          atFieldStart = true
        case 0x0A, 0x0D:
          ended = true
        default:
          field.append(byte)
          atFieldStart = false
        }
        if ended { break }
        index += 1
      }
      if quoted {
        var located = location
        located.line = startLine
        throw CasefileError(.badExport, "the CSV record has a quoted field that is never closed", location: located)
      }
      let end = index
      // The line break: \n, \r\n or \r.
      if index < bytes.count, bytes[index] == 0x0D { index += 1 }
      if index < bytes.count, bytes[index] == 0x0A { index += 1 }
      if ended { line += 1 }
      fields.append(String(decoding: field, as: UTF8.self))
      if end > start { all.append(Record(range: start..<end, line: startLine, fields: fields)) }
    }
    guard let first = all.first else {
      throw CasefileError(.badExport, "the CSV file is empty", location: location)
    }
    header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
    records = Array(all.dropFirst())
  }

  /// The index of the column with this name (any case), or nil.
  func column(_ name: String) -> Int? {
    header.firstIndex { $0.caseInsensitiveCompare(name) == .orderedSame }
  }
}
