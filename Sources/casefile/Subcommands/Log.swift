import ArgumentParser
import CasefileKit
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

struct Log: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Record one abusive message by hand, with its attachments.",
    discussion: """
      The text comes from --text or, when stdin is a pipe or a file, from stdin. --at takes \
      YYYY-MM-DD HH:MM[:SS] with an optional offset (+01:00, Z) or zone name (Europe/Dublin); \
      without one, the time is read in $TZ and recorded as assumed. A time before 1970 is refused.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Option(name: .customLong("case"), help: "The case, e.g. C-2026-0001.") var caseRef: String
  @Option(help: "One of: \(Platform.allCases.map(\.rawValue).joined(separator: ", ")).") var platform: String
  @Option(help: "One of: \(ItemKind.allCases.map(\.rawValue).joined(separator: ", ")).") var kind: String
  @Option(help: "The sender's handle, phone number or address.") var author: String?
  @Option(name: .customLong("author-name"), help: "The sender's display name.") var authorName: String?
  @Option(name: .customLong("author-url"), help: "The sender's profile URL.") var authorURL: String?
  @Option(name: .customLong("author-id"), help: "The sender's platform user id.") var authorID: String?
  @Option(help: "When it was sent.") var at: String
  @Option(help: "A link to the message.") var url: String?
  @Option(help: "The message text (otherwise read from stdin when it is piped).") var text: String?
  @Option(name: .customLong("attach"), help: "A screenshot, PDF or other file (repeatable).") var attachments: [String] = []
  @OptionGroup var output: JSONFlag

  func validate() throws {
    if author == nil && (authorName != nil || authorURL != nil || authorID != nil) {
      throw ValidationError("--author-name, --author-url and --author-id need --author")
    }
  }

  func run() throws {
    let platform = try Platform.parse(platform)
    let kind = try ItemKind.parse(kind)
    let occurredAt = try OccurredAt.parse(at, defaultZone: LocalZone.fromEnvironment())
    let body = try text ?? Self.pipedStdin()
    let draft = ItemDraft(
      caseRef: caseRef, platform: platform, kind: kind,
      author: author.map { ActorInput(handle: $0, displayName: authorName, profileURL: authorURL, platformUserID: authorID) },
      occurredAt: occurredAt, url: url, text: body,
      attachments: attachments.map { URL(fileURLWithPath: $0) })
    let item = try storeOptions.open().logItem(draft)
    if output.json {
      return try Output.json(LoggedItem(
        ref: item.ref, caseRef: item.caseRef, authorRef: item.authorRef, occurredAt: item.occurredAt,
        attachments: item.attachments))
    }
    print("Logged \(item.ref) in \(item.caseRef)" + (item.attachments.isEmpty ? "" : " with \(item.attachments.count) attachment(s)"))
  }

  /// The text on stdin when stdin is a pipe or a regular file; never waits on a terminal. One
  /// final line break, which `echo` and editors add, is dropped; the rest is kept as it is.
  static func pipedStdin() throws -> String? {
    var info = stat()
    guard fstat(0, &info) == 0 else { return nil }
    let type = info.st_mode & S_IFMT
    guard type == S_IFIFO || type == S_IFREG else { return nil }
    let data = FileHandle.standardInput.readDataToEndOfFile()
    guard !data.isEmpty else { return nil }
    guard var text = String(data: data, encoding: .utf8) else {
      throw CasefileError(.badValue, "the text on stdin is not UTF-8")
    }
    if text.last == "\n" || text.last == "\r\n" { text.removeLast() }
    return text
  }
}
