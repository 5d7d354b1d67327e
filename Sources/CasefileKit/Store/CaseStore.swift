import Foundation
import GRDB

#if canImport(Glibc)
  import Glibc
#endif

/// An open casefile store: the case database and the blob area.
///
/// All writes go through one SQLite connection in WAL mode with `synchronous=FULL`, inside
/// IMMEDIATE transactions, so two casefile processes writing at once take turns; a process that
/// waits longer than its busy timeout (``defaultBusyTimeout`` unless told otherwise) fails with a
/// clear "store is busy" error.
public final class CaseStore: Sendable {
  public let location: StoreLocation
  public let blobs: BlobStore
  public let clock: Clock
  /// The zone for times typed without one, and for "today" on ladder steps.
  public let zone: TimeZone
  let dbQueue: DatabaseQueue
  /// The device and inode of the database file this store opened; a write checks, before it
  /// commits, that the store's path still names that file.
  private let databaseFile: FileIdentity

  /// How long a write waits, by default, for another casefile process before giving up.
  public static let defaultBusyTimeout: TimeInterval = 30

  private init(location: StoreLocation, opened: (DatabaseQueue, FileIdentity), clock: Clock, zone: TimeZone) {
    self.location = location
    (self.dbQueue, self.databaseFile) = opened
    self.clock = clock
    self.zone = zone
    self.blobs = BlobStore(root: location.blobsURL)
  }

