import Foundation

/// A Mastodon account archive (Preferences → Import and export → Request your archive): a zip
/// holding `outbox.json`, `actor.json`, `media_attachments/…`, and the CSV lists exported beside it
/// (`blocked_accounts.csv`, `muted_accounts.csv`).
///
/// Read from it:
/// - **`outbox.json`**, an ActivityPub `OrderedCollection` whose `orderedItems` are the owner's
///   activities: each `Create` is a post of the owner (`post`, or `reply` when it has an
///   `inReplyTo`), stored as sent, with its `content` HTML turned into text (paragraphs become
///   blank lines, `<br>` a line break), its `url`, its mentions and content warning in the
///   details, and its attachments read from `media_attachments/` in the export. Boosts
///   (`Announce`) are not the owner's words and are passed over. The id is the post's ActivityPub
///   `id`. `published` is stated UTC.
/// - **`blocked_accounts.csv`** (no header, one `user@domain` per line) and
///   **`muted_accounts.csv`** (header `Account address,Hide notifications`): the accounts the
///   owner blocked or muted. They are not messages; they are handed to the import, which can record
///   the block step for the matching authors of its case (`--record-blocks`, off by default).
///   Accounts on the owner's own server are written without a domain: the domain is taken from
///   the `actor` of the activities in `outbox.json` when the archive has one.
///
/// The archive holds only what the owner posted: other people's posts and messages to the owner
/// are not in it.
public struct MastodonArchiveFormat: ExportFormat {
  public let id = "mastodon-archive"
  public let title = "Mastodon account archive (outbox.json, blocked_accounts.csv, muted_accounts.csv)"

  public init() {}

  /// The largest `outbox.json` or list read; each is read whole, once.
  static let maximumBytes = 1 << 30

  enum Fact {
    /// The domain of the owner's server, from `outbox.json`.
    static let homeDomain = "mastodon-archive.home-domain"
  }

  private enum File {
    case outbox, blocked, muted
  }

  private static func file(_ entryPath: String) -> File? {
    switch (entryPath as NSString).lastPathComponent.lowercased() {
    case "outbox.json": .outbox
    case "blocked_accounts.csv": .blocked
    case "muted_accounts.csv": .muted
    default: nil
    }
  }

  public func claims(entryPath: String, head: Data) -> Bool {
    switch Self.file(entryPath) {
    case .outbox?:
      let text = String(decoding: head.prefix(4096), as: UTF8.self)
      return text.contains("\"OrderedCollection\"") || text.contains("\"orderedItems\"")
    case .blocked?, .muted?:
      return true
    case nil:
      return false
    }
  }

  /// A list is read after `outbox.json`, which gives the domain its local accounts leave out.
  public func defers(entryPath: String, head: Data, context: ExportContext) -> Bool {
    Self.file(entryPath) != .outbox && context[Fact.homeDomain] == nil
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    let data = try input.readWhole(maximumBytes: Self.maximumBytes, what: "the file")
    switch Self.file(input.entryPath) {
    case .outbox?: try readOutbox(data, input: input, emit: emit)
    case .blocked?: try readList(data, action: .block, header: false, input: input)
    case .muted?: try readList(data, action: .mute, header: true, input: input)
    case nil:
      throw CasefileError(.badExport, "this is not a file of a Mastodon archive", location: input.location)
    }
  }

  // MARK: - The outbox

  private func readOutbox(_ data: Data, input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    guard let type = try scalar(data, "type", input: input), type == "OrderedCollection" else {
      throw CasefileError(.badExport, "outbox.json is not an ActivityPub OrderedCollection", location: input.location)
    }
    let ranges = try JSONFragments.ranges(in: data, at: [.key("orderedItems"), .anyElement], location: input.location)
    let folder = (input.entryPath as NSString).deletingLastPathComponent
    var items: [ImportedMessage] = []
    for (range, line) in zip(ranges, JSONFragments.lines(of: ranges, in: data)) {
      var location = input.location
      location.line = line
      let fragment = data.subdata(in: range)
      guard let activity = try? JSONSerialization.jsonObject(with: fragment) as? [String: Any] else {
        throw CasefileError(.badExport, "an outbox item is not a JSON object", location: location)
      }
      // The archive's own ids are relative ("outbox.json"); its activities name the owner's server.
      if input.context[Fact.homeDomain] == nil, let actor = activity["actor"] as? String,
        let host = URL(string: actor)?.host, !host.isEmpty
      {
        input.context[Fact.homeDomain] = host.lowercased()
      }
      guard (activity["type"] as? String) == "Create" else { continue }
      guard let object = activity["object"] as? [String: Any] else {
        throw CasefileError(.badExport, "a Create activity has no object", location: location)
      }
      items.append(try post(object, fragment: fragment, folder: folder, input: input, location: location))
    }
    // Mastodon writes the outbox oldest first; kept in that order.
    for item in items { try emit(item) }
  }

