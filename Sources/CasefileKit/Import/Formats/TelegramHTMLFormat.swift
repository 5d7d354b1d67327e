import Foundation

/// Telegram Desktop's HTML chat export: `messages.html`, `messages2.html`, … (1000 messages each)
/// in a chat folder, as a folder or inside a ZIP.
///
/// Each file is parsed whole with libxml2's HTML parser (a lossy parse is reported as a warning
/// and the import carries on); each message's raw block is cut from the original bytes by its
/// `id` with ``HTMLFragments``.
///
/// Quirks handled: class names matched by token (`message default clearfix joined`); a `joined`
/// message, which has no `from_name`, takes the sender of the message before it in the same file
/// (a file that starts with one is warned about and its sender left unknown); the date in the
/// `title` of `div.date`, `DD.MM.YYYY HH:MM:SS UTC+hh:mm`, or without the offset, then read in the
/// source zone and recorded as assumed; service messages skipped; `<br>` kept as a line break;
/// photos, videos, voice messages and files read from the export beside the page (or recorded as
/// missing when the export left them out, as Telegram does for media it was told to skip).
public struct TelegramHTMLFormat: ExportFormat {
  public let id = "telegram-html"
  public let title = "Telegram Desktop HTML export (messages*.html)"

  public init() {}

  public func claims(entryPath: String, head: Data) -> Bool {
    let name = (entryPath as NSString).lastPathComponent.lowercased()
    guard Self.isMessagesFileName(name) else { return false }
    if head.isEmpty { return true }
    let text = String(decoding: head.prefix(4096), as: UTF8.self)
    // Telegram's page skeleton; Facebook's and Instagram's message_N.html have other names and
    // markup, so neither the name nor these marks overlap with them.
    return text.contains("page_wrap") || text.contains("page_body chat_page") || text.contains("class=\"history\"")
      || text.contains("message default") || text.contains("message service")
  }

  /// `messages.html` or `messagesN.html`.
  static func isMessagesFileName(_ name: String) -> Bool {
    guard name.hasPrefix("messages"), name.hasSuffix(".html") else { return false }
    let middle = name.dropFirst("messages".count).dropLast(".html".count)
    return middle.allSatisfy { $0.isASCII && $0.isNumber }
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    let (tree, raw) = try HTMLEntry.parse(input)
    guard try tree.node("//div[\(HTMLEntry.hasClass("history"))] | //div[\(HTMLEntry.hasClass("message"))]") != nil else {
      throw CasefileError(.badExport, "this is not a Telegram chat page: it has no history and no messages", location: input.location)
    }
    let folder = Self.chatFolder(input)
    let chatName = try tree.node("//div[\(HTMLEntry.hasClass("page_header"))]//div[\(HTMLEntry.hasClass("text"))]").flatMap { try HTMLEntry.text($0) }
    let thread = chatName ?? folder

    var previousSender: ActorInput?
    var seenAny = false
    let blocks = try tree.nodes("//div[\(HTMLEntry.hasClass("message")) and \(HTMLEntry.hasClass("default"))]")
    for block in blocks {
      var location = input.location
      location.line = block.line
      func fail(_ why: String) -> CasefileError {
        CasefileError(.badExport, "Telegram message \(why)", location: location)
      }
      guard let elementID = block.attribute("id"), elementID.hasPrefix("message"),
        case let number = String(elementID.dropFirst("message".count)), !number.isEmpty
      else { throw fail("has no id=\"messageN\"") }
      guard let body = try block.node("div[\(HTMLEntry.hasClass("body"))]") else { throw fail("\(number) has no body") }

      guard let dateNode = try body.node("div[\(HTMLEntry.hasClass("date"))]"), let dateTitle = dateNode.attribute("title") else {
        throw fail("\(number) has no date title")
      }
      let occurredAt = try Self.parseDate(dateTitle, zone: input.sourceZone, location: location, warn: input.warn)

      let joined = block.attribute("class").map { $0.split(separator: " ").contains("joined") } ?? false
      let sender: ActorInput?
      if let fromNode = try body.node("div[\(HTMLEntry.hasClass("from_name"))]"), let name = try Self.senderName(fromNode) {
        sender = ActorInput(handle: name, displayName: name)
      } else if joined {
        if !seenAny {
          input.warn("message \(number) continues a sender from an earlier file; its sender is left unknown")
        }
        sender = previousSender
      } else {
        sender = nil
      }
      previousSender = sender
      seenAny = true

      var details: [String: String] = [:]
      var text = try body.node("div[\(HTMLEntry.hasClass("text"))]").flatMap { try HTMLEntry.text($0) }
      if let forwarded = try body.node("div[\(HTMLEntry.hasClass("forwarded"))]") {
        if let from = try forwarded.node("div[\(HTMLEntry.hasClass("from_name"))]").flatMap({ try Self.senderName($0) }) {
          details["forwarded_from"] = from
        }
        if text == nil { text = try forwarded.node(".//div[\(HTMLEntry.hasClass("text"))]").flatMap { try HTMLEntry.text($0) } }
      }
      if let reply = try body.node("div[\(HTMLEntry.hasClass("reply_to"))]//a[@href]")?.attribute("href"),
        reply.hasPrefix("#go_to_message")
      {
        details["reply_to"] = "\(folder)/\(reply.dropFirst("#go_to_message".count))"
      }

      var media: [ImportedMedia] = []
      for link in try body.nodes(".//a[@href and (\(HTMLEntry.hasClass("photo_wrap")) or \(HTMLEntry.hasClass("video_file_wrap")) or \(HTMLEntry.hasClass("media_file")) or \(HTMLEntry.hasClass("media_voice_message")) or \(HTMLEntry.hasClass("animated_wrap")))]") {
        guard let href = link.attribute("href"), !href.isEmpty, !href.contains("://") else { continue }
        media.append(ImportedMedia.entry(href, relativeTo: (input.entryPath as NSString).deletingLastPathComponent))
      }

      guard let fragment = raw.element(id: elementID) else { throw fail("\(number): its raw block could not be located in the file") }
      try emit(ImportedMessage(
        format: id, platform: .telegram, kind: .dm, thread: thread, sender: sender, direction: .unknown,
        occurredAt: occurredAt, text: text, platformMessageID: "\(folder)/\(number)", details: details,
        entryPath: input.entryPath, fragment: fragment, media: media))
    }
  }

