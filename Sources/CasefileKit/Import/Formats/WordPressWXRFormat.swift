import Foundation

/// A WordPress eXtended RSS export (WXR): the comments on the doctor's practice blog.
///
/// RSS 2.0 with the `wp` namespace, whose version is in its URI; 1.0, 1.1 and 1.2 are all read, by
/// matching the URI prefix `http://wordpress.org/export/`. Each `wp:comment` of each `channel/item`
/// is one message.
///
/// A big blog's export runs to hundreds of MB of post bodies, so it streams: libxml2's reader for
/// the values, and ``XMLFragmentScanner`` at depth 3 (rss/channel/item/…) beside it for each
/// comment's exact bytes. Every element at that depth takes its fragment in order, so the
/// channel's `wp:author` and `wp:category` children keep the two in step. Only one item's
/// comments are held at a time, and they are handed on when the item ends, so the post's title
/// and link are known whatever their order.
///
/// Quirks handled: values in CDATA, with a literal `]]>` split across two sections; the GMT date
/// preferred, the site-local date read in the source zone (assumed) when the GMT one is missing or
/// `0000-00-00 00:00:00`; trashed, spam and pending comments imported like approved ones, with
/// their status in `approved`; pingbacks kept with their `comment_type`; `wp:commentmeta` ignored.
public struct WordPressWXRFormat: ExportFormat {
  public let id = "wordpress-wxr"
  public let title = "WordPress export (WXR, comments)"

  /// The prefix of every version of the `wp` namespace URI.
  static let namespacePrefix = "http://wordpress.org/export/"

  public init() {}

  public func claims(entryPath: String, head: Data) -> Bool {
    let name = (entryPath as NSString).lastPathComponent.lowercased()
    guard name.hasSuffix(".xml") || name.hasSuffix(".wxr") else { return false }
    if head.isEmpty { return name.contains(".wordpress.") }
    let text = String(decoding: head.prefix(4096), as: UTF8.self)
    return text.contains("<rss") && text.contains(Self.namespacePrefix)
  }

  /// One `wp:comment` as read, before its item has ended.
  struct Comment {
    var line: Int?
    var fields: [String: String] = [:]
    var fragment = Data()
  }

  public func messages(_ input: FormatInput, emit: (ImportedMessage) throws -> Void) throws {
    var scanner = XMLFragmentScanner(depth: 3)
    let reader = try XMLStreamReader(location: input.location) { max in
      guard let chunk = try input.read(max) else { return nil }
      scanner.push(chunk)
      return chunk
    }
    var sawRoot = false
    var inItem = false
    var itemFields: [String: String] = [:]
    var itemField: String?
    var comments: [Comment] = []
    var comment: Comment?
    var commentField: String?
    var buffer = ""

    while try reader.next() {
      switch reader.nodeType {
      case .element:
        let name = reader.localName
        switch reader.depth {
        case 0:
          guard name == "rss", reader.attributes.contains(where: { $0.name.hasPrefix("xmlns") && $0.value.hasPrefix(Self.namespacePrefix) })
          else {
            throw CasefileError(
              .badExport, "this is not a WordPress export: its root is <\(name)> without the \(Self.namespacePrefix) namespace",
              location: reader.here)
          }
          sawRoot = true
        case 2 where name == "item":
          inItem = !reader.isEmptyElement
          itemFields = [:]
          comments = []
        case 3:
          if reader.isEmptyElement {
            _ = try nextFragment(&scanner, reader)
            if inItem, name == "comment" {
              throw CasefileError(.badExport, "an empty <wp:comment/> has no comment_id", location: reader.here)
            }
          } else if inItem, name == "comment" {
            comment = Comment(line: reader.here.line)
          } else if inItem {
            itemField = name
            buffer = ""
          }
        case 4 where comment != nil && !reader.isEmptyElement:
          commentField = name
          buffer = ""
        default:
          break
        }
      case .text, .whitespace:
        if (commentField != nil && reader.depth == 5) || (itemField != nil && reader.depth == 4) {
          buffer += reader.value
        }
      case .endElement:
        switch reader.depth {
        case 4:
          if let field = commentField {
            comment?.fields[field] = buffer
            commentField = nil
          }
        case 3:
          let fragment = try nextFragment(&scanner, reader)
          if var finished = comment {
            finished.fragment = fragment
            comments.append(finished)
            comment = nil
          } else if let field = itemField {
            if itemFields[field] == nil { itemFields[field] = buffer }
            itemField = nil
          }
        case 2 where inItem:
          inItem = false
          for finished in comments {
            try emit(message(finished, item: itemFields, input: input))
          }
          comments = []
        default:
          break
        }
      default:
        break
      }
    }
    guard sawRoot else {
      throw CasefileError(.badExport, "the file holds no <rss> element", location: input.location)
    }
  }

