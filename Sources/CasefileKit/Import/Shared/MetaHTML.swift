import Foundation

/// What Facebook's and Instagram's HTML message pages share: where they live, how they are told
/// apart, the structure of a message block, their localised times and the exact bytes of a block.
///
/// Both platforms come from the same Meta exporter, so the pages have the same ancestry: each
/// message is an element whose children are, in order, a sender block, one or more content blocks
/// and a time block. Class names are generated and change between eras, so none is relied on.
enum MetaHTMLPage {
  /// The sections a messages folder holds.
  static let sections: Set<String> = ["inbox", "archived_threads", "filtered_threads", "message_requests"]

  /// Which platform's message page an entry is, or nil when it is not one.
  ///
  /// The path must be `…/messages/<section>/<thread>/message_N.html` and the head must be HTML.
  /// Then, in this order:
  /// 1. a folder before `messages` whose name contains `instagram` (`your_instagram_activity`, or
  ///    an unpacked export folder) makes it Instagram; one containing `facebook`
  ///    (`your_facebook_activity`, `your_activity_across_facebook`) makes it Facebook;
  /// 2. otherwise (the older `messages/inbox/…` layout, the same on both platforms) the head decides:
  ///    the word `instagram` in the page's preamble, the part before the main region (`role="main"`
  ///    or `<main`), where Instagram's pages carry their title, logo and links, makes it Instagram;
  ///    anything else is Facebook. Message text is never looked at, because it sits after that point.
  static func platform(entryPath: String, head: Data) -> Platform? {
    guard thread(entryPath: entryPath) != nil, isHTML(head) else { return nil }
    let components = entryPath.split(separator: "/").map { $0.lowercased() }
    let before = components.prefix(components.count - 4)
    if before.contains(where: { $0.contains("instagram") }) { return .instagram }
    if before.contains(where: { $0.contains("facebook") }) { return .facebook }
    let text = String(decoding: head, as: UTF8.self).lowercased()
    let mainStart = [text.range(of: "role=\"main\""), text.range(of: "role='main'"), text.range(of: "<main")]
      .compactMap { $0?.lowerBound }.min() ?? text.endIndex
    return text[..<mainStart].contains("instagram") ? .instagram : .facebook
  }

  /// The thread folder of a `…/messages/<section>/<thread>/message_N.html` path, or nil when the
  /// path is not shaped like that.
  /// `fileExtension` is `.html` for the HTML variant and `.json` for the JSON one, which share
  /// the folders.
  static func thread(entryPath: String, fileExtension: String = ".html") -> String? {
    let components = entryPath.split(separator: "/", omittingEmptySubsequences: true)
    guard components.count >= 4 else { return nil }
    let name = components[components.count - 1].lowercased()
    let number = name.dropFirst("message_".count).dropLast(fileExtension.count)
    guard name.hasPrefix("message_"), name.hasSuffix(fileExtension), !number.isEmpty, number.allSatisfy(\.isASCII),
      number.allSatisfy(\.isNumber),
      sections.contains(components[components.count - 3].lowercased()),
      components[components.count - 4].lowercased() == "messages"
    else { return nil }
    return String(components[components.count - 2])
  }

  /// Whether the first bytes look like an HTML page.
  static func isHTML(_ head: Data) -> Bool {
    let text = String(decoding: head.prefix(4096), as: UTF8.self).lowercased()
    return text.contains("<html") || text.contains("<!doctype html") || text.contains("<head")
  }
}

/// Reads one Facebook or Instagram HTML message page.
struct MetaHTMLReader {
  let format: String
  let platform: Platform
  /// The platform's name, for messages.
  let platformName: String

  /// One message block found in the tree, with the raw start tag it came from.
  struct Block {
    var container: XMLNode
    var sender: XMLNode
    var content: [XMLNode]
    var time: XMLNode
    /// Which element of its name this is, in document order (0 = the first `<div>` of the page).
    var ordinal: Int
  }