  /// Creates a store (or opens the one already there) and brings its schema up to date.
  public static func initialize(
    at location: StoreLocation, clock: Clock = .system, zone: TimeZone = .current,
    busyTimeout: TimeInterval = defaultBusyTimeout
  ) throws -> (store: CaseStore, created: Bool) {
    let fm = FileManager.default
    let existed = fm.fileExists(atPath: location.databaseURL.path)
    do {
      try fm.createDirectory(
        at: location.directory, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o700])
      try fm.createDirectory(
        at: location.blobsURL, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o700])
    } catch {
      throw CasefileError(
        .storeNotWritable, "cannot create the store directory: \(describe(error))",
        location: .init(file: location.directory.path))
    }
    try StorePermissions.tighten(location)
    try requireWritable(location)
    let store = try CaseStore(
      location: location, opened: openQueue(location, busyTimeout: busyTimeout), clock: clock, zone: zone)
    return (store, !existed)
  }

  /// Opens an existing store, bringing its schema up to date.
  public static func open(
    at location: StoreLocation, clock: Clock = .system, zone: TimeZone = .current,
    busyTimeout: TimeInterval = defaultBusyTimeout
  ) throws -> CaseStore {
    var info = stat()
    if stat(location.directory.path, &info) == 0,
      access(location.directory.path, R_OK | W_OK | X_OK) != 0
    {
      throw CasefileError(
        .storeNotWritable, "the store directory is not writable: \(String(cString: strerror(errno)))",
        location: .init(file: location.directory.path))
    }
    guard FileManager.default.fileExists(atPath: location.databaseURL.path) else {
      throw CasefileError(
        .storeNotFound, "no casefile store here; run 'casefile init' first",
        location: .init(file: location.directory.path))
    }
    try requireWritable(location)
    return CaseStore(
      location: location, opened: try openQueue(location, busyTimeout: busyTimeout), clock: clock, zone: zone)
  }

  /// The value of `PRAGMA synchronous` on the writer connection (2 means FULL).
  public func writerSynchronousMode() throws -> Int {
    try dbQueue.writeWithoutTransaction { db in
      try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
    }
  }

  private static func requireWritable(_ location: StoreLocation) throws {
    for url in [location.directory, location.blobsURL] where access(url.path, W_OK) != 0 {
      throw CasefileError(
        .storeNotWritable, "the store directory is not writable: \(String(cString: strerror(errno)))",
        location: .init(file: url.path))
    }
  }

  /// Opens the database, and notes which file it is.
  private static func openQueue(
    _ location: StoreLocation, busyTimeout: TimeInterval
  ) throws -> (DatabaseQueue, FileIdentity) {
    var config = Configuration()
    config.foreignKeysEnabled = true
    config.journalMode = .wal
    config.busyMode = .timeout(busyTimeout)
    config.label = "casefile"
    config.publicStatementArguments = false
    do {
      let queue = try DatabaseQueue(path: location.databaseURL.path, configuration: config)
      try queue.writeWithoutTransaction { db in
        // GRDB sets NORMAL while it turns WAL on; evidence needs every commit on disk.
        try db.execute(sql: "PRAGMA synchronous = FULL")
        guard try Int.fetchOne(db, sql: "PRAGMA synchronous") == 2 else {
          throw CasefileError(.internalError, "SQLite refused synchronous=FULL")
        }
      }
      // A store from a newer casefile has migrations this one does not know: writing to it
      // with this version's idea of the tables could break what the newer one relies on.
      if try queue.read({ try Schema.migrator.hasBeenSuperseded($0) }) {
        throw CasefileError(
          .storeTooNew, "this store was upgraded by a newer casefile than \(CasefileVersion.current); use that version (nothing was changed)",
          location: .init(file: location.databaseURL.path))
      }
      try Schema.migrator.migrate(queue)
      chmod(location.databaseURL.path, 0o600)
      guard let identity = FileIdentity(of: location.databaseURL) else {
        throw CasefileError(
          .storeNotFound, "the store was deleted or moved while it was being opened",
          location: .init(file: location.databaseURL.path))
      }
      return (queue, identity)
    } catch let error as CasefileError {
      throw error
    } catch {
      throw map(error, location: location)
    }
  }

  /// Runs one write transaction. Blob files created during `body` are removed again if it fails,
  /// so a failed command leaves nothing behind.
  ///
  /// Blobs are written and discarded only while a transaction holds the store's write lock, so
  /// no other process can come to rely on a file that is then removed. If the COMMIT itself fails
  /// (a full disk), the new files are removed in a second transaction, under the lock again, unless
  /// a row names them: the failed COMMIT may have reached the disk after all.
  func write<T>(_ body: (Database, inout WriteContext) throws -> T) throws -> T {
    var context = WriteContext(at: UTCStamp.format(clock.now()))
    var discarded = false
    defer {
      if !discarded && !context.createdBlobs.isEmpty { discardUnreferenced(context.createdBlobs) }
    }
    do {
      let result = try dbQueue.write { db in
        do {
          let result = try body(db, &context)
          try requireInPlace()
          return result
        } catch {
          for sha in context.createdBlobs { blobs.discard(sha) }
          discarded = true
          throw error
        }
      }
      // Deleted during the COMMIT itself: SQLite committed into the deleted file. Too late to
      // undo, but never report it as stored.
      discarded = true
      try requireInPlace(committed: true)
      return result
    } catch let error as CasefileError {
      throw error
    } catch {
      throw Self.map(error, location: location)
    }
  }

  /// Removes the blob files a failed write created that no row names, holding the write lock.
  /// Best effort: a file left behind is an unreferenced content-addressed blob, harmless.
  private func discardUnreferenced(_ created: [String]) {
    try? dbQueue.write { db in
      for sha in created where try Bool.fetchOne(db, sql: "SELECT 1 FROM blobs WHERE sha256 = ?", arguments: [sha]) != true {
        blobs.discard(sha)
      }
    }
  }

  /// Fails if the database file was deleted, moved or replaced since this store opened it.
  ///
  /// SQLite keeps writing to the file it has open, so without this check a write into a store
  /// that was deleted while the command ran (a sync tool, a second window) would commit into
  /// the deleted file and report success, and the evidence would be gone.
  /// `committed` says the check comes after the COMMIT: the change went into the file that is no
  /// longer the store's, so it is not in the store.
  private func requireInPlace(committed: Bool = false) throws {
    let opened = databaseFile
    let outcome = committed ? "what it wrote is not in the store" : "nothing was stored"
    guard let now = FileIdentity(of: location.databaseURL) else {
      throw CasefileError(
        .storeNotFound, "the store was deleted or moved while this command ran; \(outcome)",
        location: .init(file: location.databaseURL.path))
    }
    guard now == opened else {
      throw CasefileError(
        .storeNotWritable, "the store's database file was replaced while this command ran; \(outcome)",
        location: .init(file: location.databaseURL.path))
    }
  }

  /// Runs one read.
  func read<T>(_ body: (Database) throws -> T) throws -> T {
    do {
      return try dbQueue.read(body)
    } catch let error as CasefileError {
      throw error
    } catch {
      throw Self.map(error, location: location)
    }
  }

  /// Turns SQLite's errors into casefile's, without quoting any statement argument.
  static func map(_ error: Error, location: StoreLocation) -> CasefileError {
    let where_ = CasefileError.Location(file: location.databaseURL.path)
    guard let dbError = error as? DatabaseError else {
      return CasefileError(.io, "store error: \(describe(error))", location: where_)
    }
    switch dbError.resultCode {
    case .SQLITE_BUSY, .SQLITE_LOCKED:
      return CasefileError(
        .storeBusy, "the store is busy: another casefile process is writing to it; try again",
        location: where_)
    case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
      return CasefileError(
        .storeNotWritable, "the store cannot be written: \(dbError.message ?? "permission denied")",
        location: where_)
    case .SQLITE_FULL:
      return CasefileError(.io, "the disk is full; nothing was stored", location: where_)
    case .SQLITE_IOERR:
      return CasefileError(.io, "the store could not be written: disk I/O error", location: where_)
    case .SQLITE_CORRUPT, .SQLITE_NOTADB:
      return CasefileError(.integrity, "the store database is damaged: \(dbError.message ?? "")", location: where_)
    case .SQLITE_CONSTRAINT:
      return CasefileError(.notAllowed, "refused by the store: \(dbError.message ?? "constraint failed")", location: where_)
    default:
      return CasefileError(.database, "store error: \(dbError.message ?? "\(dbError.resultCode)")", location: where_)
    }
  }

  private static func describe(_ error: Error) -> String {
    if let error = error as? CocoaError, let underlying = error.underlying as? POSIXError {
      return String(cString: strerror(underlying.code.rawValue))
    }
    return (error as NSError).localizedDescription
  }
}

