import Dispatch

/// Frees large C structures on a background thread, off the path of the work that made them.
///
/// Freeing a tree of millions of libxml2 nodes (the HTML report of a 100k-item bundle, or the
/// transform context with its key tables) takes seconds, most of it in the allocator. An export
/// has no use for that time: once the bytes are out, the objects are handed here and the export
/// goes on to sign and zip while another core frees them.
///
/// The caller gives up its references: nothing else may hold the objects, or anything they own,
/// once they are handed over. The objects must free only what they own (a libxml2 document and
/// its dictionary, a libxslt context), never state shared with the caller's thread.
enum BackgroundRelease {
  /// One bag of objects whose last references move to the queue.
  private final class Bag: @unchecked Sendable {
    // Unchecked: the bag is made, filled and then touched only by the queue's closure, which
    // drops it; the caller keeps no reference (see above).
    var objects: [AnyObject]
    init(_ objects: [AnyObject]) { self.objects = objects }
  }

  private static let queue = DispatchQueue(label: "casefile.background-release", qos: .utility)

  /// Takes the objects' last references and drops them on the queue.
  static func release(_ objects: [AnyObject]) {
    let bag = Bag(objects)
    queue.async { bag.objects.removeAll() }
  }
}