  func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    let (tree, raw) = try HTMLEntry.parse(input)
    guard let root = tree.root else {
      throw CasefileError(.badExport, "the \(platformName) HTML page has no content", location: input.location)
    }
    let hasRegion = try !tree.nodes("//*[@role='main'] | //main").isEmpty
    let blocks = Self.findBlocks(root: root, hasRegion: hasRegion)
    guard !blocks.isEmpty else {
      throw CasefileError(
        .badExport, "no message blocks were found: this is not a \(platformName) message page, or its markup is one casefile does not know",
        location: input.location)
    }
    let thread = MetaHTMLPage.thread(entryPath: input.entryPath)
    for (index, block) in blocks.enumerated() {
      var location = input.location
      location.line = block.container.line
      let next = index + 1 < blocks.count ? blocks[index + 1] : nil
      guard let tagIndex = raw.startTag(named: block.container.name.lowercased(), ordinal: block.ordinal),
        block.container.attribute("class").map({ expected in
          // The class as written may hold entities that the tree decoded; compare only plain ones.
          raw.tags[tagIndex].attributes["class"].map { $0.contains("&") || $0 == expected } ?? false
        }) ?? true
      else {
        throw CasefileError(
          .internalError, "the raw bytes of the message block could not be located: the tags in the file and the parsed page disagree",
          location: location)
      }
      let nextStart = next.flatMap { raw.startTag(named: $0.container.name.lowercased(), ordinal: $0.ordinal) }.map { raw.tags[$0].start }
      let fragment = raw.block(at: tagIndex, nextStart: nextStart, location: location, warn: input.warn)

      let timeText = block.time.text
      var timeLocation = input.location
      timeLocation.line = block.time.line
      let parsed = try MetaHTMLTime.parse(timeText, zone: input.sourceZone, location: timeLocation)
      if let warning = parsed.warning { input.warn(HTMLFragments.line(timeLocation) + warning) }

      let sender = block.sender.text.trimmingCharacters(in: .whitespacesAndNewlines)
      var content = MetaHTMLContent()
      for node in block.content { try content.collect(node) }
      var details: [String: String] = [:]
      if !content.reactions.isEmpty { details["reactions"] = content.reactions.joined(separator: "; ") }
      try emit(ImportedMessage(
        format: format, platform: platform, kind: .dm, thread: thread,
        sender: sender.isEmpty ? nil : ActorInput(handle: sender), direction: .unknown,
        occurredAt: parsed.occurredAt, text: content.text, url: content.links.first, details: details,
        entryPath: input.entryPath, fragment: fragment,
        media: content.media.map { ImportedMedia.entry($0, relativeTo: (input.entryPath as NSString).deletingLastPathComponent) }))
    }
  }

  /// Walks the tree in document order, numbering the elements of each name, and picks the
  /// outermost elements that have the shape of a message block inside the main region: the first
  /// element with `role="main"` or named `main`, or the whole page when there is none.
  static func findBlocks(root: XMLNode, hasRegion: Bool) -> [Block] {
    var counts: [String: Int] = [:]
    var blocks: [Block] = []
    var sawRegion = false
    // An explicit stack: (node, inside the region, inside a block already found).
    var stack: [(XMLNode, Bool, Bool)] = [(root, !hasRegion, false)]
    while let (node, inRegion, inBlock) = stack.popLast() {
      let name = node.name.lowercased()
      let ordinal = counts[name, default: 0]
      counts[name] = ordinal + 1
      var nowInRegion = inRegion
      if hasRegion, !sawRegion, name == "main" || node.attribute("role")?.lowercased() == "main" {
        sawRegion = true
        nowInRegion = true
      }
      var nowInBlock = inBlock
      if nowInRegion, !inBlock, nowInRegion == inRegion, var block = shape(node) {
        block.ordinal = ordinal
        blocks.append(block)
        nowInBlock = true
      }
      for child in node.elements.reversed() { stack.append((child, nowInRegion, nowInBlock)) }
    }
    return blocks
  }

  /// The element as a message block, when its children are a sender, content and a time.
  ///
  /// - sender: the first child, a heading (`h1`–`h6`) or an element with text and no element
  ///   children;
  /// - time: the last child, a `footer` or `time`, or an element with no element children; its
  ///   text holds a digit;
  /// - content: every child between them, at least one.
  static func shape(_ node: XMLNode) -> Block? {
    let name = node.name.lowercased()
    guard ["div", "section", "article", "li"].contains(name) else { return nil }
    let children = node.elements
    guard children.count >= 3, let first = children.first, let last = children.last else { return nil }
    let firstName = first.name.lowercased()
    let isHeading = firstName.count == 2 && firstName.hasPrefix("h") && ("1"..."6").contains(firstName.suffix(1))
    guard isHeading || first.elements.isEmpty,
      !first.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    else { return nil }
    let lastName = last.name.lowercased()
    guard lastName == "footer" || lastName == "time" || last.elements.isEmpty,
      last.text.contains(where: { $0.isASCII && $0.isNumber })
    else { return nil }
    return Block(container: node, sender: first, content: Array(children.dropFirst().dropLast()), time: last, ordinal: 0)
  }
}

