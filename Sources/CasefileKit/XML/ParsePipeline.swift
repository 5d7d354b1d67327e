import Foundation

/// Runs a streaming parse on a worker thread while the calling thread reads the input and uses
/// what the parse produces, so that libxml2's work and the reader's own work overlap on two cores.
///
/// The calling thread keeps everything that is not thread-safe: it pulls the chunks (through
/// closures that may update progress or hash the input), and it hands every item to the caller's
/// code in order. The worker only sees the chunks, in order, and sends back batches of Sendable
/// items. Both directions are bounded (a few chunks, a few batches), so memory stays flat.
///
/// Errors keep their order: items produced before a parse error are handed on first, then the
/// error is thrown. If the calling side fails (the input or the consumer throws), the worker is
/// stopped and waited for before the error goes on: no thread outlives the call.
enum ParsePipeline {
  /// Runs `parse` on a worker thread. `parse` reads chunks through its `source` (nil at the end)
  /// and hands items on through `deliver`. `read` gives the next chunk on the calling thread (nil
  /// at the end); `consume` takes each batch of items on the calling thread.
  static func run<Item: Sendable>(
    read: () throws -> Data?,
    parse: @escaping @Sendable (_ source: @escaping () throws -> Data?, _ deliver: @escaping ([Item]) throws -> Void) throws -> Void,
    consume: ([Item]) throws -> Void
  ) throws {
    let exchange = Exchange<Item>()
    let worker = Thread {
      do {
        try parse({ try exchange.takeChunk() }, { try exchange.put($0) })
        exchange.finish(nil)
      } catch let error as CasefileError {
        exchange.finish(error)
      } catch {
        exchange.finish(CasefileError(.internalError, "the XML reader stopped: \(error)"))
      }
    }
    // libxml2's reader recurses little, but give it the stack a main thread has.
    worker.stackSize = 8 << 20
    worker.start()
    do {
      while true {
        switch exchange.next() {
        case .batch(let items): try consume(items)
        case .needChunk: exchange.give(try read())
        case .done(let failure):
          if let failure { throw failure }
          return
        }
      }
    } catch {
      exchange.cancelAndWait()
      throw error
    }
  }

  /// Thrown to the worker when the calling side has given up.
  struct Cancelled: Error {}

  /// The chunks going to the worker and the batches coming back, under one lock.
  final class Exchange<Item: Sendable>: @unchecked Sendable {
    // Every stored property is read and written only with `condition` locked.
    private let condition = NSCondition()
    private var chunks: [Data] = []
    private var inputEnded = false
    private var batches: [[Item]] = []
    private var workerDone = false
    private var failure: CasefileError?
    private var cancelled = false
    /// How many chunks and batches may wait in each direction.
    static var chunkLimit: Int { 4 }
    static var batchLimit: Int { 4 }

    enum Next {
      case batch([Item])
      case needChunk
      case done(CasefileError?)
    }

    // The worker's side.

    /// The next chunk, waiting for it; nil at the end of the input.
    func takeChunk() throws -> Data? {
      condition.lock()
      defer { condition.unlock() }
      while chunks.isEmpty && !inputEnded && !cancelled { condition.wait() }
      if cancelled { throw Cancelled() }
      guard !chunks.isEmpty else { return nil }
      condition.broadcast()
      return chunks.removeFirst()
    }

    /// Hands a batch to the calling thread, waiting while too many are queued.
    func put(_ items: [Item]) throws {
      condition.lock()
      defer { condition.unlock() }
      while batches.count >= Self.batchLimit && !cancelled { condition.wait() }
      if cancelled { throw Cancelled() }
      batches.append(items)
      condition.broadcast()
    }

    func finish(_ error: CasefileError?) {
      condition.lock()
      defer { condition.unlock() }
      failure = error
      workerDone = true
      condition.broadcast()
    }

    // The calling thread's side.

    /// What to do next: use a batch, read a chunk, or stop. Batches come first, so that
    /// everything the worker produced is used before its end (or its error) is seen.
    func next() -> Next {
      condition.lock()
      defer { condition.unlock() }
      while true {
        if !batches.isEmpty {
          condition.broadcast()
          return .batch(batches.removeFirst())
        }
        if workerDone { return .done(failure) }
        if !inputEnded && chunks.count < Self.chunkLimit { return .needChunk }
        condition.wait()
      }
    }

    /// Gives the worker the next chunk, or tells it the input has ended.
    func give(_ chunk: Data?) {
      condition.lock()
      defer { condition.unlock() }
      if let chunk { chunks.append(chunk) } else { inputEnded = true }
      condition.broadcast()
    }

    /// Stops the worker and waits until it has finished.
    func cancelAndWait() {
      condition.lock()
      defer { condition.unlock() }
      cancelled = true
      condition.broadcast()
      while !workerDone { condition.wait() }
    }
  }
}
