import Foundation

/// What `casefile scan` found in an export, without storing anything: the formats, the threads
/// and senders with message counts and date ranges, and keyword hits. It names people and
/// counts messages; it never holds a message's text.
public struct ScanReport: Sendable, Equatable, Codable {
  public struct FormatCount: Sendable, Equatable, Codable {
    public var format: String
    public var entries: Int
    public var messages: Int
  }

  public struct SenderSummary: Sendable, Equatable, Codable {
    public var platform: String
    /// The handle, number or address; `(you)` for the export's owner.
    public var sender: String
    public var displayName: String?
    public var messages: Int
    public var first: String
    public var last: String
    /// Messages that matched `--match` or `--contains`.
    public var hits: Int
  }

  public struct ThreadSummary: Sendable, Equatable, Codable {
    public var platform: String
    public var thread: String
    public var messages: Int
    public var senders: Int
    public var first: String
    public var last: String
    public var hits: Int
  }

  public var source: String
  public var sourceSha256: String?
  public var formats: [FormatCount]
  public var messages: Int
  public var threads: [ThreadSummary]
  public var senders: [SenderSummary]
  /// Messages that matched `--match` or `--contains`, in all.
  public var hits: Int
  public var warnings: [ImportWarning]
}

/// Builds a ``ScanReport`` one message at a time, keeping counts only.
public struct ScanAccumulator {
  private struct Key: Hashable {
    var platform: String
    var name: String
  }

  private struct Tally {
    /// The thread's name, or the sender's handle as first seen.
    var label: String
    var displayName: String?
    var messages = 0
    /// Seconds since 1970; formatted only when the report is made.
    var first = Double.infinity
    var last = -Double.infinity
    var hits = 0
    /// For a thread: who wrote in it.
    var people = Set<String>()

    mutating func count(at time: Double, hit: Bool) {
      messages += 1
      first = min(first, time)
      last = max(last, time)
      if hit { hits += 1 }
    }

    var firstStamp: String { UTCStamp.format(Date(timeIntervalSince1970: first)) }
    var lastStamp: String { UTCStamp.format(Date(timeIntervalSince1970: last)) }
  }

  private var threads: [Key: Tally] = [:]
  private var senders: [Key: Tally] = [:]
  private var formats: [String: (entries: Set<String>, messages: Int)] = [:]
  private var total = 0
  private var hits = 0
  private let matches: (String) -> Bool

  /// `match` is a regular expression, `contains` a list of words (case-insensitive); a message
  /// that meets either counts as a hit.
  public init(match: String?, contains: [String]) throws {
    let regex = try match.map { pattern in
      do { return try NSRegularExpression(pattern: pattern) } catch {
        throw CasefileError(.badValue, "--match '\(pattern)' is not a regular expression")
      }
    }
    let words = contains.map { $0.lowercased() }.filter { !$0.isEmpty }
    matches = { text in
      if let regex, regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil { return true }
      let lowered = text.lowercased()
      return words.contains { lowered.contains($0) }
    }
  }

  /// Counts one message.
  public mutating func add(_ message: ImportedMessage) {
    total += 1
    let stamp = message.occurredAt.utc.timeIntervalSince1970
    let hit = matches(message.text ?? "")
    if hit { hits += 1 }
    let platform = message.platform.rawValue
    let senderName = message.sender?.handle ?? "(you)"
    let threadName = message.thread ?? "(none)"
    let threadKey = Key(platform: platform, name: CaseStore.handleKey(threadName, platform: message.platform))
    threads[threadKey, default: Tally(label: threadName)].count(at: stamp, hit: hit)
    threads[threadKey]!.people.insert(CaseStore.handleKey(senderName, platform: message.platform))
    let senderKey = Key(platform: platform, name: CaseStore.handleKey(senderName, platform: message.platform))
    senders[senderKey, default: Tally(label: senderName)].count(at: stamp, hit: hit)
    if senders[senderKey]!.displayName == nil { senders[senderKey]!.displayName = message.sender?.displayName }
    formats[message.format, default: ([], 0)].entries.insert(message.entryPath)
    formats[message.format, default: ([], 0)].messages += 1
  }

  /// The report, busiest threads and senders first.
  public func report(source: String, sourceSha256: String?, warnings: [ImportWarning]) -> ScanReport {
    ScanReport(
      source: source, sourceSha256: sourceSha256,
      formats: formats.map { ScanReport.FormatCount(format: $0.key, entries: $0.value.entries.count, messages: $0.value.messages) }
        .sorted { $0.format < $1.format },
      messages: total,
      threads: threads.map { key, tally in
        ScanReport.ThreadSummary(
          platform: key.platform, thread: tally.label, messages: tally.messages, senders: tally.people.count,
          first: tally.firstStamp, last: tally.lastStamp, hits: tally.hits)
      }.sorted(by: Self.busiestFirst(\.messages, \.thread)),
      senders: senders.map { key, tally in
        ScanReport.SenderSummary(
          platform: key.platform, sender: tally.label, displayName: tally.displayName, messages: tally.messages,
          first: tally.firstStamp, last: tally.lastStamp, hits: tally.hits)
      }.sorted(by: Self.busiestFirst(\.messages, \.sender)),
      hits: hits, warnings: warnings)
  }

  /// Most messages first; equal counts by name.
  private static func busiestFirst<T>(_ count: KeyPath<T, Int>, _ name: KeyPath<T, String>) -> (T, T) -> Bool {
    { $0[keyPath: count] != $1[keyPath: count] ? $0[keyPath: count] > $1[keyPath: count] : $0[keyPath: name] < $1[keyPath: name] }
  }
}