/// The text, links, media references and reactions of a message's content blocks.
struct MetaHTMLContent {
  /// Paragraphs, one per block-level element that holds text directly.
  private var paragraphs: [String] = []
  private var current = ""
  private(set) var links: [String] = []
  private(set) var media: [String] = []
  private(set) var reactions: [String] = []

  static let blockElements: Set<String> = [
    "div", "p", "section", "article", "header", "footer", "main", "li", "table", "tr", "td", "blockquote", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6",
  ]

  /// The text: each paragraph trimmed of its outer whitespace, `<br>` as a line break, the file's
  /// own newlines kept; nil when there is none.
  var text: String? {
    var all = paragraphs
    if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { all.append(current) }
    let text = all.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.joined(separator: "\n")
    return text.isEmpty ? nil : text
  }

  mutating func collect(_ node: XMLNode) throws {
    let name = node.name.lowercased()
    switch name {
    case "#text":
      current += node.text
      return
    case "br":
      current += "\n"
      return
    case "script", "style":
      return
    case "ul", "ol":
      // The reactions list under a message: kept apart from the text.
      flush()
      for item in try node.nodes(".//li") {
        let reaction = item.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !reaction.isEmpty { reactions.append(reaction) }
      }
      return
    default:
      break
    }
    for attribute in ["src", "href"] {
      guard let value = node.attribute(attribute)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { continue }
      if Self.isWebLink(value) {
        if name == "a", !links.contains(value) { links.append(value) }
      } else if !value.hasPrefix("#"), !value.contains(":"), !media.contains(value) {
        media.append(value)
      }
    }
    let isBlock = Self.blockElements.contains(name)
    if isBlock { flush() }
    for child in try node.nodes("node()") { try collect(child) }
    if isBlock { flush() }
  }

  private mutating func flush() {
    if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { paragraphs.append(current) }
    current = ""
  }

  static func isWebLink(_ value: String) -> Bool {
    let lower = value.lowercased()
    return lower.hasPrefix("http://") || lower.hasPrefix("https://")
  }
}

/// The localised times of Meta's HTML pages, which carry no zone.
///
/// Accepted (English month names, full or short; any weekday, `at`, commas and the narrow
/// no-break space before `pm` are ignored; seconds optional; `am`/`pm` or a 24-hour clock):
/// - `Nov 20, 2026 8:30:00 pm`, `Nov 20, 2026, 8:30 PM`
/// - `20 Nov 2026, 20:30`, `20 November 2026 20:30:00`
/// - `Friday, 20 November 2026 at 20:30`, `Friday, November 20, 2026 at 8:30 PM`
/// - `2026-11-20 20:30:00`
/// - any of these followed by `UTC+01`, `UTC-05:30` or `UTC`, as some older pages wrote: then the
///   zone is stated, not assumed.
///
/// A time without a zone is read in the source zone and recorded as assumed. A wall-clock time that
/// does not exist there (the spring gap) is read with the offset in force before the change; one
/// that happens twice (the autumn overlap) is read as the earlier instant. Both say so in a warning.
enum MetaHTMLTime {
  static let months: [String: Int] = [
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
  ]
  static let weekdays: Set<String> = [
    "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs", "thursday", "fri", "friday",
    "sat", "saturday", "sun", "sunday",
  ]

