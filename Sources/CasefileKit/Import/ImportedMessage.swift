import Foundation

/// Which way a message went, seen from the doctor's side.
public enum Direction: String, Sendable, Codable {
  case received, sent
  /// A draft or a message that failed or never left.
  case unsent
  case unknown
}

/// A file that belongs to an imported message: an MMS part, a photo, an attachment.
public struct ImportedMedia: Sendable, Equatable {
  public enum Content: Sendable, Equatable {
    /// The bytes were inside the message itself (base64 in an MMS part).
    case inline(Data)
    /// The message names a file elsewhere in the export (a photo beside a message page); the
    /// import reads it from there, or records it as missing when the export does not hold it.
    /// `candidates` are the entry paths it may be at, best first; with `anyExtension`, a file of
    /// that path plus any extension matches too (Google Voice names pictures without theirs).
    /// See ``ImportedMedia/entry(_:relativeTo:mediaType:anyExtension:)``.
    case entry(reference: String, candidates: [String], anyExtension: Bool)
    /// The message names a file that the export does not contain: recorded as missing.
    case missing(reference: String)
  }

  public var name: String
  public var mediaType: String
  public var content: Content

  public init(name: String, mediaType: String, content: Content) {
    self.name = name
    self.mediaType = mediaType
    self.content = content
  }
}

extension ImportedMedia {
  /// A file that a message names by a relative reference (an `href` or `src`), to be read from
  /// the export. The reference is tried relative to `folder` (the folder of the entry that names
  /// it) and then from the export's top; a reference that is a web address, absolute, or climbs
  /// out of the export is recorded as missing and never looked up.
  public static func entry(
    _ reference: String, relativeTo folder: String, mediaType: String? = nil, anyExtension: Bool = false
  ) -> ImportedMedia {
    let decoded = reference.removingPercentEncoding ?? reference
    let name = (decoded as NSString).lastPathComponent
    let type = mediaType ?? MediaType.byExtension[(name as NSString).pathExtension.lowercased()] ?? "application/octet-stream"
    let candidates = decoded.contains("://") || decoded.hasPrefix("/") || decoded.hasPrefix("\\")
      ? [] : [folder.isEmpty ? decoded : folder + "/" + decoded, decoded].compactMap(normalizedEntryPath)
    guard !candidates.isEmpty else {
      return ImportedMedia(name: name, mediaType: type, content: .missing(reference: reference))
    }
    var unique: [String] = []
    for candidate in candidates where !unique.contains(candidate) { unique.append(candidate) }
    return ImportedMedia(name: name, mediaType: type, content: .entry(reference: reference, candidates: unique, anyExtension: anyExtension))
  }

  /// A `/`-separated path with `.` and empty parts dropped and `..` applied; nil when it is empty
  /// or climbs above its top.
  static func normalizedEntryPath(_ path: String) -> String? {
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
      if part == ".." {
        guard parts.popLast() != nil else { return nil }
      } else {
        parts.append(part)
      }
    }
    return parts.isEmpty ? nil : parts.joined(separator: "/")
  }
}

/// One message as a format reads it from an export, before anything is stored.
public struct ImportedMessage: Sendable {
  /// The format's id, e.g. `sms-backup`.
  public var format: String
  public var platform: Platform
  public var kind: ItemKind
  /// The conversation: a phone number or group, a thread folder, a chat id.
  public var thread: String?
  /// Who sent it; nil when the doctor did.
  public var sender: ActorInput?
  public var recipients: [String]
  public var direction: Direction
  public var occurredAt: OccurredAt
  public var text: String?
  public var url: String?
  /// The platform's own id for the message, where it has one.
  public var platformMessageID: String?
  /// Facts beyond the text, such as a call's type and duration.
  public var details: [String: String]
  /// The entry of the export it came from, and the raw fragment exactly as it stood there.
  public var entryPath: String
  /// The raw fragment, as views of the chunks it was read in; copied only when asked for, so a
  /// message that is counted or skipped never pays for its bytes.
  public var rawFragment: RawFragment
  /// 1 for a message; 2, 3, … for repeats of an identical one (same thread, sender, time, kind
  /// and text) earlier in the same entry. See ``identity``.
  public var occurrence = 1
  /// The raw fragment exactly as it stood in the entry.
  public var fragment: Data {
    get { rawFragment.bytes }
    set { rawFragment = RawFragment(newValue) }
  }
  private var mediaSource: MediaSource
  /// The media of the message. A format may defer reading them (an MMS part's base64 can run to
  /// megabytes) until they are asked for: only the messages that are kept pay for them. Deferred
  /// media that cannot be read come back as missing, with the reason; ``loadMedia()`` throws
  /// instead, and is what storing uses.
  public var media: [ImportedMedia] {
    get {
      switch mediaSource {
      case .ready(let media): return media
      case .deferred(let load, let names):
        do { return try load() } catch {
          return names.map { ImportedMedia(name: $0.name, mediaType: $0.mediaType, content: .missing(reference: "\($0.name): could not be read again from the raw fragment: \(error)")) }
        }
      }
    }
    set { mediaSource = .ready(newValue) }
  }

