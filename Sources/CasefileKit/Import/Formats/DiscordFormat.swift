import Foundation

/// Discord's data package: the owner's own messages, one folder per channel. Current packages have
/// `Messages/c<channel id>/messages.json`, an array of `{ID, Timestamp, Contents, Attachments}`;
/// older ones `messages/<channel id>/messages.csv` with the same columns.
///
/// Quirks handled: message ids beyond 2^53, kept exactly as the digits written (a JSON number that
/// a double would round is read from the file's own bytes, never through a number type);
/// `Timestamp` as `YYYY-MM-DD HH:MM:SS` in UTC (older packages add fractions and an offset);
/// `Attachments` as space-separated URLs, kept in the details. The package holds only messages the
/// owner sent, so every item is stored as sent. The thread is the channel's name from
/// `Messages/index.json` (channel id → name, `null` for channels Discord no longer names), or the
/// channel id when the package has no name for it; the id is always in the details. Channel files
/// met before `index.json` are read after the rest of the package (see ``ExportContext``). Each
/// message's raw fragment is its JSON object or CSV record as it stands in the file.
public struct DiscordFormat: ExportFormat {
  public let id = "discord"
  public let title = "Discord data package (Messages/c<channel>/messages.json, or messages/<channel>/messages.csv)"

  public init() {}

  /// The channel id of a `messages.json` or `messages.csv` path, or nil when it is not one.
  static func channel(_ entryPath: String) -> (id: String, isCSV: Bool)? {
    let components = entryPath.split(separator: "/").map(String.init)
    guard components.count >= 3, components[components.count - 3].lowercased() == "messages" else { return nil }
    let name = components[components.count - 1].lowercased()
    var folder = Substring(components[components.count - 2])
    if folder.first == "c" { folder = folder.dropFirst() }
    guard !folder.isEmpty, folder.allSatisfy({ $0.isASCII && $0.isNumber }), name == "messages.json" || name == "messages.csv"
    else { return nil }
    return (String(folder), name.hasSuffix(".csv"))
  }

  /// Whether a path is the package's channel index, `Messages/index.json`.
  static func isIndex(_ entryPath: String) -> Bool {
    let components = entryPath.split(separator: "/")
    return components.count >= 2 && components[components.count - 2].lowercased() == "messages"
      && components[components.count - 1].lowercased() == "index.json"
  }

  /// Facts kept in the ``ExportContext``: whether the index was read, and each channel's name.
  enum Fact {
    static let indexRead = "discord.index"
    static func channelName(_ id: String) -> String { "discord.channel.\(id)" }
  }

  public func claims(entryPath: String, head: Data) -> Bool {
    if Self.isIndex(entryPath) {
      return head.isEmpty || String(decoding: head.prefix(64), as: UTF8.self).drop(while: \.isWhitespace).first == "{"
    }
    guard let channel = Self.channel(entryPath) else { return false }
    if head.isEmpty { return true }
    let text = String(decoding: head.prefix(4096), as: UTF8.self)
    return channel.isCSV ? text.lowercased().hasPrefix("id,timestamp") : text.drop(while: \.isWhitespace).first == "["
  }

  /// The largest file read; it is read whole, once.
  static let maximumBytes = 512 << 20

