import Foundation

/// The X (Twitter) archive: a zip whose `data/` folder holds one JavaScript file per kind of data,
/// each `window.YTD.<name>.part<N> = [ … ]`, plus `data/manifest.js`
/// (`window.__THAR_CONFIG = { … }`) that lists those files.
///
/// Read from it:
/// - **DMs**, one-to-one (`direct-messages.js`; `direct-message.js` before 2020) and group
///   (`direct-messages-group.js`; `direct-message-group.js`): every `messageCreate` of every
///   `dmConversation`, newest first in the file and handed on oldest first. The thread is the
///   `conversationId`. Join, leave and rename events are not messages and are passed over.
///   Senders are named by their numeric X user id only: the archive holds no handles for them.
///   A picture or video is read from `direct_messages_media/` (`direct_messages_group_media/`)
///   as `<message id>-<file name>`, or recorded as missing.
/// - **Tweets** (`tweets.js`; `tweet.js` before 2020): the owner's posts and replies, as sent, with
///   their HTML escapes (`&amp;`, `&lt;`, `&gt;`) undone and their pictures read from
///   `tweets_media/` (`tweet_media/`). Mentions of the owner by others are not in an archive.
/// - **The owner** from `account.js` (or `manifest.js`'s `userInfo`): a DM whose `senderId` is the
///   owner's is sent (stored with no sender), any other is received. Because an archive's entries
///   come in whatever order its maker wrote them, DM files met before either are put off until
///   the rest of the archive has been read (see ``ExportContext``); without either file, DMs are
///   imported with direction `unknown` and a warning.
/// - **The manifest**: each file it lists for these kinds and that the archive does not hold (a
///   lost `-part2`) is a warning, and so is a file holding another number of items than it says.
///
/// The type of a file is taken from the name in its wrapper (`YTD.direct_messages.part1`), so the
/// old and new file names and the numbered parts of big types are all read. Every time is stated
/// UTC (`createdAt` ISO 8601 in DMs, `created_at` such as `Wed Oct 10 20:19:24 +0000 2018` in
/// tweets) and kept as written. Each item's raw fragment is its JSON object as it stands in the
/// file; identity is the X id of the message or tweet.
public struct XArchiveFormat: ExportFormat {
  public let id = "x-archive"
  public let title = "X / Twitter archive (data/direct-messages.js, direct-messages-group.js, tweets.js, account.js, manifest.js)"

  public init() {}

  /// The largest data file read; each is read whole, once.
  static let maximumBytes = 1 << 30

  /// The kinds of data file read, by the name in their `window.YTD.<name>` wrapper.
  enum Kind: Equatable {
    case account, directMessages(group: Bool), tweets, manifest

    init?(globalName name: String) {
      switch name {
      case "account": self = .account
      case "direct_messages", "direct_message": self = .directMessages(group: false)
      case "direct_messages_group", "direct_message_group": self = .directMessages(group: true)
      case "tweets", "tweet": self = .tweets
      default: return nil
      }
    }
  }

  /// Facts this format keeps in the ``ExportContext``.
  enum Fact {
    static let owner = "x-archive.owner"
    static let ownerName = "x-archive.owner-name"
    static let ownerFrom = "x-archive.owner-from"
    /// `<file name>\t<count>` for each file the manifest lists.
    static let listed = "x-archive.listed"
    /// `<entry path>\t<count>` for each data file read.
    static let read = "x-archive.read"
  }

  /// The kind of a file from its first bytes: the name in `window.YTD.<name>.part<N> =`, or the
  /// manifest's `window.__THAR_CONFIG =`.
  static func kind(head: Data) -> Kind? {
    var text = Substring(String(decoding: head.prefix(256), as: UTF8.self))
    text = text.drop(while: { $0 == "\u{FEFF}" || $0.isWhitespace })
    if text.hasPrefix("window.__THAR_CONFIG") { return .manifest }
    guard text.hasPrefix("window.YTD.") else { return nil }
    let name = text.dropFirst("window.YTD.".count).prefix(while: { $0 != "." && $0 != " " && $0 != "=" })
    return Kind(globalName: String(name))
  }

