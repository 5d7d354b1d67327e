import Foundation

/// Where a format reads one entry of an export from, and names it in errors.
public struct FormatInput {
  /// The entry's path inside the export (the file name for a single file).
  public let entryPath: String
  /// The export itself, for errors.
  public let sourcePath: String
  /// The zone assumed for times that carry none (`--source-tz`, defaulting to `TZ`).
  public let sourceZone: TimeZone
  /// Records something the doctor should know about this entry, such as a lossy HTML parse.
  public let warn: (String) -> Void
  /// Records a warning together with the entry's whole raw bytes, for a page that could only be
  /// read lossily: an import keeps those bytes in the blob store beside the warning.
  public let warnKeeping: (String, Data) -> Void
  /// Pulls the entry's next chunk of at most the given size; nil at the end.
  public let read: (Int) throws -> Data?
  /// What the other entries of the same export have told so far.
  public let context: ExportContext

  public init(
    entryPath: String, sourcePath: String, sourceZone: TimeZone, context: ExportContext = ExportContext(),
    warn: @escaping (String) -> Void = { _ in }, warnKeeping: ((String, Data) -> Void)? = nil,
    read: @escaping (Int) throws -> Data?
  ) {
    self.entryPath = entryPath
    self.sourcePath = sourcePath
    self.sourceZone = sourceZone
    self.context = context
    self.warn = warn
    self.warnKeeping = warnKeeping ?? { message, _ in warn(message) }
    self.read = read
  }

  /// The location of this entry, for errors.
  public var location: CasefileError.Location { .init(file: sourcePath, entry: entryPath) }
}

extension FormatInput {
  /// Reads the whole entry, for a format that parses an entry whole (HTML, JSON, CSV, a chat
  /// text): it is read once, and one larger than `maximumBytes` is refused rather than risk memory.
  /// `what` names the file in the error ("the HTML page").
  public func readWhole(maximumBytes: Int, what: String) throws -> Data {
    var data = Data()
    while let chunk = try read(1 << 20) {
      data.append(chunk)
      if data.count > maximumBytes {
        let limit = maximumBytes >= 1 << 20 ? "\(maximumBytes >> 20) MB" : "\(maximumBytes) bytes"
        throw CasefileError(.badExport, "\(what) is larger than \(limit), more than casefile reads whole", location: location)
      }
    }
    return data
  }
}

/// What some entries of an export tell about the others, shared by every entry of one read. X's
/// `account.js` names the archive's owner, without whom the DMs received cannot be told from the
/// DMs sent; `manifest.js` lists the files the archive should hold.
///
/// A format records facts as it reads the entries that hold them. An entry that needs a fact not
/// seen yet is put off (``ExportFormat/defers(entryPath:head:context:)``) and read after every
/// other entry, in a second walk over the export that reads only the entries put off. The walk
/// order of an archive is whatever its maker wrote, so no format may rely on it.
public final class ExportContext {
  private var facts: [String: String] = [:]
  private var lists: [String: [String]] = [:]
  /// True while the entries put off are read: a fact missing now is not in the export at all.
  public internal(set) var isLastPass = false

  public init() {}

  /// A fact by its name; names start with the format's id (`x-archive.owner`).
  public subscript(fact: String) -> String? {
    get { facts[fact] }
    set { facts[fact] = newValue }
  }

  /// Adds a value to a list fact, such as each file a manifest names.
  public func note(_ fact: String, _ value: String) {
    lists[fact, default: []].append(value)
  }

  /// The values added to a list fact, in the order they were noted.
  public func notes(_ fact: String) -> [String] {
    lists[fact] ?? []
  }

  /// The accounts that the export's block and mute lists name, in the order read: an import can
  /// record the block step for those that are authors in its case (`--record-blocks`).
  public private(set) var blockedAccounts: [BlockedAccount] = []

  public func recordBlocked(_ account: BlockedAccount) {
    blockedAccounts.append(account)
  }
}

/// An account that the owner of an export blocked or muted, as the export's own list names it.
public struct BlockedAccount: Sendable, Equatable {
  public var platform: Platform
  /// As the list writes it, e.g. `someone@instance.example`.
  public var handle: String
  public var action: BlockAction
  /// The list it is in.
  public var entry: String
  /// The domain of the export owner's own server, which the list leaves out of local accounts.
  public var homeDomain: String?

  public init(platform: Platform, handle: String, action: BlockAction, entry: String, homeDomain: String? = nil) {
    self.platform = platform
    self.handle = handle
    self.action = action
    self.entry = entry
    self.homeDomain = homeDomain
  }
}

/// One kind of platform export that casefile understands. Each lives in its own file under
/// `Import/Formats/` and is listed once in ``FormatRegistry``; adding one touches no other format.
public protocol ExportFormat: Sendable {
  /// A stable id, used by `--format` and recorded in provenance.
  var id: String { get }
  /// What it is, for `scan` and for the error that lists the supported formats.
  var title: String { get }
  /// Whether an entry belongs to this format, from its path and its first bytes.
  func claims(entryPath: String, head: Data) -> Bool
  /// Reads the messages of one entry as a stream, handing each to `emit` as soon as it is read.
  func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws
  /// Whether to put this entry off until every other entry has been read, because it needs a fact
  /// that another entry gives (see ``ExportContext``) and that has not been met yet. Never asked
  /// on the last pass. By default, false.
  func defers(entryPath: String, head: Data, context: ExportContext) -> Bool
  /// Checks that can only be made once the whole export has been read, such as a file that a
  /// manifest lists and that was never met; each finding is a warning for an entry. Called once
  /// per read for every format that claimed an entry. By default, nothing.
  func finish(context: ExportContext, warn: (_ entry: String, _ message: String) -> Void)
}

extension ExportFormat {
  public func defers(entryPath: String, head: Data, context: ExportContext) -> Bool { false }
  public func finish(context: ExportContext, warn: (_ entry: String, _ message: String) -> Void) {}
}

/// Every format casefile reads, in the order detection tries them.
public enum FormatRegistry {
  public static let all: [any ExportFormat] = [
    SMSBackupFormat(),
    FacebookHTMLFormat(),
    InstagramHTMLFormat(),
    TelegramHTMLFormat(),
    WordPressWXRFormat(),
    GoogleVoiceFormat(),
    FacebookJSONFormat(),
    InstagramJSONFormat(),
    FacebookCommentsJSONFormat(),
    InstagramCommentsJSONFormat(),
    FacebookE2EEFormat(),
    TelegramJSONFormat(),
    WhatsAppChatFormat(),
    YouTubeCommentsFormat(),
    DiscordFormat(),
    XArchiveFormat(),
    MastodonArchiveFormat(),
    EmailMessageFormat(),
    MboxFormat(),
  ]

  /// The format with this id, or an error that lists the ones there are.
  public static func named(_ id: String) throws -> any ExportFormat {
    if let format = all.first(where: { $0.id == id.lowercased() }) { return format }
    throw CasefileError(.unknownFormat, "unknown format '\(id)'; supported: \(supportedList)")
  }

  /// The format that claims an entry, if any.
  public static func detect(entryPath: String, head: Data) -> (any ExportFormat)? {
    all.first { $0.claims(entryPath: entryPath, head: head) }
  }

  /// `id (title)` for every format, for messages.
  public static var supportedList: String {
    all.map { "\($0.id) (\($0.title))" }.joined(separator: "; ")
  }
}

extension CasefileError.Code {
  public static let unknownFormat = CasefileError.Code("unknown-format", .badData)
  /// An entry of a known format holds something the format cannot read.
  public static let badExport = CasefileError.Code("bad-export", .badData)
}