  /// Where the media come from: ready, or read on demand by the format.
  private enum MediaSource: Sendable {
    case ready([ImportedMedia])
    /// Reads the media; `names` are their names and types, for the fallback when it fails.
    case deferred(@Sendable () throws -> [ImportedMedia], names: [(name: String, mediaType: String)])
  }

  /// The media, read now if the format deferred them; fails if deferred media cannot be read.
  public func loadMedia() throws -> [ImportedMedia] {
    switch mediaSource {
    case .ready(let media): return media
    case .deferred(let load, _): return try load()
    }
  }

  /// How many media files the message names (without reading deferred ones).
  public var mediaCount: Int {
    switch mediaSource {
    case .ready(let media): return media.count
    case .deferred(_, let names): return names.count
    }
  }

  /// Whether the message has media (without reading deferred ones).
  public var hasMedia: Bool {
    switch mediaSource {
    case .ready(let media): return !media.isEmpty
    case .deferred(_, let names): return !names.isEmpty
    }
  }

  public init(
    format: String, platform: Platform, kind: ItemKind, thread: String?, sender: ActorInput?,
    recipients: [String] = [], direction: Direction, occurredAt: OccurredAt, text: String?, url: String? = nil,
    platformMessageID: String? = nil, details: [String: String] = [:], entryPath: String, fragment: Data,
    media: [ImportedMedia] = []
  ) {
    self.init(
      format: format, platform: platform, kind: kind, thread: thread, sender: sender, recipients: recipients,
      direction: direction, occurredAt: occurredAt, text: text, url: url, platformMessageID: platformMessageID,
      details: details, entryPath: entryPath, rawFragment: RawFragment(fragment), mediaSource: .ready(media))
  }

  /// A message whose fragment is not copied yet, and whose media, if `deferredMedia` is given, are
  /// read only when asked for: `deferredMedia.names` are their names and media types.
  public init(
    format: String, platform: Platform, kind: ItemKind, thread: String?, sender: ActorInput?,
    recipients: [String] = [], direction: Direction, occurredAt: OccurredAt, text: String?, url: String? = nil,
    platformMessageID: String? = nil, details: [String: String] = [:], entryPath: String, rawFragment: RawFragment,
    media: [ImportedMedia] = [],
    deferredMedia: (load: @Sendable () throws -> [ImportedMedia], names: [(name: String, mediaType: String)])? = nil
  ) {
    self.init(
      format: format, platform: platform, kind: kind, thread: thread, sender: sender, recipients: recipients,
      direction: direction, occurredAt: occurredAt, text: text, url: url, platformMessageID: platformMessageID,
      details: details, entryPath: entryPath, rawFragment: rawFragment,
      mediaSource: deferredMedia.map { .deferred($0.load, names: $0.names) } ?? .ready(media))
  }

  private init(
    format: String, platform: Platform, kind: ItemKind, thread: String?, sender: ActorInput?,
    recipients: [String], direction: Direction, occurredAt: OccurredAt, text: String?, url: String?,
    platformMessageID: String?, details: [String: String], entryPath: String, rawFragment: RawFragment,
    mediaSource: MediaSource
  ) {
    self.format = format
    self.platform = platform
    self.kind = kind
    self.thread = thread
    self.sender = sender
    self.recipients = recipients
    self.direction = direction
    self.occurredAt = occurredAt
    self.text = text
    self.url = url
    self.platformMessageID = platformMessageID
    self.details = details
    self.entryPath = entryPath
    self.rawFragment = rawFragment
    self.mediaSource = mediaSource
  }

  /// What makes a message the same message on a re-import: the platform's id where there is
  /// one, otherwise a hash of (format, thread, sender, time, text), as formats.md says.
  ///
  /// Where a source can hold the same message twice (a threat sent twice in one minute, and a
  /// WhatsApp header has no seconds), the format numbers the repeats with ``occurrence``: the
  /// second and later count in the hash, so each is kept, and a re-import numbers them alike.
  public var identity: String {
    if let platformMessageID, !platformMessageID.isEmpty {
      return "\(format):id:\(platformMessageID)"
    }
    var parts = [
      format, thread ?? "", sender?.handle ?? "(owner)", UTCStamp.format(occurredAt.utc), kind.rawValue, text ?? "",
    ]
    if occurrence > 1 { parts.append("occurrence \(occurrence)") }
    return "\(format):sha256:" + Digest.sha256Hex(Array(Canonical.object(parts.enumerated().map { ("\($0.offset)", .text($0.element)) }).utf8))
  }
}
