import Foundation

/// Google Voice in Google Takeout: one HTML file per conversation or call under
/// `Takeout/Voice/Calls/`, named `<name or number> - <Type> - <UTC stamp>.html`, where the type is
/// `Text`, `Received`, `Placed`, `Missed`, `Voicemail` or `Recorded`; group texts are
/// `Group Conversation - <UTC stamp>.html`.
///
/// - Texts: each `div.message` of the `div.hChatLog` is one message: the time in the `title` of
///   `abbr.dt` (ISO 8601 with an offset, so stated), the sender in `cite.sender` (`a.tel` with a
///   `tel:` number and the name in `.fn`), the text in `q` with `<br>` kept as a line break. The
///   owner's own messages are signed "Me": they are stored as sent, with no sender. Pictures are
///   `img src` values WITHOUT an extension, matched to the file of that name with any extension
///   in the same folder.
/// - Calls and voicemail: the `div.haudio` block: the other party's `a.tel`, the time in
///   `abbr.published`, the length in `abbr.duration` (`PT1M3S`), and a voicemail's transcript in
///   `.full-text`, with its recording (`audio src`) when Takeout included it.
///
/// Each message's raw fragment is its `div.message` (or `div.haudio`) block, cut from the file's
/// own bytes with ``HTMLFragments``. The files carry no message ids, so identity is the hash of
/// (format, thread, sender, time, text) that formats.md describes.
public struct GoogleVoiceFormat: ExportFormat {
  public let id = "google-voice"
  public let title = "Google Voice in Google Takeout (Takeout/Voice/Calls/*.html: texts, calls, voicemail)"

  /// The kinds of file, from the middle of the file name.
  enum FileType: String {
    case text = "Text"
    case received = "Received"
    case placed = "Placed"
    case missed = "Missed"
    case voicemail = "Voicemail"
    case recorded = "Recorded"
    case group = "Group Conversation"
  }

  public init() {}

  public func claims(entryPath: String, head: Data) -> Bool {
    guard Self.fileType(entryPath) != nil else { return false }
    let components = entryPath.split(separator: "/").map { $0.lowercased() }
    guard components.count >= 3, components[components.count - 3] == "voice", components[components.count - 2] == "calls"
    else { return false }
    if head.isEmpty { return true }
    let text = String(decoding: head.prefix(4096), as: UTF8.self)
    return text.contains("hChatLog") || text.contains("haudio") || text.contains("<html")
  }

  /// The type of a `Voice/Calls` file from its name, or nil when it is not one.
  static func fileType(_ entryPath: String) -> FileType? {
    let name = (entryPath as NSString).lastPathComponent
    guard name.lowercased().hasSuffix(".html") else { return nil }
    let stem = name.dropLast(".html".count)
    if stem.hasPrefix(FileType.group.rawValue + " - ") { return .group }
    let parts = stem.components(separatedBy: " - ")
    guard parts.count >= 3 else { return nil }
    return FileType(rawValue: parts[parts.count - 2])
  }

  /// The conversation: the name or number the file is named after, or the group file's stem.
  static func thread(_ entryPath: String, type: FileType) -> String {
    let stem = String(((entryPath as NSString).lastPathComponent as NSString).deletingPathExtension)
    guard type != .group else { return stem }
    let parts = stem.components(separatedBy: " - ")
    return parts.dropLast(2).joined(separator: " - ")
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    guard let type = Self.fileType(input.entryPath) else {
      throw CasefileError(
        .badExport, "this is not a Google Voice file: its name is not '<name> - <Text|Received|Placed|Missed|Voicemail|Recorded> - <time>.html'",
        location: input.location)
    }
    let (tree, raw) = try HTMLEntry.parse(input)
    let thread = Self.thread(input.entryPath, type: type)
    let folder = (input.entryPath as NSString).deletingLastPathComponent
    switch type {
    case .text, .group:
      try texts(tree, raw: raw, input: input, thread: thread, folder: folder, emit: emit)
    case .received, .placed, .missed, .voicemail, .recorded:
      try call(tree, raw: raw, type: type, input: input, thread: thread, folder: folder, emit: emit)
    }
  }