  /// The name in a `from_name` block, without the `via @bot` or forwarded-date spans after it.
  static func senderName(_ node: XMLNode) throws -> String? {
    let own = try node.nodes("text()").map(\.text).joined()
    let name = own.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    return name.isEmpty ? nil : name
  }

  /// The chat's folder, which makes message numbers unique across chats: the entry's folder, or,
  /// for an entry at the top of the export, the export's own name.
  static func chatFolder(_ input: FormatInput) -> String {
    let parent = (input.entryPath as NSString).deletingLastPathComponent
    if !parent.isEmpty, parent != "." { return (parent as NSString).lastPathComponent }
    let source = input.sourcePath as NSString
    if source.lastPathComponent == (input.entryPath as NSString).lastPathComponent {
      return (source.deletingLastPathComponent as NSString).lastPathComponent
    }
    let name = source.lastPathComponent
    for suffix in [".zip", ".tar.gz", ".tgz"] where name.lowercased().hasSuffix(suffix) {
      return String(name.dropLast(suffix.count))
    }
    return name
  }

  /// Reads `DD.MM.YYYY HH:MM:SS UTC+hh:mm`, or the same without the offset (assumed zone).
  /// A time without an offset that falls in a clock change is read with a warning, never refused.
  static func parseDate(
    _ title: String, zone: TimeZone, location: CasefileError.Location, warn: (String) -> Void
  ) throws -> OccurredAt {
    let trimmed = title.trimmingCharacters(in: .whitespaces)
    let fields = trimmed.split(separator: " ", omittingEmptySubsequences: true)
    let day = fields.first?.split(separator: ".", omittingEmptySubsequences: false) ?? []
    guard fields.count == 2 || fields.count == 3, day.count == 3, day[0].count == 2, day[1].count == 2, day[2].count == 4 else {
      throw CasefileError(.badExport, "Telegram date '\(title)' is not DD.MM.YYYY HH:MM:SS [UTC+hh:mm]", location: location)
    }
    var iso = "\(day[2])-\(day[1])-\(day[0]) \(fields[1])"
    if fields.count == 3 {
      guard fields[2].hasPrefix("UTC") else {
        throw CasefileError(.badExport, "Telegram date '\(title)' has an offset that is not UTC±hh:mm", location: location)
      }
      let offset = fields[2].dropFirst(3)
      iso += offset.isEmpty ? " Z" : " \(offset)"
    }
    do {
      var parsed = try OccurredAt.parseImported(iso, defaultZone: zone, clockChange: { warn(HTMLFragments.line(location) + "'\(title)' \($0)") })
      parsed.original = title
      return parsed
    } catch let error as CasefileError {
      throw CasefileError(.badExport, "Telegram date '\(title)': \(error.message)", location: location)
    }
  }
}
