import CLibXML2
import CLibXSLT
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The HTML report of a big bundle, rendered in chunks of items on several threads, with the
/// same bytes as one run of the stylesheet over the whole bundle.
///
/// One run over a 100k-item bundle takes seconds on one core, and builds a result tree of about
/// 20 KB per item (gigabytes) before a byte is written. The page is the same whatever the
/// split, because of what the stylesheet does with items:
/// - it lists them in one `<section id="items">`, as `<article class="item">` elements written
///   one after the other with nothing between them, sorted by two text keys
///   (`b:occurredAt/@utc`, then `b:capturedAt`); libxslt compares sort keys byte by byte
///   (`xmlStrcmp`) and keeps ties in document order, so the order is known before the run;
/// - an article depends only on its item and on the item's author, found by `key('actor')`,
///   never on other items or on its position.
///
/// So the items are sorted here exactly as libxslt would, and cut into consecutive runs. The
/// first run is rendered with everything else in the bundle (the page around the items); every
/// other run in a small document holding only its items and their authors. The articles of each
/// run are cut out of its page and put in order in place of the first run's. Every run's page is
/// checked for the articles it must hold; if anything is not as expected the report is rendered
/// in one run instead. Tests compare both ways, and `casefile-bench` compares the result with
/// xsltproc's on a 100k-item bundle.
enum ReportChunks {
  /// Items per run. A run's result tree is then some 40 MB.
  static let defaultRunSize = 2_000

  /// The page, or nil when the bundle is too small to be worth it or not of the expected shape
  /// (then the caller renders it in one run).
  static func render(
    _ tree: XMLTree, stylesheet: Data, runSize: Int = defaultRunSize, workers: Int? = nil, location: CasefileError.Location
  ) throws -> Data? {
    guard let plan = Plan(tree, runSize: runSize) else { return nil }
    let source = SharedSource(doc: tree.doc, plan: plan)
    let results = RunResults(count: plan.runs.count)
    let threads = max(1, min(workers ?? ProcessInfo.processInfo.activeProcessorCount, 4, plan.runs.count))
    DispatchQueue.concurrentPerform(iterations: threads) { _ in
      // Each thread compiles its own stylesheet: libxslt's compiled form is not shared.
      let messages = XSLTMessages()
      let compiled: XSLTStylesheet
      do {
        compiled = try XSLTStylesheet(stylesheet, messages: messages, location: BundleReport.stylesheetLocation)
      } catch {
        results.fail(error)
        return
      }
      while let run = results.next() {
        do {
          let document = source.document(forRun: run)
          let page = try XSLTRun(stylesheet: compiled, document: document, messages: messages, location: location)
            .output(location: location).0
          // Only the first run's page is kept whole; of the others, only their articles.
          guard let region = articles(in: page),
            count(of: articleOpen, in: page, within: region) == source.plan.runs[run].count
          else {
            results.giveUp()
            return
          }
          results.store(run, run == 0 ? (page, region) : (Data(page[region]), 0..<region.count))
        } catch {
          results.fail(error)
          return
        }
      }
    }
    if let failure = results.failure { throw failure }
    guard let pieces = results.pieces else { return nil }
    let (first, region) = pieces[0]
    var out = Data(capacity: first.count + pieces.dropFirst().reduce(0) { $0 + $1.page.count })
    out.append(first[first.startIndex..<region.lowerBound])
    out.append(first[region])
    for piece in pieces.dropFirst() { out.append(piece.page) }
    out.append(first[region.upperBound..<first.endIndex])
    return out
  }

