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
    /// The handle, number or address; `(you)` for the export's owner, `(unknown sender)` when the
    /// export does not say (a Telegram follow-up at the top of a page, say).
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
  /// The export's block and mute lists (Mastodon's CSV files), as counts; absent when it has none.
  public var blockLists: [BlockListCount]?

  public struct BlockListCount: Sendable, Equatable, Codable {
    public var entry: String
    public var platform: String
    /// `block` or `mute`.
    public var action: String
    public var accounts: Int
  }
}

/// Builds a ``ScanReport`` one message at a time, keeping counts only.
///
/// Scans run over millions of messages, so the per-message work is kept to a few hash look-ups:
/// the handle key of a thread or sender name is worked out once per distinct name, and a thread
/// remembers its senders by their index.
public struct ScanAccumulator {
  private struct Key: Hashable {
    var platform: Platform
    var name: String
  }

  private struct Tally {
    var platform: Platform
    /// The thread's name, or the sender's handle as first seen.
    var label: String
    var displayName: String?
    var messages = 0
    /// Seconds since 1970; formatted only when the report is made.
    var first = Double.infinity
    var last = -Double.infinity
    var hits = 0
    /// For a thread: who wrote in it, as indices of ``ScanAccumulator/senders``.
    var people = Set<Int>()

    init(platform: Platform, label: String) {
      self.platform = platform
      self.label = label
    }

    mutating func count(at time: Double, hit: Bool) {
      messages += 1
      first = min(first, time)
      last = max(last, time)
      if hit { hits += 1 }
    }

    var firstStamp: String { UTCStamp.format(Date(timeIntervalSince1970: first)) }
    var lastStamp: String { UTCStamp.format(Date(timeIntervalSince1970: last)) }
  }

  /// Threads and senders, and where each is found: by handle key, and by the name exactly as
  /// messages give it (which saves working out the key again).
  private var threads: [Tally] = []
  private var senders: [Tally] = []
  private var threadByKey: [Key: Int] = [:]
  private var senderByKey: [Key: Int] = [:]
  private var threadByName: [Key: Int] = [:]
  private var senderByName: [Key: Int] = [:]
  private var formats: [String: (entries: Set<String>, messages: Int)] = [:]
  /// The format and entry of the last message, which the next one nearly always shares.
  private var lastEntry: (format: String, entry: String)?
  private var total = 0
  private var hits = 0
  /// Nil when neither `--match` nor `--contains` was given: no text is looked at then.
  private let matches: ((String) -> Bool)?

  /// `match` is a regular expression, `contains` a list of words (case-insensitive); a message
  /// that meets either counts as a hit.
  public init(match: String?, contains: [String]) throws {
    let regex = try match.map { pattern in
      do { return try NSRegularExpression(pattern: pattern) } catch {
        throw CasefileError(.badValue, "--match '\(pattern)' is not a regular expression")
      }
    }
    let words = contains.map { $0.lowercased() }.filter { !$0.isEmpty }
    guard regex != nil || !words.isEmpty else {
      matches = nil
      return
    }
    matches = { text in
      if let regex, regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil { return true }
      guard !words.isEmpty else { return false }
      let lowered = text.lowercased()
      return words.contains { lowered.contains($0) }
    }
  }

  /// Counts one message.
  public mutating func add(_ message: ImportedMessage) {
    total += 1
    let stamp = message.occurredAt.utc.timeIntervalSince1970
    let hit = matches?(message.text ?? "") ?? false
    if hit { hits += 1 }
    let platform = message.platform
    let sender = Self.index(
      of: message.sender?.handle ?? (message.direction == .sent ? "(you)" : "(unknown sender)"), platform: platform, &senders, &senderByName, &senderByKey)
    senders[sender].count(at: stamp, hit: hit)
    if senders[sender].displayName == nil { senders[sender].displayName = message.sender?.displayName }
    let thread = Self.index(of: message.thread ?? "(none)", platform: platform, &threads, &threadByName, &threadByKey)
    threads[thread].count(at: stamp, hit: hit)
    threads[thread].people.insert(sender)
    if lastEntry?.format != message.format || lastEntry?.entry != message.entryPath {
      formats[message.format, default: ([], 0)].entries.insert(message.entryPath)
      lastEntry = (message.format, message.entryPath)
    }
    formats[message.format, default: ([], 0)].messages += 1
  }

  /// The index of the tally for `name`, made on first sight. Names with the same handle key
  /// share a tally, labelled with the name first seen.
  private static func index(
    of name: String, platform: Platform, _ tallies: inout [Tally], _ byName: inout [Key: Int], _ byKey: inout [Key: Int]
  ) -> Int {
    let named = Key(platform: platform, name: name)
    if let index = byName[named] { return index }
    let keyed = Key(platform: platform, name: CaseStore.handleKey(name, platform: platform))
    let index: Int
    if let existing = byKey[keyed] {
      index = existing
    } else {
      index = tallies.count
      tallies.append(Tally(platform: platform, label: name))
      byKey[keyed] = index
    }
    byName[named] = index
    return index
  }

  /// The report, busiest threads and senders first.
  public func report(
    source: String, sourceSha256: String?, warnings: [ImportWarning], blocked: [BlockedAccount] = []
  ) -> ScanReport {
    var lists: [ScanReport.BlockListCount] = []
    for account in blocked {
      if let index = lists.firstIndex(where: { $0.entry == account.entry && $0.action == account.action.rawValue }) {
        lists[index].accounts += 1
      } else {
        lists.append(.init(entry: account.entry, platform: account.platform.rawValue, action: account.action.rawValue, accounts: 1))
      }
    }
    return ScanReport(
      source: source, sourceSha256: sourceSha256,
      formats: formats.map { ScanReport.FormatCount(format: $0.key, entries: $0.value.entries.count, messages: $0.value.messages) }
        .sorted { $0.format < $1.format },
      messages: total,
      threads: threads.map { tally in
        ScanReport.ThreadSummary(
          platform: tally.platform.rawValue, thread: tally.label, messages: tally.messages, senders: tally.people.count,
          first: tally.firstStamp, last: tally.lastStamp, hits: tally.hits)
      }.sorted(by: Self.busiestFirst(\.messages, \.thread)),
      senders: senders.map { tally in
        ScanReport.SenderSummary(
          platform: tally.platform.rawValue, sender: tally.label, displayName: tally.displayName, messages: tally.messages,
          first: tally.firstStamp, last: tally.lastStamp, hits: tally.hits)
      }.sorted(by: Self.busiestFirst(\.messages, \.sender)),
      hits: hits, warnings: warnings, blockLists: lists.isEmpty ? nil : lists)
  }

  /// Most messages first; equal counts by name.
  private static func busiestFirst<T>(_ count: KeyPath<T, Int>, _ name: KeyPath<T, String>) -> (T, T) -> Bool {
    { $0[keyPath: count] != $1[keyPath: count] ? $0[keyPath: count] > $1[keyPath: count] : $0[keyPath: name] < $1[keyPath: name] }
  }
}
