/// Which field of an outgoing text a lint finding is in: `text`, `url`, `detail:platform`, ….
///
/// The raw value is part of a finding's id (`E-12/text/phrase:my-patient`), so it must stay the
/// same from one export to the next. The named fields cover what an export writes; anything else
/// can be named with ``init(rawValue:)``.
public struct LintField: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  public let rawValue: String

  public init(rawValue: String) {
    self.rawValue = rawValue
  }

  public var description: String { rawValue }

  /// An evidence item's message text.
  public static let text = LintField(rawValue: "text")
  /// An evidence item's URL.
  public static let url = LintField(rawValue: "url")
  /// The thread an item was in: a chat name, a post title, a number.
  public static let thread = LintField(rawValue: "thread")
  /// A case's title.
  public static let caseTitle = LintField(rawValue: "caseTitle")
  /// An actor's handle, or the handle an item was sent from.
  public static let actorHandle = LintField(rawValue: "actorHandle")
  /// An actor's display name.
  public static let actorDisplayName = LintField(rawValue: "actorDisplayName")
  /// An actor's profile URL.
  public static let actorProfileURL = LintField(rawValue: "actorProfileURL")
  /// An actor's id on the platform.
  public static let actorPlatformUserID = LintField(rawValue: "actorPlatformUserID")

  /// An item's message id on the platform.
  public static let messageID = LintField(rawValue: "messageID")
  /// The path of an item's source inside the imported archive.
  public static let entryPath = LintField(rawValue: "entryPath")
  /// An item's time as the export wrote it.
  public static let occurredAtText = LintField(rawValue: "occurredAtText")

  /// Whether the field is an identifier whose words are often glued together (handles, ids, links,
  /// file names): long phrases match inside its words too.
  public var isGlued: Bool {
    switch self {
    case .text, .caseTitle, .thread, .actorDisplayName: false
    default: !rawValue.hasPrefix("detail:") && !rawValue.hasPrefix("stepDetail:") && !rawValue.hasPrefix("recipient:")
    }
  }

  /// One named detail of an item or a step, such as `detail:reference`.
  public static func detail(_ name: String) -> LintField {
    LintField(rawValue: "detail:\(name)")
  }

  /// One detail of a step, named from its case: `stepDetail:S-5:advice`.
  public static func stepDetail(_ stepRef: String, _ name: String) -> LintField {
    LintField(rawValue: "stepDetail:\(stepRef):\(name)")
  }

  /// One recipient of an item, counted from 1 in the item's order: `recipient:2`.
  public static func recipient(_ number: Int) -> LintField {
    LintField(rawValue: "recipient:\(number)")
  }

  /// The file name of an item's attachment, counted from 1 in the item's order: `attachment:2`.
  public static func attachmentName(_ number: Int) -> LintField {
    LintField(rawValue: "attachment:\(number)")
  }

  /// The media type of an item's attachment: `attachmentType:2`.
  public static func attachmentType(_ number: Int) -> LintField {
    LintField(rawValue: "attachmentType:\(number)")
  }
}

/// Where an outgoing text comes from: a reference (`E-12`, `C-2026-0001`, `A-3`, `S-5`) and a
/// field of it.
public struct LintSource: Hashable, Sendable, CustomStringConvertible {
  public var ref: String
  public var field: LintField

  public init(_ ref: String, _ field: LintField) {
    self.ref = ref
    self.field = field
  }

  /// `E-12/text`: the first two parts of a finding id.
  public var description: String {
    LintSource.idComponent(ref) + "/" + LintSource.idComponent(field.rawValue)
  }

  /// One part of a finding id, with `%`, `/`, `@`, spaces and control characters written as
  /// `%XX`, so that the parts cannot run into each other.
  static func idComponent(_ part: String) -> String {
    var out = ""
    for scalar in part.unicodeScalars {
      switch scalar {
      case "%", "/", "@":
        out += percentEncoded(scalar)
      default:
        if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
          out += percentEncoded(scalar)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  private static func percentEncoded(_ scalar: Unicode.Scalar) -> String {
    String(scalar).utf8.map { byte in
      let hex = String(byte, radix: 16, uppercase: true)
      return "%" + (hex.count == 1 ? "0" + hex : hex)
    }.joined()
  }
}

/// One string that an export is about to send off the machine, with where it comes from.
public struct LintText: Sendable, Equatable {
  public var source: LintSource
  public var text: String
  /// The thread an item's text is in: consecutive texts of one thread are also read across their
  /// junction. Never written anywhere.
  public var thread: String?

  public init(_ source: LintSource, _ text: String, thread: String? = nil) {
    self.source = source
    self.text = text
    self.thread = thread
  }

  public init(ref: String, field: LintField, text: String) {
    self.init(LintSource(ref, field), text)
  }
}