  public func claims(entryPath: String, head: Data) -> Bool {
    entryPath.lowercased().hasSuffix(".js") && Self.kind(head: head) != nil
  }

  public func defers(entryPath: String, head: Data, context: ExportContext) -> Bool {
    guard case .directMessages = Self.kind(head: head) else { return false }
    return context[Fact.owner] == nil
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    let data = try input.readWhole(maximumBytes: Self.maximumBytes, what: "the archive file")
    guard let kind = Self.kind(head: data) else {
      throw CasefileError(
        .badExport, "this is not an X archive data file: it does not start with window.YTD.<name> =", location: input.location)
    }
    let (body, firstLine) = try Self.body(of: data, input: input)
    switch kind {
    case .manifest:
      try readManifest(body, input: input)
    case .account:
      let elements = try topLevelElements(body, firstLine: firstLine, input: input)
      try readAccount(body, elements: elements, input: input)
    case .directMessages(let group):
      let elements = try topLevelElements(body, firstLine: firstLine, input: input)
      try readDirectMessages(body, elements: elements, group: group, input: input, emit: emit)
    case .tweets:
      let elements = try topLevelElements(body, firstLine: firstLine, input: input)
      try readTweets(body, elements: elements, input: input, emit: emit)
    }
  }

  public func finish(context: ExportContext, warn: (_ entry: String, _ message: String) -> Void) {
    let read = context.notes(Fact.read).map { $0.split(separator: "\t", maxSplits: 1).map(String.init) }
    for listed in context.notes(Fact.listed) {
      let parts = listed.split(separator: "\t", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { continue }
      let (file, count) = (parts[0], parts[1])
      let matches = read.filter { $0.count == 2 && ($0[0] == file || $0[0].hasSuffix("/" + file)) }
      if matches.isEmpty {
        warn(file, "the archive's manifest lists this file, which the archive does not hold: what it held is not imported")
      } else if let count = Int(count), !matches.contains(where: { Int($0[1]) == count }) {
        warn(matches[0][0], "the archive's manifest says this file holds \(count) items, but it holds \(matches[0][1])")
      }
    }
  }

  // MARK: - The wrapper

  /// The JSON after the wrapper's first `=` (with a trailing `;` dropped), and the line it starts on.
  static func body(of data: Data, input: FormatInput) throws -> (Data, Int) {
    guard let equals = data.firstIndex(of: UInt8(ascii: "=")) else {
      throw CasefileError(.badExport, "the window.YTD wrapper has no '=' before its data", location: input.location)
    }
    var end = data.endIndex
    while end > equals + 1, [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ";")].contains(data[end - 1]) { end -= 1 }
    let line = 1 + data[data.startIndex..<equals].count(where: { $0 == 0x0A })
    return (data.subdata(in: (equals + 1)..<end), line)
  }

