import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A synthetic SMS Backup & Restore file: `messages` records from one fictional number, every
/// `mmsEvery`-th an MMS with a small image of its own (so each is a separate blob). The seed
/// makes the times and texts, so two seeds never share a message and the same seed gives the
/// same file.
enum SyntheticSMS {
  /// SplitMix64: small, fast and the same everywhere.
  struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  }

  static let words = ["you", "will", "regret", "this", "I", "know", "where", "you", "work", "&amp;", "&#55357;&#56864;", "café"]

  /// Writes the file; returns the number of records.
  @discardableResult
  static func write(messages: Int, seed: UInt64, mmsEvery: Int = 50, to url: URL) throws -> Int {
    var random = Random(state: seed)
    var text = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"\(messages)\">\n"
    var date: Int64 = 1_700_000_000_000 + Int64(seed % 1_000_000) * 1000
    for index in 0..<messages {
      date += Int64(1 + random.below(120_000))
      var body = "s\(seed)-\(index)"
      for _ in 0..<(3 + random.below(10)) { body += " " + words[random.below(words.count)] }
      if mmsEvery > 0, index % mmsEvery == mmsEvery - 1 {
        let image = Data((0..<1500).map { _ in UInt8(truncatingIfNeeded: random.next()) }).base64EncodedString()
        text += """
            <mms date="\(date)" msg_box="1" address="+447700900001" m_type="132" read="1" sub="null" ct_t="application/vnd.wap.multipart.related">
              <parts>
                <part seq="0" ct="image/png" name="p\(index).png" chset="null" cl="p\(index).png" text="null" data="\(image)" />
                <part seq="0" ct="text/plain" name="null" chset="106" cl="text_0.txt" text="\(body)" />
              </parts>
              <addrs><addr address="+447700900001" type="137" charset="106" /></addrs>
            </mms>

          """
      } else {
        text += "  <sms protocol=\"0\" address=\"+447700900001\" date=\"\(date)\" type=\"1\" subject=\"null\" body=\"\(body)\" read=\"1\" status=\"-1\" />\n"
      }
    }
    text += "</smses>\n"
    try Data(text.utf8).write(to: url)
    return messages
  }
}

/// The fault-injecting file layer (Sources/CFaultInject), built beside `casefile`.
enum FaultLayer {
  static let library: URL = CLI.binary.deletingLastPathComponent().appendingPathComponent("libCasefileFaultInject.so")

  /// `cli`'s environment with the layer preloaded, faults for paths under `prefix`, and a log.
  static func environment(_ cli: CLI, prefix: URL, log: URL, _ settings: [String: String]) -> [String: String] {
    var environment = cli.environment
    environment["LD_PRELOAD"] = library.path
    environment["CASEFILE_FAULT_PREFIX"] = prefix.path
    environment["CASEFILE_FAULT_LOG"] = log.path
    for (key, value) in settings { environment["CASEFILE_FAULT_" + key] = value }
    return environment
  }

  /// The faults the layer logged, one line each: "PID KIND PATH".
  static func faults(in log: URL) -> [String] {
    ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
  }
}

/// What a store holds, as a failed command must leave it: the audit head and counts, the cases,
/// the evidence count, and every file of the blob area (an empty `blobs/tmp` folder aside).
func storeState(_ cli: CLI, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
  let fsck = try cli.json(["fsck"], sourceLocation: sourceLocation) as! [String: Any]
  #expect(fsck["ok"] as? Bool == true, "fsck: \(fsck)", sourceLocation: sourceLocation)
  let blobs = cli.store.appendingPathComponent("blobs")
  let files = (FileManager.default.enumerator(atPath: blobs.path)?.allObjects as? [String] ?? [])
    .filter { $0 != "tmp" }.sorted()
  let evidence = try sqlite(cli, "SELECT COUNT(*) FROM evidence")
  return "\(fsck["head_hash"]!) \(fsck["audit_rows"]!) \(fsck["rows_checked"]!) evidence=\(evidence) \(files)"
}

/// Runs one SQL statement on the store's database with the sqlite3 command; returns its output.
func sqlite(_ cli: CLI, _ sql: String) throws -> String {
  let db = cli.store.appendingPathComponent("casefile.sqlite").path
  let result = try shell("sqlite3 -bail '\(db)' \"\(sql)\"")
  guard result.status == 0 else { throw CasefileTestError("sqlite3 failed on \(sql): \(result.output)") }
  return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// SQLite's own check of the store's database file.
func integrityCheck(_ cli: CLI) throws -> String { try sqlite(cli, "PRAGMA integrity_check") }

struct CasefileTestError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// Says that a command failed cleanly: no crash, no backtrace, one `casefile: error:` line.
func expectCleanFailure(
  _ result: CLI.Result, status: Int32? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(result.status != 0, "it succeeded: \(result.stdout)", sourceLocation: sourceLocation)
  if let status { #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation) }
  // A signal (a crash) shows as a status above 128 from the shell, or as Swift's fatal error text.
  #expect(result.status < 128, "\(result.stderr)", sourceLocation: sourceLocation)
  #expect(result.stderr.contains("casefile: error:"), "\(result.stderr)", sourceLocation: sourceLocation)
  for crash in ["Fatal error", "Current stack trace", "Segmentation", "backtrace", "Illegal instruction"] {
    #expect(!result.stderr.contains(crash), "\(result.stderr)", sourceLocation: sourceLocation)
  }
}