  private func post(
    _ object: [String: Any], fragment: Data, folder: String, input: FormatInput, location: CasefileError.Location
  ) throws -> ImportedMessage {
    guard let id = object["id"] as? String, !id.isEmpty else {
      throw CasefileError(.badExport, "a post has no id", location: location)
    }
    guard let published = object["published"] as? String else {
      throw CasefileError(.badExport, "a post has no published time", location: location)
    }
    let occurredAt: OccurredAt
    do {
      occurredAt = try OccurredAt.parseImported(published, defaultZone: TimeZone(identifier: "UTC")!) { _ in }
      guard occurredAt.zoneSource == .stated else { throw CasefileError(.badTime, "'\(published)' has no zone") }
    } catch let error as CasefileError {
      throw CasefileError(.badExport, "a post has an unreadable published time: \(error.message)", location: location)
    }
    var details: [String: String] = [:]
    let replyTo = object["inReplyTo"] as? String
    if let replyTo { details["in_reply_to"] = replyTo }
    let mentions = (object["tag"] as? [[String: Any]] ?? []).filter { ($0["type"] as? String) == "Mention" }
      .compactMap { $0["name"] as? String }
    if !mentions.isEmpty { details["mentions"] = mentions.joined(separator: " ") }
    if let warning = object["summary"] as? String, !warning.isEmpty { details["content_warning"] = warning }
    if let visibility = Self.visibility(object) { details["visibility"] = visibility }
    let media = (object["attachment"] as? [[String: Any]] ?? []).compactMap { attachment -> ImportedMedia? in
      guard let url = attachment["url"] as? String, !url.isEmpty else { return nil }
      // Paths in the archive are written from its root, with a leading slash.
      let reference = url.hasPrefix("/") ? String(url.drop(while: { $0 == "/" })) : url
      return ImportedMedia.entry(reference, relativeTo: folder, mediaType: attachment["mediaType"] as? String)
    }
    return ImportedMessage(
      format: self.id, platform: .mastodon, kind: replyTo == nil ? .post : .reply,
      thread: replyTo == nil ? nil : mentions.first, sender: nil, direction: .sent, occurredAt: occurredAt,
      text: try Self.text(ofHTML: object["content"] as? String, location: location, input: input),
      url: object["url"] as? String ?? id, platformMessageID: id, details: details, entryPath: input.entryPath,
      fragment: fragment, media: media)
  }

  /// Who could see a post, from its addressing: public, unlisted, followers or direct.
  static func visibility(_ object: [String: Any]) -> String? {
    let to = object["to"] as? [String] ?? []
    let cc = object["cc"] as? [String] ?? []
    let everyone = "https://www.w3.org/ns/activitystreams#Public"
    if to.contains(everyone) { return "public" }
    if cc.contains(everyone) { return "unlisted" }
    if to.contains(where: { $0.hasSuffix("/followers") }) { return "followers" }
    return to.isEmpty && cc.isEmpty ? nil : "direct"
  }

  /// The text of a post's HTML: each paragraph apart by a blank line, `<br>` a line break.
  static func text(ofHTML html: String?, location: CasefileError.Location, input: FormatInput) throws -> String? {
    guard let html, !html.isEmpty else { return nil }
    let tree = try XMLTree.parseHTML(Data(html.utf8), location: location)
    if tree.lossy {
      input.warn("line \(location.line ?? 0): a post's HTML could only be read in part: \(tree.lossyReasons.joined(separator: "; "))")
    }
    return tree.readableText()
  }

  /// A top-level string member of the document, read alone.
  private func scalar(_ data: Data, _ key: String, input: FormatInput) throws -> String? {
    guard let range = try JSONFragments.ranges(in: data, at: [.key(key)], location: input.location).first else { return nil }
    return try? JSONSerialization.jsonObject(with: data.subdata(in: range), options: .fragmentsAllowed) as? String
  }

  // MARK: - The lists

  private func readList(_ data: Data, action: BlockAction, header: Bool, input: FormatInput) throws {
    let csv = try CSVRecords(data, location: input.location)
    var rows = csv.records.map { (line: $0.line, fields: $0.fields) }
    if !header, !csv.header.isEmpty {
      // blocked_accounts.csv has no header: its first line is an account.
      rows.insert((line: 1, fields: csv.header), at: 0)
    } else if header, let first = csv.header.first, !first.lowercased().contains("account") {
      throw CasefileError(.badExport, "muted_accounts.csv does not start with its 'Account address' header", location: input.location)
    }
    let home = input.context[Fact.homeDomain]
    for row in rows {
      guard let account = row.fields.first?.trimmingCharacters(in: .whitespaces), !account.isEmpty else { continue }
      let handle = account.hasPrefix("@") ? String(account.dropFirst()) : account
      guard !handle.contains(where: \.isWhitespace), handle.split(separator: "@", omittingEmptySubsequences: false).count <= 2,
        !handle.hasPrefix("@"), !handle.hasSuffix("@")
      else {
        var location = input.location
        location.line = row.line
        throw CasefileError(.badExport, "line \(row.line) is not an account address (user@domain)", location: location)
      }
      input.context.recordBlocked(
        BlockedAccount(platform: .mastodon, handle: handle, action: action, entry: input.entryPath, homeDomain: home))
    }
  }
}