  private func nextFragment(_ scanner: inout XMLFragmentScanner, _ reader: XMLStreamReader) throws -> Data {
    guard let fragment = scanner.nextFragment() else {
      throw CasefileError(.internalError, "the element's raw bytes could not be located", location: reader.here)
    }
    return fragment
  }

  private func message(_ comment: Comment, item: [String: String], input: FormatInput) throws -> ImportedMessage {
    var location = input.location
    location.line = comment.line
    func value(_ name: String) -> String? {
      guard let text = comment.fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
      return text
    }
    guard let commentID = value("comment_id") else {
      throw CasefileError(.badExport, "<wp:comment> has no comment_id", location: location)
    }
    let occurredAt = try Self.occurredAt(
      gmt: value("comment_date_gmt"), local: value("comment_date"), zone: input.sourceZone, commentID: commentID, location: location,
      warn: input.warn)

    let link = item["link"]?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
    let postTitle = item["title"]?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
    let postID = item["post_id"]?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
    let author = value("comment_author")
    let email = value("comment_author_email")
    let sender = (email ?? author).map { ActorInput(handle: $0, displayName: author, profileURL: value("comment_author_url")) }
    // A visitor's comment has user id 0; a registered user (perhaps the doctor) has another.
    let userID = value("comment_user_id") ?? "0"
    var details: [String: String] = ["platform_detail": "wordpress"]
    details["author_ip"] = value("comment_author_IP")
    details["approved"] = value("comment_approved")
    details["comment_type"] = value("comment_type")
    details["parent"] = value("comment_parent")
    details["post_title"] = postTitle
    details["post_id"] = postID
    if userID != "0" { details["user_id"] = userID }
    let text = comment.fields["comment_content"].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }

    return ImportedMessage(
      format: id, platform: .other, kind: .comment, thread: postTitle ?? link ?? postID, sender: sender,
      direction: userID == "0" ? .received : .unknown, occurredAt: occurredAt, text: text?.nilIfEmpty,
      url: link.map { "\($0)#comment-\(commentID)" }, platformMessageID: "\(postID ?? link ?? "")#\(commentID)",
      details: details, entryPath: input.entryPath, fragment: comment.fragment)
  }

  /// The GMT date (stated UTC) when there is a real one, otherwise the site-local date read in
  /// the source zone and recorded as assumed.
  static func occurredAt(
    gmt: String?, local: String?, zone: TimeZone, commentID: String, location: CasefileError.Location,
    warn: (String) -> Void
  ) throws -> OccurredAt {
    let zero = "0000-00-00 00:00:00"
    do {
      if let gmt, gmt != zero {
        var parsed = try OccurredAt.parse(gmt + "Z", defaultZone: zone)
        parsed.original = gmt
        return parsed
      }
      if let local, local != zero {
        // Site-local: a clock-change time is read with a warning, never refused.
        return try OccurredAt.parseImported(local, defaultZone: zone, clockChange: { warn("comment \(commentID): '\(local)' \($0)") })
      }
    } catch let error as CasefileError {
      throw CasefileError(.badExport, "comment \(commentID) has an unreadable date: \(error.message)", location: location)
    }
    throw CasefileError(.badExport, "comment \(commentID) has no comment_date_gmt or comment_date", location: location)
  }
}

extension String {
  fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