/// Which file a path names: its device and inode.
struct FileIdentity: Equatable, Sendable {
  let device: UInt64
  let inode: UInt64

  init?(of url: URL) {
    var info = stat()
    guard stat(url.path, &info) == 0 else { return nil }
    device = UInt64(info.st_dev)
    inode = UInt64(info.st_ino)
  }
}

/// What one write transaction carries along: its timestamp and the blob files it created.
struct WriteContext {
  /// The transaction's time, in ``UTCStamp`` form; every row and audit record it writes uses it.
  let at: String
  var createdBlobs: [String] = []
  /// The audit chain's head and row layouts, kept for this transaction.
  let audit = AuditCache()

  /// Inserts a row, audits it, and returns its id.
  func insert(_ db: Database, _ table: String, _ values: [(String, (any DatabaseValueConvertible)?)]) throws -> Int64 {
    let columns = values.map(\.0).joined(separator: ", ")
    let marks = Array(repeating: "?", count: values.count).joined(separator: ", ")
    // Cached: imports insert the same shapes thousands of times.
    try db.cachedStatement(sql: "INSERT INTO \(table) (\(columns)) VALUES (\(marks))")
      .execute(arguments: StatementArguments(StoredText.bindable(values.map(\.1))))
    let id = db.lastInsertedRowID
    try AuditLog.record(db, .insert, table: table, id: id, at: at, cache: audit)
    return id
  }

  /// Updates a row of a mutable table, and audits its new state.
  func update(_ db: Database, _ table: String, id: Int64, _ values: [(String, (any DatabaseValueConvertible)?)]) throws {
    let assignments = values.map { "\($0.0) = ?" }.joined(separator: ", ")
    try db.execute(
      sql: "UPDATE \(table) SET \(assignments) WHERE id = ?",
      arguments: StatementArguments(StoredText.bindable(values.map(\.1)) + [id]))
    try AuditLog.record(db, .update, table: table, id: id, at: at, cache: audit)
  }
}
