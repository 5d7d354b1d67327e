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
    // libxml2 parses on a worker thread and sends back the records' values; this thread reads
    // the file, cuts the raw fragments from the original bytes, repairs surrogate references
    // for the parser, and makes and hands on the messages, in document order.
    var scanner = XMLFragmentScanner(depth: 1)
    var repair = SurrogateRepair()
    var repairFinished = false
    let location = input.location
    // Records whose bytes are UTF-8 in a file that declares a single-byte encoding.
    var misdeclared: (encoding: String, first: Int, count: Int)?
    try ParsePipeline.run(
      read: {
        guard let chunk = try input.read(1 << 16) else {
          guard !repairFinished else { return nil }
          repairFinished = true
          return repair.finish()
        }
        scanner.push(chunk)
        return repair.push(chunk)
      },
      parse: { source, deliver in try Self.readRecords(location: location, source: source, deliver: deliver) },
      consume: { records in
        for record in records {
          // The scanner saw every byte before the parser did, so the fragment is ready.
          guard let fragment = scanner.nextRawFragment() else {
            var here = location
            here.line = record.line
            throw CasefileError(.internalError, "the record's raw bytes could not be located", location: here)
          }
          if let encoding = record.encoding, Self.isSingleByte(encoding), Self.looksLikeUTF8(fragment.bytes) {
            misdeclared = (encoding, misdeclared?.first ?? record.line ?? 0, (misdeclared?.count ?? 0) + 1)
          }
          try finish(record, fragment: fragment, input: input, emit: emit)
        }
      })
    if let misdeclared {
      input.warn(
        "line \(misdeclared.first): the file declares \(misdeclared.encoding), but \(misdeclared.count) record\(misdeclared.count == 1 ? " holds" : "s hold") UTF-8 byte sequences; their text was read as \(misdeclared.encoding), as declared, and may show two characters for one (\u{C3}\u{A9} for \u{E9}); the raw fragments keep the bytes exactly")
    }
  }

  /// Whether a declared encoding gives one character per byte (ISO-8859-n, Latin-1, Windows code
  /// pages), so that UTF-8 bytes in it are read as two or three characters each.
  static func isSingleByte(_ encoding: String) -> Bool {
    let name = encoding.uppercased()
    return name.hasPrefix("ISO-8859") || name.hasPrefix("ISO8859") || name.hasPrefix("LATIN") || name.hasPrefix("WINDOWS-125")
      || name.hasPrefix("CP125") || name == "US-ASCII" || name == "ASCII"
  }

  /// Bytes that hold at least one non-ASCII byte and are valid UTF-8 throughout.
  static func looksLikeUTF8(_ bytes: Data) -> Bool {
    bytes.contains { $0 >= 0x80 } && String(validating: bytes, as: UTF8.self) != nil
  }

  /// Reads the records of a file with libxml2's push parser, in batches, checking the root.
  static func readRecords(
    location: CasefileError.Location, source: @escaping () throws -> Data?, deliver: ([Record]) throws -> Void
  ) throws {
    let parser = try XMLPushParser(location: location)
    var batch: [Record] = []
    var open: Record?
    var sawRoot = false
    // The document's encoding, for re-reading an MMS's fragment on its own; known once the
    // parser is past the XML declaration.
    var encoding: String??
    parser.onStart = { [unowned parser] depth, name, attributes in
      switch depth {
      case 0:
        guard Self.isName(name, "smses") || Self.isName(name, "calls") else {
          throw CasefileError(
            .badExport, "this is not an SMS Backup & Restore file: its root is <\(String(cString: name))>",
            location: { var here = location; here.line = parser.line; return here }())
        }
        sawRoot = true
      case 1:
        if encoding == nil { encoding = .some(parser.encoding) }
        var record = Record(kind: Self.kind(name), line: parser.line)
        record.encoding = encoding ?? nil
        if record.kind == .other {
          record.otherName = String(cString: name)
        } else {
          Self.read(&record, from: attributes)
        }
        open = record
      default:
        guard open != nil else { return }
        if Self.isName(name, "part") {
          open!.parts.append(Self.part(attributes))
        } else if Self.isName(name, "addr") {
          open!.addrs.append(Self.addr(attributes))
        }
      }
    }
    parser.onEnd = { depth in
      if depth == 1, let record = open {
        open = nil
        batch.append(record)
      }
    }
    do {
      while let chunk = try source() {
        try parser.push(chunk)
        if batch.count >= 64 {
          try deliver(batch)
          batch.removeAll(keepingCapacity: true)
        }
      }
      try parser.finish()
    } catch {
      // What was read before the error is handed on first, as a reader on one thread would.
      if !batch.isEmpty { try? deliver(batch) }
      throw error
    }
    if !batch.isEmpty { try deliver(batch) }
    guard sawRoot else {
      throw CasefileError(.badExport, "the file holds no <smses> or <calls> element", location: location)
    }
  }

  /// Whether a NUL-terminated element name is `name`.
  static func isName(_ bytes: UnsafePointer<UInt8>, _ name: StaticString) -> Bool {
    strcmp(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self),
      UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
  }

  /// One `<sms>`, `<mms>` or `<call>` with what was read inside it. Only the attributes the
  /// reading uses are turned into strings; `null` and empty values are left nil.
  struct Record: Sendable {
    enum Kind: Sendable { case sms, mms, call, other }
    var kind: Kind
    var line: Int?
    /// The document's encoding, for reading the record's fragment again on its own.
    var encoding: String?
    /// The element's name, for an element that is none of the three.
    var otherName = ""
    var address: String?
    var date: String?
    /// `type` of an SMS or a call.
    var type: String?
    var body: String?
    var contactName: String?
    var msgBox: String?
    var number: String?
    var duration: String?
    var parts: [Part] = []
    var addrs: [(address: String?, type: String?)] = []

    var name: String {
      switch kind {
      case .sms: "sms"
      case .mms: "mms"
      case .call: "call"
      case .other: otherName
      }
    }
  }

  /// One `<part>` of an MMS. Its base64 `data` is not read here, only whether it has one: the
  /// bytes are read again from the record's fragment if the message is kept.
  struct Part: Sendable {
    var seq: String?
    var ct: String?
    var name: String?
    var cl: String?
    var text: String?
    var hasData = false
  }

  static func kind(_ name: UnsafePointer<UInt8>) -> Record.Kind {
    if isName(name, "sms") { return .sms }
    if isName(name, "mms") { return .mms }
    if isName(name, "call") { return .call }
    return .other
  }

  /// The attributes each element's reading uses; the rest are never turned into strings.
  static let smsAttributes = AttributeNames(["address", "date", "type", "body", "contact_name"])
  static let mmsAttributes = AttributeNames(["address", "date", "msg_box", "contact_name"])
  static let callAttributes = AttributeNames(["number", "date", "type", "duration", "contact_name"])
  static let partAttributes = AttributeNames(["seq", "ct", "name", "cl", "text", "data"])
  static let addrAttributes = AttributeNames(["address", "type"])
  static let dataAttribute = AttributeNames(["data"])

  /// A value as a string, or nil where the app wrote `null` or nothing.
  static func value(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    if bytes.isEmpty || isNull(bytes) { return nil }
    return XMLPushParser.Attributes.string(bytes)
  }

  /// Whether a value is the literal `null`.
  static func isNull(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    XMLPushParser.Attributes.isEqual(bytes, "null")
  }

  /// Whether a value is `(Unknown)`, which the app writes for a number with no contact.
  static func isUnknownContact(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    XMLPushParser.Attributes.isEqual(bytes, "(Unknown)")
  }

  /// Reads the attributes of a record's element.
  static func read(_ record: inout Record, from attributes: XMLPushParser.Attributes) {
    switch record.kind {
    case .sms:
      attributes.forEach(smsAttributes) { index, bytes in
        switch index {
        case 0: record.address = value(bytes)
        case 1: record.date = value(bytes)
        case 2: record.type = value(bytes)
        case 3: record.body = value(bytes)
        default: record.contactName = isUnknownContact(bytes) ? nil : value(bytes)
        }
      }
    case .mms:
      attributes.forEach(mmsAttributes) { index, bytes in
        switch index {
        case 0: record.address = value(bytes)
        case 1: record.date = value(bytes)
        case 2: record.msgBox = value(bytes)
        default: record.contactName = isUnknownContact(bytes) ? nil : value(bytes)
        }
      }
    case .call:
      attributes.forEach(callAttributes) { index, bytes in
        switch index {
        case 0: record.number = value(bytes)
        case 1: record.date = value(bytes)
        case 2: record.type = value(bytes)
        case 3: record.duration = value(bytes)
        default: record.contactName = isUnknownContact(bytes) ? nil : value(bytes)
        }
      }
    case .other:
      break
    }
  }

  static func part(_ attributes: XMLPushParser.Attributes) -> Part {
    var part = Part()
    attributes.forEach(partAttributes) { index, bytes in
      switch index {
      case 0: part.seq = value(bytes)
      case 1: part.ct = value(bytes)
      case 2: part.name = value(bytes)
      case 3: part.cl = value(bytes)
      case 4: part.text = value(bytes)
      default: part.hasData = !bytes.isEmpty && !isNull(bytes)
      }
    }
    return part
  }

  static func addr(_ attributes: XMLPushParser.Attributes) -> (address: String?, type: String?) {
    var addr: (address: String?, type: String?) = (nil, nil)
    attributes.forEach(addrAttributes) { index, bytes in
      if index == 0 { addr.address = value(bytes) } else { addr.type = value(bytes) }
    }
    return addr
  }

  /// A media part of an MMS: its name and type, and the index of its `<part>` among the
  /// record's parts if it has data to read.
  struct MediaItem: Sendable {
    var name: String
    var mediaType: String
    var partIndex: Int?
  }

  private func finish(
    _ record: Record, fragment: RawFragment, input: FormatInput, emit: (ImportedMessage) throws -> Void
  ) throws {
    let encoding = record.encoding
    var location = input.location
    location.line = record.line
    func fail(_ why: String) -> CasefileError {
      CasefileError(.badExport, "<\(record.name)> \(why)", location: location)
    }
    guard let dateText = record.date, let date = Int64(dateText), let occurredAt = Self.epoch(dateText, date) else {
      throw fail("has no usable date")
    }
    switch record.kind {
    case .sms:
      let type = record.type ?? ""
      let direction = Self.smsDirection(type)
      let address = record.address
      try emit(ImportedMessage(
        format: id, platform: .sms, kind: .sms, thread: address,
        sender: direction == .received ? address.map { ActorInput(handle: $0, displayName: record.contactName) } : nil,
        recipients: direction == .received ? [] : address.map { [$0] } ?? [], direction: direction,
        occurredAt: occurredAt, text: record.body,
        details: type.isEmpty ? [:] : ["sms_type": type], entryPath: input.entryPath, rawFragment: fragment))
    case .mms:
      let box = record.msgBox ?? ""
      let direction: Direction = box == "1" ? .received : box == "2" ? .sent : box.isEmpty ? .unknown : .unsent
      let address = record.address
      let senderAddress = record.addrs.first { $0.type == "137" }?.address
        ?? (direction == .received && !(address ?? "").contains("~") ? address : nil)
      let recipients = record.addrs.filter { $0.type == "151" }.compactMap(\.address)
      var texts: [String] = []
      var items: [MediaItem] = []
      for (index, part) in record.parts.enumerated() where part.seq != "-1" {
        let type = (part.ct ?? "application/octet-stream").lowercased()
        if type == "application/smil" { continue }
        if type.hasPrefix("text/plain") {
          if let text = part.text { texts.append(text) }
          continue
        }
        let name = part.name ?? part.cl ?? "part-\(part.seq ?? String(items.count))"
        items.append(MediaItem(name: name, mediaType: type, partIndex: part.hasData ? index : nil))
      }
      // Media with data are read from the fragment only if the message is kept.
      let deferred: (load: @Sendable () throws -> [ImportedMedia], names: [(name: String, mediaType: String)])?
      if items.contains(where: { $0.partIndex != nil }) {
        deferred = (
          { [items, location] in try Self.media(items, from: fragment, encoding: encoding, location: location) },
          items.map { ($0.name, $0.mediaType) }
        )
      } else {
        deferred = nil
      }
      try emit(ImportedMessage(
        format: id, platform: .sms, kind: .mms, thread: address,
        sender: direction == .received ? senderAddress.map { ActorInput(handle: $0, displayName: record.contactName) } : nil,
        recipients: recipients, direction: direction, occurredAt: occurredAt,
        text: texts.isEmpty ? nil : texts.joined(separator: "\n"), details: box.isEmpty ? [:] : ["msg_box": box],
        entryPath: input.entryPath, rawFragment: fragment,
        media: deferred == nil ? Self.media(items, data: { _ in nil }) : [], deferredMedia: deferred))
    case .call:
      let type = record.type ?? ""
      let number = record.number
      let outgoing = type == "2"
      var details: [String: String] = [:]
      let callType = Self.callTypes[type] ?? type
      if !callType.isEmpty { details["call_type"] = callType }
      if let duration = record.duration { details["duration_seconds"] = duration }
      try emit(ImportedMessage(
        format: id, platform: .sms, kind: type == "4" ? .voicemail : .call, thread: number,
        sender: outgoing ? nil : number.map { ActorInput(handle: $0, displayName: record.contactName) },
        recipients: outgoing ? number.map { [$0] } ?? [] : [], direction: outgoing ? .sent : .received,
        occurredAt: occurredAt, text: nil, details: details, entryPath: input.entryPath, rawFragment: fragment))
    case .other:
      break  // Unknown records are skipped; their bytes were consumed with the rest.
    }
  }

  /// The media of an MMS, given the base64 text of each part that has data (by part index).
  static func media(_ items: [MediaItem], data: (Int) -> Data?) -> [ImportedMedia] {
    items.map { item in
      guard let index = item.partIndex else {
        return ImportedMedia(name: item.name, mediaType: item.mediaType, content: .missing(reference: "\(item.name): no data in the backup"))
      }
      if let base64 = data(index), let bytes = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) {
        return ImportedMedia(name: item.name, mediaType: item.mediaType, content: .inline(bytes))
      }
      return ImportedMedia(
        name: item.name, mediaType: item.mediaType, content: .missing(reference: "\(item.name): the base64 data could not be decoded"))
    }
  }

  /// Reads the media of an MMS from its raw fragment: parses the fragment on its own (with the
  /// same safe reader, in the document's encoding) and takes the `data` of each `<part>`, which
  /// are in the same order as when the whole file was read.
  static func media(
    _ items: [MediaItem], from fragment: RawFragment, encoding: String?, location: CasefileError.Location
  ) throws -> [ImportedMedia] {
    var pending: Data? = fragment.bytes
    let reader = try XMLStreamReader(location: location, encoding: encoding) { _ in
      defer { pending = nil }
      return pending
    }
    let wanted = Set(items.compactMap(\.partIndex))
    var data: [Int: Data] = [:]
    var index = 0
    while try reader.next() {
      guard reader.nodeType == .element, reader.depth > 0, reader.localNameIs("part") else { continue }
      if wanted.contains(index) {
        reader.forEachAttribute(dataAttribute) { _, bytes in
          data[index] = Data(bytes: bytes, count: strlen(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self)))
        }
      }
      index += 1
    }
    return media(items, data: { data[$0] })
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

  /// An epoch time in milliseconds, or in seconds when the number is too small to be
  /// milliseconds after 1973. The unit is kept as the zone, beside the original digits. Nil
  /// outside the years 0000 to 9999.
  static func epoch(_ text: String, _ value: Int64) -> OccurredAt? {
    OccurredAt.epoch(value, milliseconds: value >= 100_000_000_000, original: text)
  }
}