  private func texts(
    _ tree: XMLTree, raw: HTMLFragments, input: FormatInput, thread: String, folder: String,
    emit: (ImportedMessage) throws -> Void
  ) throws {
    guard try tree.node("//div[\(HTMLEntry.hasClass("hChatLog"))]") != nil else {
      throw CasefileError(.badExport, "this Google Voice text file has no div.hChatLog conversation", location: input.location)
    }
    // Every div whose class has the token `message`, in document order, both in the tree and
    // among the file's raw start tags: the n-th of one is the n-th of the other. Only those inside
    // the chat log are messages.
    let rawStarts = raw.startTags(named: "div", classTokens: ["message"])
    let allBlocks = try tree.nodes("//div[\(HTMLEntry.hasClass("message"))]")
    for (position, block) in allBlocks.enumerated() {
      guard try block.node("ancestor::div[\(HTMLEntry.hasClass("hChatLog"))]") != nil else { continue }
      var location = input.location
      location.line = block.line
      func fail(_ why: String) -> CasefileError {
        CasefileError(.badExport, "Google Voice message \(why)", location: location)
      }
      guard let title = try block.node("abbr[\(HTMLEntry.hasClass("dt"))]")?.attribute("title") else {
        throw fail("has no time (abbr.dt with a title)")
      }
      let occurredAt = try Self.time(title, zone: input.sourceZone, location: location, warn: input.warn)
      guard let cite = try block.node("cite[\(HTMLEntry.hasClass("sender"))]") else { throw fail("has no sender (cite.sender)") }
      let number = try cite.node(".//a[\(HTMLEntry.hasClass("tel"))]")?.attribute("href").map(Self.number)
      let name = try cite.node(".//*[\(HTMLEntry.hasClass("fn"))]").flatMap { try HTMLEntry.text($0) }
      let isOwner = name == "Me"
      let text = try block.node("q").flatMap { try HTMLEntry.text($0) }
      var media: [ImportedMedia] = []
      for image in try block.nodes(".//img[@src]") {
        guard let src = image.attribute("src"), !src.isEmpty else { continue }
        media.append(ImportedMedia.entry(src, relativeTo: folder, anyExtension: true))
      }
      for link in try block.nodes(".//a[@href and not(\(HTMLEntry.hasClass("tel")))] | .//audio[@src] | .//video[@src]") {
        guard let target = link.attribute("href") ?? link.attribute("src"), !target.isEmpty, !target.contains(":") else { continue }
        media.append(ImportedMedia.entry(target, relativeTo: folder, anyExtension: !target.contains(".")))
      }
      guard allBlocks.count == rawStarts.count, let fragment = raw.element(at: rawStarts[position])
      else { throw fail("could not be located in the file's own bytes") }
      try emit(ImportedMessage(
        format: id, platform: .sms, kind: media.isEmpty ? .sms : .mms, thread: thread,
        sender: isOwner ? nil : Self.actor(number: number, name: name), direction: isOwner ? .sent : .received,
        occurredAt: occurredAt, text: text, details: ["service": "google-voice"], entryPath: input.entryPath,
        fragment: fragment, media: media))
    }
  }

  private func call(
    _ tree: XMLTree, raw: HTMLFragments, type: FileType, input: FormatInput, thread: String, folder: String,
    emit: (ImportedMessage) throws -> Void
  ) throws {
    guard let block = try tree.node("//div[\(HTMLEntry.hasClass("haudio"))]") else {
      throw CasefileError(.badExport, "this Google Voice call file has no div.haudio block", location: input.location)
    }
    var location = input.location
    location.line = block.line
    guard let title = try block.node(".//abbr[\(HTMLEntry.hasClass("published"))]")?.attribute("title") else {
      throw CasefileError(.badExport, "the Google Voice call has no time (abbr.published with a title)", location: location)
    }
    let occurredAt = try Self.time(title, zone: input.sourceZone, location: location, warn: input.warn)
    let tel = try block.node(".//a[\(HTMLEntry.hasClass("tel"))]")
    let number = tel?.attribute("href").map(Self.number)
    let name = try tel?.node(".//*[\(HTMLEntry.hasClass("fn"))]").flatMap { try HTMLEntry.text($0) }
    var details = ["service": "google-voice", "call_type": type.rawValue.lowercased()]
    if let duration = try block.node(".//abbr[\(HTMLEntry.hasClass("duration"))]")?.attribute("title") {
      details["duration"] = duration
    }
    let transcript = try block.node(".//*[\(HTMLEntry.hasClass("full-text"))]").flatMap { try HTMLEntry.text($0) }
    var media: [ImportedMedia] = []
    for audio in try block.nodes(".//audio[@src] | .//audio/source[@src]") {
      guard let src = audio.attribute("src"), !src.isEmpty, !src.contains(":") else { continue }
      media.append(ImportedMedia.entry(src, relativeTo: folder, anyExtension: !src.contains(".")))
    }
    guard let start = raw.startTags(named: "div", classTokens: ["haudio"]).first, let fragment = raw.element(at: start) else {
      throw CasefileError(.badExport, "the Google Voice call could not be located in the file's own bytes", location: location)
    }
    // A placed call went from the doctor; a recorded one may have gone either way.
    let outgoing = type == .placed
    try emit(ImportedMessage(
      format: id, platform: .sms, kind: type == .voicemail ? .voicemail : .call, thread: thread,
      sender: outgoing ? nil : Self.actor(number: number, name: name), recipients: outgoing ? [number ?? name ?? thread] : [],
      direction: outgoing ? .sent : type == .recorded ? .unknown : .received, occurredAt: occurredAt, text: transcript, details: details,
      entryPath: input.entryPath, fragment: fragment, media: media))
  }

  /// The number of a `tel:` link, or the link as it is when it is not one.
  static func number(_ href: String) -> String {
    href.lowercased().hasPrefix("tel:") ? String(href.dropFirst(4)) : href
  }

  /// The other party: by number where there is one (numbers match across files), with the name
  /// shown beside it.
  static func actor(number: String?, name: String?) -> ActorInput? {
    if let number, !number.isEmpty { return ActorInput(handle: number, displayName: name) }
    return name.map { ActorInput(handle: $0, displayName: $0) }
  }

  /// An ISO 8601 time from a `title`; with an offset it is stated, without one it is read in the
  /// source zone and recorded as assumed (a clock-change time with a warning, never refused).
  static func time(
    _ title: String, zone: TimeZone, location: CasefileError.Location, warn: (String) -> Void
  ) throws -> OccurredAt {
    do {
      return try OccurredAt.parseImported(
        title.trimmingCharacters(in: .whitespaces), defaultZone: zone, clockChange: { warn(HTMLFragments.line(location) + "'\(title)' \($0)") })
    } catch let error as CasefileError {
      throw CasefileError(.badExport, "Google Voice time '\(title)': \(error.message)", location: location)
    }
  }
}
