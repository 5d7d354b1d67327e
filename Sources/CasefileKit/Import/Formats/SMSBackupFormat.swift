import Foundation

/// SMS Backup & Restore (Android): `sms-*.xml` with `<sms>` and `<mms>` records, and
/// `calls-*.xml` with `<call>` records. All the data sits in attributes.
///
/// Files run to gigabytes with multi-megabyte base64 attributes, so it streams: libxml2's reader
/// for the values, and ``XMLFragmentScanner`` beside it for each record's exact bytes.
///
/// Quirks handled: the literal string `null` for missing values; `(Unknown)` as a contact name;
/// epoch milliseconds (and seconds, where an MMS `date` is that small); `~`-joined group addresses;
/// the SMIL part (`seq="-1"`) skipped; sender and recipients of an MMS from its `addrs` (137 and
/// 151); base64 media parts decoded into blobs; surrogate-pair emoji references repaired;
/// `readable_date` never parsed.
public struct SMSBackupFormat: ExportFormat {
  public let id = "sms-backup"
  public let title = "SMS Backup & Restore (sms-*.xml, calls-*.xml)"

  public init() {}

  public func claims(entryPath: String, head: Data) -> Bool {
    let name = (entryPath as NSString).lastPathComponent.lowercased()
    let text = String(decoding: head.prefix(4096), as: UTF8.self)
    let rootIsOurs = text.contains("<smses") || text.contains("<calls")
    if name.hasSuffix(".xml") && (name.hasPrefix("sms-") || name.hasPrefix("calls-")) { return rootIsOurs || head.isEmpty }
    return name.hasSuffix(".xml") && rootIsOurs
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    var scanner = XMLFragmentScanner(depth: 1)
    let reader = try XMLStreamReader(location: input.location) { max in
      guard let chunk = try input.read(max) else { return nil }
      scanner.push(chunk)
      return chunk
    }
    var open: Record?
    var sawRoot = false
    while try reader.next() {
      switch reader.nodeType {
      case .element:
        switch reader.depth {
        case 0:
          guard reader.localName == "smses" || reader.localName == "calls" else {
            throw CasefileError(
              .badExport, "this is not an SMS Backup & Restore file: its root is <\(reader.localName)>", location: reader.here)
          }
          sawRoot = true
        case 1:
          let name = reader.localName
          let record = Record(name: name, attributes: Self.attributes(reader, Self.recordAttributes[name]), line: reader.here.line)
          if reader.isEmptyElement {
            try finish(record, fragment: nextFragment(&scanner, reader), input: input, emit: emit)
          } else {
            open = record
          }
        default:
          if open != nil, reader.localName == "part" {
            open!.parts.append(Self.attributes(reader, Self.partAttributes))
          } else if open != nil, reader.localName == "addr" {
            open!.addrs.append(Self.attributes(reader, Self.addrAttributes))
          }
        }
      case .endElement where reader.depth == 1:
        if let record = open {
          open = nil
          try finish(record, fragment: nextFragment(&scanner, reader), input: input, emit: emit)
        }
      default:
        break
      }
    }
    guard sawRoot else {
      throw CasefileError(.badExport, "the file holds no <smses> or <calls> element", location: input.location)
    }
  }

  /// One `<sms>`, `<mms>` or `<call>` with what was read inside it.
  struct Record {
    var name: String
    var attributes: [String: String]
    var line: Int?
    var parts: [[String: String]] = []
    var addrs: [[String: String]] = []
  }

  /// The attributes each element's reading uses; the rest are never turned into strings.
  static let recordAttributes: [String: AttributeNames] = [
    "sms": AttributeNames(["address", "date", "type", "body", "contact_name"]),
    "mms": AttributeNames(["address", "date", "msg_box", "contact_name"]),
    "call": AttributeNames(["number", "date", "type", "duration", "contact_name"]),
  ]
  static let partAttributes = AttributeNames(["seq", "ct", "name", "cl", "text", "data"])
  static let addrAttributes = AttributeNames(["address", "type"])

  /// The named attributes that have a value: the app writes `null` or nothing for missing ones.
  static func attributes(_ reader: XMLStreamReader, _ names: AttributeNames?) -> [String: String] {
    guard let names else { return [:] }
    var out: [String: String] = [:]
    for (name, value) in zip(names.names, reader.attributes(names)) {
      if let value, value != "null", !value.isEmpty { out[name] = value }
    }
    return out
  }

  private func nextFragment(_ scanner: inout XMLFragmentScanner, _ reader: XMLStreamReader) throws -> Data {
    guard let fragment = scanner.nextFragment() else {
      throw CasefileError(.internalError, "the record's raw bytes could not be located", location: reader.here)
    }
    return fragment
  }