  public func defers(entryPath: String, head: Data, context: ExportContext) -> Bool {
    !Self.isIndex(entryPath) && context[Fact.indexRead] == nil
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    if Self.isIndex(input.entryPath) { return try readIndex(input) }
    guard let channel = Self.channel(input.entryPath) else {
      throw CasefileError(.badExport, "this is not a Discord channel's messages file", location: input.location)
    }
    let data = try input.readWhole(maximumBytes: Self.maximumBytes, what: "the messages file")
    if channel.isCSV {
      let csv = try CSVRecords(data, location: input.location)
      guard let idColumn = csv.column("ID"), let timeColumn = csv.column("Timestamp") else {
        throw CasefileError(.badExport, "messages.csv lacks the ID or Timestamp column", location: input.location)
      }
      let contents = csv.column("Contents")
      let attachments = csv.column("Attachments")
      for record in csv.records {
        var location = input.location
        location.line = record.line
        func field(_ column: Int?) -> String? {
          guard let column, column < record.fields.count, !record.fields[column].isEmpty else { return nil }
          return record.fields[column]
        }
        try emit(message(
          id: field(idColumn), time: field(timeColumn), text: field(contents), attachments: field(attachments),
          channel: channel.id, fragment: data.subdata(in: (data.startIndex + record.range.lowerBound)..<(data.startIndex + record.range.upperBound)),
          input: input, location: location))
      }
      return
    }
    let ranges = try JSONFragments.ranges(in: data, at: [.anyElement], location: input.location)
    guard data.drop(while: { [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }).first == UInt8(ascii: "[") else {
      throw CasefileError(.badExport, "messages.json is not an array of messages", location: input.location)
    }
    for (range, line) in zip(ranges, JSONFragments.lines(of: ranges, in: data)) {
      var location = input.location
      location.line = line
      let fragment = data.subdata(in: (data.startIndex + range.lowerBound)..<(data.startIndex + range.upperBound))
      guard let object = try? JSONSerialization.jsonObject(with: fragment) as? [String: Any] else {
        throw CasefileError(.badExport, "a Discord message is not a JSON object", location: location)
      }
      try emit(message(
        id: try Self.exactID(fragment, location: location), time: object["Timestamp"] as? String, text: object["Contents"] as? String,
        attachments: object["Attachments"] as? String, channel: channel.id, fragment: fragment, input: input, location: location))
    }
  }

  /// Reads `Messages/index.json`, channel id → name, into the context.
  private func readIndex(_ input: FormatInput) throws {
    let data = try input.readWhole(maximumBytes: 64 << 20, what: "index.json")
    guard let index = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw CasefileError(.badExport, "index.json is not a JSON object of channel ids and names", location: input.location)
    }
    for (id, name) in index {
      if let name = name as? String, !name.isEmpty { input.context[Fact.channelName(id)] = name }
    }
    input.context[Fact.indexRead] = "yes"
  }

  /// The `ID` of a message object as written: the digits of a number (which may be beyond 2^53,
  /// where a double would round it) or the text of a string.
  static func exactID(_ object: Data, location: CasefileError.Location) throws -> String? {
    guard let range = try JSONFragments.ranges(in: object, at: [.key("ID")], location: location).first else { return nil }
    var raw = String(decoding: object[(object.startIndex + range.lowerBound)..<(object.startIndex + range.upperBound)], as: UTF8.self)
    if raw.hasPrefix("\"") { raw = String(raw.dropFirst().dropLast()) }
    return raw.allSatisfy({ $0.isASCII && $0.isNumber }) && !raw.isEmpty ? raw : nil
  }

  private func message(
    id messageID: String?, time: String?, text: String?, attachments: String?, channel: String, fragment: Data,
    input: FormatInput, location: CasefileError.Location
  ) throws -> ImportedMessage {
    guard let messageID else { throw CasefileError(.badExport, "a Discord message has no numeric ID", location: location) }
    guard let time, !time.isEmpty else {
      throw CasefileError(.badExport, "Discord message \(messageID) has no Timestamp", location: location)
    }
    let occurredAt: OccurredAt
    do {
      // Current packages write UTC without saying so; older ones add an offset.
      let hasZone = time.hasSuffix("Z") || time.dropFirst(19).contains("+") || time.dropFirst(19).contains("-")
      var parsed = try OccurredAt.parse(hasZone ? time : time + "Z", defaultZone: input.sourceZone)
      parsed.original = time
      occurredAt = parsed
    } catch let error as CasefileError {
      throw CasefileError(.badExport, "Discord message \(messageID) has an unreadable Timestamp: \(error.message)", location: location)
    }
    var details: [String: String] = ["channel_id": channel]
    let name = input.context[Fact.channelName(channel)]
    if let attachments, !attachments.isEmpty { details["attachments"] = attachments.split(separator: " ").joined(separator: "\n") }
    return ImportedMessage(
      format: id, platform: .discord, kind: .dm, thread: name ?? channel, sender: nil, direction: .sent, occurredAt: occurredAt,
      text: text.flatMap { $0.isEmpty ? nil : $0 }, platformMessageID: messageID, details: details, entryPath: input.entryPath,
      fragment: fragment)
  }
}