  /// The byte ranges of the array's elements, with their lines; an error when the data is not an array.
  private func topLevelElements(_ body: Data, firstLine: Int, input: FormatInput) throws -> [(Range<Int>, Int)] {
    guard body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "[") else {
      throw CasefileError(.badExport, "the data after the window.YTD wrapper is not an array", location: input.location)
    }
    let ranges = try JSONFragments.ranges(in: body, at: [.anyElement], location: input.location)
    input.context.note(Fact.read, "\(input.entryPath)\t\(ranges.count)")
    return Array(zip(ranges, JSONFragments.lines(of: ranges, in: body, firstLine: firstLine)))
  }

  private func object(_ data: Data, _ range: Range<Int>, what: String, at location: CasefileError.Location) throws -> [String: Any] {
    let bytes = data.subdata(in: range)
    guard let object = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any] else {
      throw CasefileError(.badExport, "\(what) is not a JSON object", location: location)
    }
    return object
  }

  private func location(_ input: FormatInput, line: Int) -> CasefileError.Location {
    var location = input.location
    location.line = line
    return location
  }

  // MARK: - The owner

  private func readAccount(_ body: Data, elements: [(Range<Int>, Int)], input: FormatInput) throws {
    for (range, line) in elements {
      let element = try object(body, range, what: "an account entry", at: location(input, line: line))
      guard let account = element["account"] as? [String: Any], let owner = Self.string(account["accountId"]) else {
        throw CasefileError(.badExport, "account.js has no account.accountId", location: location(input, line: line))
      }
      setOwner(owner, name: account["username"] as? String, from: "account.js", input: input)
    }
  }

  private func readManifest(_ body: Data, input: FormatInput) throws {
    guard let manifest = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
      throw CasefileError(.badExport, "manifest.js does not hold a JSON object after window.__THAR_CONFIG =", location: input.location)
    }
    if let user = manifest["userInfo"] as? [String: Any], let owner = Self.string(user["accountId"]) {
      setOwner(owner, name: user["userName"] as? String, from: "manifest.js", input: input)
    }
    for case let type as [String: Any] in (manifest["dataTypes"] as? [String: Any] ?? [:]).values {
      for case let file as [String: Any] in type["files"] as? [Any] ?? [] {
        guard let name = file["fileName"] as? String, let global = file["globalName"] as? String else { continue }
        // "YTD.direct_messages.part1": only the kinds read here are checked.
        let parts = global.split(separator: ".")
        guard parts.count >= 2, Kind(globalName: String(parts[1])) != nil else { continue }
        let relative = name.hasPrefix("./") ? String(name.dropFirst(2)) : name
        input.context.note(Fact.listed, "\(relative)\t\(Self.string(file["count"]) ?? "")")
      }
    }
  }

  private func setOwner(_ owner: String, name: String?, from file: String, input: FormatInput) {
    let context = input.context
    if let known = context[Fact.owner] {
      if known != owner {
        input.warn("\(file) names another owner than \(context[Fact.ownerFrom] ?? "before"); the first is kept")
      }
      return
    }
    context[Fact.owner] = owner
    context[Fact.ownerName] = name
    context[Fact.ownerFrom] = file
  }

  // MARK: - DMs

  private func readDirectMessages(
    _ body: Data, elements: [(Range<Int>, Int)], group: Bool, input: FormatInput, emit: (ImportedMessage) throws -> Void
  ) throws {
    let owner = input.context[Fact.owner]
    if owner == nil {
      input.warn(
        "the archive has neither account.js nor manifest.js, so DMs sent cannot be told from DMs received: they are imported with direction unknown")
    }
    let folder = (input.entryPath as NSString).deletingLastPathComponent
    let mediaFolder = group ? "direct_messages_group_media" : "direct_messages_media"
    var items: [ImportedMessage] = []
    for (conversationRange, conversationLine) in elements {
      let conversation = body.subdata(in: conversationRange)
      let at = location(input, line: conversationLine)
      guard let inner = try JSONFragments.ranges(in: conversation, at: [.key("dmConversation")], location: at).first else {
        throw CasefileError(.badExport, "a conversation has no dmConversation", location: at)
      }
      let dm = conversation.subdata(in: inner)
      let innerLine = conversationLine + conversation[..<inner.lowerBound].count(where: { $0 == 0x0A })
      let header = try object(conversation, inner.lowerBound..<inner.upperBound, what: "a dmConversation", at: at)
      guard let thread = Self.string(header["conversationId"]) else {
        throw CasefileError(.badExport, "a dmConversation has no conversationId", location: at)
      }
      let messages = try JSONFragments.ranges(in: dm, at: [.key("messages"), .anyElement], location: at)
      // The file lists each conversation newest first; its messages are handed on oldest first.
      items.removeAll(keepingCapacity: true)
      for (range, line) in zip(messages, JSONFragments.lines(of: messages, in: dm, firstLine: innerLine)) {
        let fragment = dm.subdata(in: range)
        let here = location(input, line: line)
        let event = try object(dm, range, what: "a DM event", at: here)
        guard let create = event["messageCreate"] as? [String: Any] else { continue }
        items.append(try directMessage(
          create, fragment: fragment, thread: thread, owner: owner, folder: folder, mediaFolder: mediaFolder, group: group,
          input: input, location: here))
      }
      for item in items.reversed() { try emit(item) }
    }
  }

  private func directMessage(
    _ create: [String: Any], fragment: Data, thread: String, owner: String?, folder: String, mediaFolder: String,
    group: Bool, input: FormatInput, location: CasefileError.Location
  ) throws -> ImportedMessage {
    guard let id = Self.string(create["id"]) else {
      throw CasefileError(.badExport, "a DM has no id", location: location)
    }
    guard let senderID = Self.string(create["senderId"]) else {
      throw CasefileError(.badExport, "DM \(id) has no senderId", location: location)
    }
    guard let created = create["createdAt"] as? String else {
      throw CasefileError(.badExport, "DM \(id) has no createdAt", location: location)
    }
    let occurredAt = try Self.time(created, id: id, input: input, location: location)
    let direction: Direction
    let sender: ActorInput?
    switch owner {
    case senderID?:
      direction = .sent
      sender = nil
    case nil:
      direction = .unknown
      sender = ActorInput(handle: senderID, platformUserID: senderID)
    default:
      direction = .received
      sender = ActorInput(handle: senderID, platformUserID: senderID)
    }
    var details: [String: String] = [:]
    if group { details["group"] = "true" }
    let links = (create["urls"] as? [[String: Any]] ?? []).compactMap { ($0["expanded"] as? String) ?? ($0["url"] as? String) }
    if !links.isEmpty { details["links"] = links.joined(separator: " ") }
    if let reactions = create["reactions"] as? [[String: Any]], !reactions.isEmpty {
      details["reactions"] = reactions.map { "\(($0["reactionKey"] as? String) ?? "") \(Self.string($0["senderId"]) ?? "")" }
        .joined(separator: "; ")
    }
    let media = (create["mediaUrls"] as? [String] ?? []).map { url -> ImportedMedia in
      let name = Self.fileName(ofURL: url)
      return Self.media("\(id)-\(name)", named: name, in: [mediaFolder], under: folder)
    }
    return ImportedMessage(
      format: self.id, platform: .x, kind: .dm, thread: thread, sender: sender,
      recipients: Self.string(create["recipientId"]).map { [$0] } ?? [], direction: direction, occurredAt: occurredAt,
      text: create["text"] as? String, platformMessageID: id, details: details, entryPath: input.entryPath,
      fragment: fragment, media: media)
  }

  // MARK: - Tweets

  private func readTweets(
    _ body: Data, elements: [(Range<Int>, Int)], input: FormatInput, emit: (ImportedMessage) throws -> Void
  ) throws {
    let folder = (input.entryPath as NSString).deletingLastPathComponent
    var items: [ImportedMessage] = []
    for (range, line) in elements {
      let here = location(input, line: line)
      let element = try object(body, range, what: "a tweet", at: here)
      // Archives since 2020 wrap each tweet in {"tweet": …}; older ones did not.
      let tweet = element["tweet"] as? [String: Any] ?? element
      guard let id = Self.string(tweet["id_str"]) ?? Self.string(tweet["id"]) else {
        throw CasefileError(.badExport, "a tweet has no id_str", location: here)
      }
      guard let created = tweet["created_at"] as? String else {
        throw CasefileError(.badExport, "tweet \(id) has no created_at", location: here)
      }
      let occurredAt = try Self.time(created, id: id, input: input, location: here)
      let replyTo = Self.string(tweet["in_reply_to_status_id_str"])
      var details: [String: String] = [:]
      if let replyTo { details["in_reply_to"] = replyTo }
      let replyName = tweet["in_reply_to_screen_name"] as? String
      if let replyName { details["in_reply_to_screen_name"] = replyName }
      let entities = (tweet["extended_entities"] ?? tweet["entities"]) as? [String: Any]
      let media = (entities?["media"] as? [[String: Any]] ?? []).compactMap { item -> ImportedMedia? in
        guard let url = (item["media_url_https"] ?? item["media_url"]) as? String else { return nil }
        let name = Self.fileName(ofURL: url)
        return Self.media("\(id)-\(name)", named: name, in: ["tweets_media", "tweet_media"], under: folder)
      }
      items.append(ImportedMessage(
        format: self.id, platform: .x, kind: replyTo == nil ? .post : .reply, thread: replyName.map { "@" + $0 },
        sender: nil, direction: .sent, occurredAt: occurredAt,
        text: ((tweet["full_text"] ?? tweet["text"]) as? String).map(Self.unescapeHTML),
        url: "https://x.com/i/web/status/\(id)", platformMessageID: id, details: details, entryPath: input.entryPath,
        fragment: body.subdata(in: range), media: media))
    }
    // Newest first in the file; handed on oldest first.
    for item in items.reversed() { try emit(item) }
  }

  // MARK: - Values

  /// A JSON string or number as text (X writes ids and counts both ways).
  static func string(_ value: Any?) -> String? {
    switch value {
    case let text as String: return text.isEmpty ? nil : text
    case let number as NSNumber: return number.stringValue
    default: return nil
    }
  }

  /// A DM's ISO 8601 `createdAt` or a tweet's `Wed Oct 10 20:19:24 +0000 2018`, stated UTC.
  static func time(_ text: String, id: String, input: FormatInput, location: CasefileError.Location) throws -> OccurredAt {
    let fields = text.split(separator: " ")
    var iso = text
    if fields.count == 6, fields[4].hasPrefix("+") || fields[4].hasPrefix("-"),
      let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].firstIndex(of: String(fields[1])),
      let day = Int(fields[2])
    {
      iso = "\(fields[5])-\(String(format: "%02d-%02d", month + 1, day))T\(fields[3])\(fields[4])"
    }
    do {
      var time = try OccurredAt.parseImported(iso, defaultZone: TimeZone(identifier: "UTC")!) { _ in }
      guard time.zoneSource == .stated else {
        throw CasefileError(.badExport, "'\(text)' has no zone", location: location)
      }
      time.original = text
      return time
    } catch let error as CasefileError {
      throw CasefileError(.badExport, "\(id) has an unreadable time: \(error.message)", location: location)
    }
  }

  /// The last part of a media URL's path, without its query.
  static func fileName(ofURL url: String) -> String {
    let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    return (path as NSString).lastPathComponent
  }

  /// A media file named `file` in one of the media `folders` beside the data file.
  static func media(_ file: String, named name: String, in folders: [String], under folder: String) -> ImportedMedia {
    let type = MediaType.byExtension[(name as NSString).pathExtension.lowercased()] ?? "application/octet-stream"
    guard !file.contains("/"), !file.contains("\\"), file != "..", !name.isEmpty else {
      return ImportedMedia(name: name, mediaType: type, content: .missing(reference: file))
    }
    let candidates = folders.compactMap { ImportedMedia.normalizedEntryPath(folder.isEmpty ? "\($0)/\(file)" : "\(folder)/\($0)/\(file)") }
    return ImportedMedia(name: name, mediaType: type, content: .entry(reference: file, candidates: candidates, anyExtension: false))
  }

  /// Undoes the escapes X writes in tweet text: `&lt;`, `&gt;`, `&quot;`, `&#39;`, then `&amp;`.
  static func unescapeHTML(_ text: String) -> String {
    guard text.contains("&") else { return text }
    return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
      .replacingOccurrences(of: "&amp;", with: "&")
  }
}