  static let sectionOpen = Array(#"<section id="items">"#.utf8)
  static let articleOpen = Array(#"<article class="item""#.utf8)
  static let sectionClose = Array("</section>".utf8)

  /// The bytes of a page from its first item's article to the end of the items section. Markup
  /// inside text and attribute values is escaped, so these tags are found only as tags.
  static func articles(in page: Data) -> Range<Int>? {
    guard let section = find(sectionOpen, in: page, from: page.startIndex),
      let first = find(articleOpen, in: page, from: section + sectionOpen.count),
      let close = find(sectionClose, in: page, from: first)
    else { return nil }
    return first..<close
  }

  static func count(of needle: [UInt8], in page: Data, within range: Range<Int>) -> Int {
    var found = 0
    var from = range.lowerBound
    while let at = find(needle, in: page, from: from), at + needle.count <= range.upperBound {
      found += 1
      from = at + needle.count
    }
    return found
  }

  /// Where `needle` first occurs in `page` at or after `from`, found with memchr and memcmp:
  /// the generic search over `Data` is far slower.
  static func find(_ needle: [UInt8], in page: Data, from: Int) -> Int? {
    guard let head = needle.first, from >= page.startIndex else { return nil }
    return page.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int? in
      guard let base = bytes.baseAddress else { return nil }
      return needle.withUnsafeBytes { pattern -> Int? in
        var at = from - page.startIndex
        while at + pattern.count <= bytes.count {
          guard let hit = memchr(base + at, Int32(head), bytes.count - pattern.count - at + 1) else { return nil }
          at = UnsafeRawPointer(hit) - base
          if memcmp(UnsafeRawPointer(hit), pattern.baseAddress!, pattern.count) == 0 { return page.startIndex + at }
          at += 1
        }
        return nil
      }
    }
  }

  /// The bundle's items in the stylesheet's order, cut into runs.
  struct Plan {
    let root: xmlNodePtr
    let itemsElement: xmlNodePtr
    let actorsElement: xmlNodePtr?
    /// Item elements, each run in order.
    let runs: [[xmlNodePtr]]

    init?(_ tree: XMLTree, runSize: Int) {
      guard let root = xmlDocGetRootElement(tree.doc), Self.isBundle(root, "bundle") else { return nil }
      let children = XMLNode.elementChildren(of: root)
      let itemsElements = children.filter { Self.isBundle($0, "items") }
      let actorsElements = children.filter { Self.isBundle($0, "actors") }
      guard itemsElements.count == 1, actorsElements.count <= 1 else { return nil }
      let items = XMLNode.elementChildren(of: itemsElements[0]).filter { Self.isBundle($0, "item") }
      guard items.count > runSize, runSize > 0 else { return nil }
      // key('actor') matches b:actor anywhere: every one must be a child of b:actors, which is
      // what a run's document carries.
      let b = ["b": BundleXML.namespace]
      guard let anywhere = try? tree.nodes("//b:actor", namespaces: b).count,
        let listed = try? tree.nodes("/b:bundle/b:actors/b:actor", namespaces: b).count, anywhere == listed
      else { return nil }
      // libxslt's order: the first key, then the second, byte by byte; ties in document order.
      let keyed = items.enumerated().map { index, item in (index, item, Self.occurredUTC(item), Self.capturedAt(item)) }
      let sorted = keyed.sorted { a, b in
        if a.2 != b.2 { return a.2.lexicographicallyPrecedes(b.2) }
        if a.3 != b.3 { return a.3.lexicographicallyPrecedes(b.3) }
        return a.0 < b.0
      }.map(\.1)
      self.root = root
      itemsElement = itemsElements[0]
      actorsElement = actorsElements.first
      runs = stride(from: 0, to: sorted.count, by: runSize).map { Array(sorted[$0..<min($0 + runSize, sorted.count)]) }
    }

    static func isBundle(_ node: xmlNodePtr, _ name: String) -> Bool {
      guard node.pointee.type == XML_ELEMENT_NODE, let ns = node.pointee.ns?.pointee.href else { return false }
      return xmlStrEqual(node.pointee.name, name) == 1 && xmlStrEqual(ns, BundleXML.namespace) == 1
    }

    /// `string(b:occurredAt/@utc)`: the first such attribute in document order, or empty.
    static func occurredUTC(_ item: xmlNodePtr) -> [UInt8] {
      for child in XMLNode.elementChildren(of: item) where isBundle(child, "occurredAt") {
        if let value = taken(xmlGetNoNsProp(child, "utc")) { return value }
      }
      return []
    }

    /// `string(b:capturedAt)`: the text of the first such element, or empty.
    static func capturedAt(_ item: xmlNodePtr) -> [UInt8] {
      guard let element = XMLNode.elementChildren(of: item).first(where: { isBundle($0, "capturedAt") }) else { return [] }
      return taken(xmlNodeGetContent(element)) ?? []
    }

    /// The bytes of a string libxml2 allocated for the caller, which is freed here.
    static func taken(_ value: UnsafeMutablePointer<xmlChar>?) -> [UInt8]? {
      guard let value else { return nil }
      defer { cxml_free(value) }
      return Array(UnsafeBufferPointer(start: value, count: Int(xmlStrlen(value))))
    }
  }

  /// The source tree and the plan, read (never changed) by the rendering threads while the
  /// caller waits for them.
  ///
  /// Unchecked Sendable: libxml2 trees may be read from several threads at once; nothing writes
  /// to this one until ``render(_:stylesheet:runSize:workers:location:)`` returns.
  struct SharedSource: @unchecked Sendable {
    let doc: xmlDocPtr
    let plan: Plan

    /// A new document for one run: the first run's holds everything but the other runs' items;
    /// every other run's only the root, its items, and the actors they name.
    func document(forRun run: Int) -> XMLTree {
      let copy = xmlNewDoc("1.0")!
      let tree = XMLTree(doc: copy, issues: [], lossy: false, lossyReasons: [])
      let root = xmlDocCopyNode(plan.root, copy, 2)!
      xmlDocSetRootElement(copy, root)
      let items = plan.runs[run]
      if run == 0 {
        var child = plan.root.pointee.children
        while let current = child {
          if current == plan.itemsElement {
            xmlAddChild(root, shallowCopy(current, into: copy, with: items))
          } else {
            xmlAddChild(root, xmlDocCopyNode(current, copy, 1))
          }
          child = current.pointee.next
        }
      } else {
        if let actors = plan.actorsElement {
          let named = Set(items.compactMap { Plan.taken(xmlGetNoNsProp($0, "author")) })
          let wanted = XMLNode.elementChildren(of: actors).filter { actor in
            Plan.taken(xmlGetNoNsProp(actor, "ref")).map(named.contains) ?? false
          }
          xmlAddChild(root, shallowCopy(actors, into: copy, with: wanted))
        }
        xmlAddChild(root, shallowCopy(plan.itemsElement, into: copy, with: items))
      }
      return tree
    }

    /// A copy of `element` holding copies of `children` only.
    private func shallowCopy(_ element: xmlNodePtr, into doc: xmlDocPtr, with children: [xmlNodePtr]) -> xmlNodePtr {
      let copy = xmlDocCopyNode(element, doc, 2)!
      for child in children { xmlAddChild(copy, xmlDocCopyNode(child, doc, 1)) }
      return copy
    }
  }

  /// What the threads hand back: the next run to render, each run's page (the first) or
  /// articles (the others), and the first failure.
  final class RunResults: @unchecked Sendable {
    // Unchecked: every field is read and written under `lock`.
    private let lock = NSLock()
    private var nextRun = 0
    private var stored: [(page: Data, region: Range<Int>)?]
    private var firstFailure: (any Error)?
    private var gaveUp = false

    init(count: Int) { stored = Array(repeating: nil, count: count) }

    /// The next run to render, or nil when all are taken, or one failed or gave up.
    func next() -> Int? {
      lock.withLock {
        guard firstFailure == nil, !gaveUp, nextRun < stored.count else { return nil }
        defer { nextRun += 1 }
        return nextRun
      }
    }

    func store(_ run: Int, _ piece: (page: Data, region: Range<Int>)) { lock.withLock { stored[run] = piece } }
    func fail(_ error: any Error) { lock.withLock { if firstFailure == nil { firstFailure = error } } }
    /// A page was not as expected: the report is made in one run instead.
    func giveUp() { lock.withLock { gaveUp = true } }

    var failure: (any Error)? { lock.withLock { firstFailure } }

    /// Every run's piece, or nil when one is missing.
    var pieces: [(page: Data, region: Range<Int>)]? {
      lock.withLock {
        guard !gaveUp, firstFailure == nil else { return nil }
        let all = stored.compactMap { $0 }
        return all.count == stored.count ? all : nil
      }
    }
  }
}