  static func parse(_ original: String, zone: TimeZone, location: CasefileError.Location) throws -> (
    occurredAt: OccurredAt, warning: String?
  ) {
    func fail(_ why: String) -> CasefileError {
      // The block is found by its shape, so what stands in the time's place could be message text:
      // it is never quoted, only located.
      CasefileError(.badExport, "the message time could not be read: \(why)", location: location)
    }
    var tokens = original.lowercased()
      .map { $0.isWhitespace || $0 == "," ? " " : $0 }
      .split(separator: " ").map { String($0) }
    tokens = tokens.filter { $0 != "at" }
    if let first = tokens.first, weekdays.contains(first.trimmingCharacters(in: ["."])) { tokens.removeFirst() }
    // A stated zone at the end: UTC, UTC+01, UTC-05:30, GMT+1.
    var offset: Int?
    if let last = tokens.last, last.hasPrefix("utc") || last.hasPrefix("gmt") {
      let rest = String(last.dropFirst(3))
      if rest.isEmpty {
        offset = 0
      } else if let parsed = parseOffset(rest) {
        offset = parsed
      } else {
        throw fail("what follows UTC or GMT is not a zone offset")
      }
      tokens.removeLast()
    }
    // am / pm, alone or stuck to the clock.
    var meridiem: String?
    if let last = tokens.last {
      let bare = last.replacingOccurrences(of: ".", with: "")
      if bare == "am" || bare == "pm" {
        meridiem = bare
        tokens.removeLast()
      } else if bare.hasSuffix("am") || bare.hasSuffix("pm"), bare.dropLast(2).contains(":") {
        meridiem = String(bare.suffix(2))
        tokens[tokens.count - 1] = String(bare.dropLast(2))
      }
    }
    guard let clock = tokens.popLast(), clock.contains(":") else { throw fail("there is no time of day") }
    var year = 0
    var month = 0
    var day = 0
    let dateTokens = tokens.map { $0.trimmingCharacters(in: ["."]) }
    func number(_ text: String) -> Int? {
      var digits = Substring(text)
      for suffix in ["st", "nd", "rd", "th"] where digits.hasSuffix(suffix) { digits = digits.dropLast(2) }
      guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
      return Int(digits)
    }
    if dateTokens.count == 1 {
      let fields = dateTokens[0].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
      guard fields.count == 3, fields[0].count == 4, let y = number(fields[0]), let m = number(fields[1]), let d = number(fields[2])
      else { throw fail("the date is not one casefile knows") }
      (year, month, day) = (y, m, d)
    } else if dateTokens.count == 3 {
      if let m = months[dateTokens[0]], let d = number(dateTokens[1]), let y = number(dateTokens[2]) {
        (year, month, day) = (y, m, d)
      } else if let d = number(dateTokens[0]), let m = months[dateTokens[1]], let y = number(dateTokens[2]) {
        (year, month, day) = (y, m, d)
      } else {
        throw fail("the date is not one casefile knows (English month names only)")
      }
    } else {
      throw fail("the date is not one casefile knows")
    }
    guard (1000...9999).contains(year), (1...12).contains(month), day >= 1, day <= CalendarDay.daysIn(month: month, year: year)
    else { throw fail("there is no such day") }

    let fields = clock.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard fields.count == 2 || fields.count == 3, (1...2).contains(fields[0].count),
      fields.dropFirst().allSatisfy({ $0.count == 2 }),
      fields.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
      var hour = Int(fields[0]), let minute = Int(fields[1]), minute < 60
    else { throw fail("the time of day must be H:MM or H:MM:SS") }
    let second = fields.count == 3 ? Int(fields[2])! : 0
    guard second < 60 else { throw fail("the seconds must be 00 to 59") }
    if let meridiem {
      guard (1...12).contains(hour) else { throw fail("a 12-hour clock runs from 1 to 12") }
      hour = hour % 12 + (meridiem == "pm" ? 12 : 0)
    } else {
      guard hour < 24 else { throw fail("the hour must be 0 to 23") }
    }

    guard let asUTC = UTCStamp.instant(year: year, month: month, day: day, hour: hour, minute: minute, second: second) else {
      throw fail("there is no such time")
    }
    if let offset {
      return (
        OccurredAt(utc: asUTC.addingTimeInterval(-Double(offset)), original: original, zone: OccurredAt.formatOffset(offset), zoneSource: .stated),
        nil
      )
    }
    let (instant, warning) = OccurredAt.wallClockInstant(asUTC, in: zone)
    return (OccurredAt(utc: instant, original: original, zone: zone.identifier, zoneSource: .assumed), warning.map { "'\(original)' \($0)" })
  }

  /// Reads `+01`, `+1`, `+0100`, `+01:00` or `-05:30`: the CLI's offsets, plus a one-digit hour.
  static func parseOffset(_ text: String) -> Int? {
    let oneDigitHour = text.count == 2 && text.last?.isNumber == true
    return OccurredAt.parseOffset(oneDigitHour ? String(text.prefix(1)) + "0" + String(text.suffix(1)) : text)
  }
}