  private func finish(_ record: Record, fragment: Data, input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    var location = input.location
    location.line = record.line
    let attrs = record.attributes
    func fail(_ why: String) -> CasefileError {
      CasefileError(.badExport, "<\(record.name)> \(why)", location: location)
    }
    guard let dateText = attrs["date"], let date = Int64(dateText) else { throw fail("has no usable date") }
    let occurredAt = Self.epoch(dateText, date)
    switch record.name {
    case "sms":
      let type = attrs["type"] ?? ""
      let direction = Self.smsDirection(type)
      let address = attrs["address"]
      try emit(ImportedMessage(
        format: id, platform: .sms, kind: .sms, thread: address,
        sender: direction == .received ? address.map { ActorInput(handle: $0, displayName: Self.contact(attrs)) } : nil,
        recipients: direction == .received ? [] : address.map { [$0] } ?? [], direction: direction,
        occurredAt: occurredAt, text: attrs["body"],
        details: ["sms_type": type].filter { !$0.value.isEmpty }, entryPath: input.entryPath, fragment: fragment))
    case "mms":
      let box = attrs["msg_box"] ?? ""
      let direction: Direction = box == "1" ? .received : box == "2" ? .sent : box.isEmpty ? .unknown : .unsent
      let address = attrs["address"]
      let senderAddress = record.addrs.first { $0["type"] == "137" }?["address"]
        ?? (direction == .received && !(address ?? "").contains("~") ? address : nil)
      let recipients = record.addrs.filter { $0["type"] == "151" }.compactMap { $0["address"] }
      var texts: [String] = []
      var media: [ImportedMedia] = []
      for part in record.parts where part["seq"] != "-1" {
        let type = (part["ct"] ?? "application/octet-stream").lowercased()
        if type == "application/smil" { continue }
        if type.hasPrefix("text/plain") {
          if let text = part["text"] { texts.append(text) }
          continue
        }
        let name = part["name"] ?? part["cl"] ?? "part-\(part["seq"] ?? String(media.count))"
        if let data = part["data"] {
          if let bytes = Data(base64Encoded: data, options: .ignoreUnknownCharacters) {
            media.append(ImportedMedia(name: name, mediaType: type, content: .inline(bytes)))
          } else {
            media.append(ImportedMedia(name: name, mediaType: type, content: .missing(reference: "\(name): the base64 data could not be decoded")))
          }
        } else {
          media.append(ImportedMedia(name: name, mediaType: type, content: .missing(reference: "\(name): no data in the backup")))
        }
      }
      try emit(ImportedMessage(
        format: id, platform: .sms, kind: .mms, thread: address,
        sender: direction == .received ? senderAddress.map { ActorInput(handle: $0, displayName: Self.contact(attrs)) } : nil,
        recipients: recipients, direction: direction, occurredAt: occurredAt,
        text: texts.isEmpty ? nil : texts.joined(separator: "\n"), details: ["msg_box": box].filter { !$0.value.isEmpty },
        entryPath: input.entryPath, fragment: fragment, media: media))
    case "call":
      let type = attrs["type"] ?? ""
      let number = attrs["number"]
      let outgoing = type == "2"
      try emit(ImportedMessage(
        format: id, platform: .sms, kind: type == "4" ? .voicemail : .call, thread: number,
        sender: outgoing ? nil : number.map { ActorInput(handle: $0, displayName: Self.contact(attrs)) },
        recipients: outgoing ? number.map { [$0] } ?? [] : [], direction: outgoing ? .sent : .received,
        occurredAt: occurredAt, text: nil,
        details: ["call_type": Self.callTypes[type] ?? type, "duration_seconds": attrs["duration"] ?? ""].filter { !$0.value.isEmpty },
        entryPath: input.entryPath, fragment: fragment))
    default:
      break  // Unknown records are skipped; their bytes were consumed with the rest.
    }
  }

  static let callTypes = ["1": "incoming", "2": "outgoing", "3": "missed", "4": "voicemail", "5": "rejected", "6": "blocked"]

  static func smsDirection(_ type: String) -> Direction {
    switch type {
    case "1": .received
    case "2": .sent
    case "3", "4", "5", "6": .unsent
    default: .unknown
    }
  }

  /// The contact name, unless the app wrote "(Unknown)".
  static func contact(_ attrs: [String: String]) -> String? {
    guard let name = attrs["contact_name"], name != "(Unknown)" else { return nil }
    return name
  }

  /// An epoch time in milliseconds, or in seconds when the number is too small to be
  /// milliseconds after 1973. The unit is kept as the zone, beside the original digits.
  static func epoch(_ text: String, _ value: Int64) -> OccurredAt {
    if value < 100_000_000_000 {
      return OccurredAt(utc: Date(timeIntervalSince1970: Double(value)), original: text, zone: "epoch-s", zoneSource: .stated)
    }
    return OccurredAt(utc: Date(timeIntervalSince1970: Double(value) / 1000), original: text, zone: "epoch-ms", zoneSource: .stated)
  }
}
