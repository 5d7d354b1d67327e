import CasefileKit
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A full disk, a read-only store, a store deleted under a command, and an export to a full disk.
///
/// Mounting a small filesystem needs privileges CI may lack, so the faults come from the
/// fault-injecting file layer (Sources/CFaultInject), preloaded into the `casefile` process. Each
/// case must give a clear error (non-zero exit, a message naming the problem, never a crash) and
/// leave no partial write: the store passes `PRAGMA integrity_check` and `casefile fsck`, the
/// earlier evidence is unchanged, and nothing of the failed command is stored.
@Suite struct FaultCLITests {
  /// A store with one case holding earlier evidence (a message with an attachment), and a
  /// 600-message export (12 MMS images) to import into it.
  func seeded() throws -> (cli: CLI, ref: String, export: URL) {
    let dir = try TempDir()
    let cli = CLI(in: dir)
    try cli.ok(["init"])
    let ref = (try cli.json(["case", "open", "Faults", "--category", "harassment"]) as! [String: Any])["ref"] as! String
    let shot = dir.url.appendingPathComponent("shot.png")
    try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<4000).map { UInt8($0 % 251) }).write(to: shot)
    try cli.ok(["log", "--case", ref, "--platform", "x", "--kind", "dm", "--author", "@t", "--at", "2026-11-20 10:00", "--text", "earlier", "--attach", shot.path])
    let export = dir.url.appendingPathComponent("sms-backup.xml")
    try SyntheticSMS.write(messages: 600, seed: 6, to: export)
    return (cli, ref, export)
  }

  @Test func theFaultLayerIsBuilt() {
    #expect(FileManager.default.fileExists(atPath: FaultLayer.library.path), "build the CasefileFaultInject product: \(FaultLayer.library.path)")
  }

  /// Import onto a disk that fills up after N bytes: at 0 the store cannot even be opened (its
  /// shared-memory file), then the WAL, the blob area, and the commit.
  @Test(arguments: [0, 33_000, 34_000, 60_000, 400_000])
  func importOntoAFullDiskStoresNothing(bytes: Int) throws {
    let (cli, ref, export) = try seeded()
    let before = try storeState(cli)
    let log = cli.dir.url.appendingPathComponent("faults.log")
    var full = cli
    full.environment = FaultLayer.environment(cli, prefix: cli.store, log: log, ["ENOSPC_AFTER": "\(bytes)"])
    let result = try full.run(["import", export.path, "--case", ref])
    let faults = FaultLayer.faults(in: log)
    print("full disk at \(bytes) bytes: \(faults.first ?? "no fault") -> \(result.stderr.trimmingCharacters(in: .newlines))")
    #expect(!faults.isEmpty, "no write was refused: the import fits in \(bytes) bytes")
    expectCleanFailure(result, status: 74)
    #expect(result.stderr.contains(cli.store.path), "\(result.stderr)")
    #expect(
      ["disk is full", "No space left on device", "disk I/O error"].contains { result.stderr.contains($0) }, "\(result.stderr)")
    #expect(!result.stdout.contains("Imported"))
    #expect(try integrityCheck(cli) == "ok")
    let after = try storeState(cli)
    #expect(after == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: cli.store.appendingPathComponent("blobs/tmp").path).isEmpty)
    // With room again, the same import goes through whole.
    let again = try cli.json(["import", export.path, "--case", ref]) as! [String: Any]
    #expect(again["new"] as? Int == 600)
    #expect(try sqlite(cli, "SELECT COUNT(*) FROM evidence") == "601")
  }

  /// The disk refuses to sync the WAL at COMMIT: the import fails and stores nothing.
  @Test func importWhoseCommitCannotBeSyncedStoresNothing() throws {
    let (cli, ref, export) = try seeded()
    let before = try storeState(cli)
    let log = cli.dir.url.appendingPathComponent("faults.log")
    var failing = cli
    failing.environment = FaultLayer.environment(cli, prefix: cli.store, log: log, ["FSYNC": "eio"])
    let result = try failing.run(["import", export.path, "--case", ref])
    #expect(!FaultLayer.faults(in: log).isEmpty)
    expectCleanFailure(result, status: 74)
    #expect(result.stderr.contains(cli.store.path))
    #expect(try integrityCheck(cli) == "ok")
    #expect(try storeState(cli) == before)
  }

  /// A store on a read-only disk (EROFS), or one the user may not write (EACCES, which also holds
  /// for root, unlike chmod): every command says the store is not writable and touches nothing.
  /// Reads fail too: SQLite cannot read a WAL-mode database on a read-only disk without its -shm
  /// file, unless opened as immutable; the message still names the problem.
  @Test(arguments: ["erofs", "eacces"])
  func readOnlyStoreIsAClearError(errno: String) throws {
    let (cli, ref, export) = try seeded()
    let before = try storeState(cli)
    let log = cli.dir.url.appendingPathComponent("faults.log")
    var readOnly = cli
    readOnly.environment = FaultLayer.environment(cli, prefix: cli.store, log: log, ["READONLY": errno])
    let reason = errno == "erofs" ? "Read-only file system" : "Permission denied"
    for args in [["import", export.path, "--case", ref], ["case", "list"], ["log", "--case", ref, "--platform", "x", "--kind", "dm", "--at", "2026-11-20 10:00", "--text", "SECRET-BODY"]] {
      let result = try readOnly.run(args)
      expectCleanFailure(result, status: 74)
      #expect(result.stderr.contains("not writable: \(reason)"), "\(args): \(result.stderr)")
      #expect(result.stderr.contains(cli.store.path))
      #expect(!result.stderr.contains("SECRET-BODY"))
    }
    #expect(!FaultLayer.faults(in: log).isEmpty)
    #expect(try storeState(cli) == before)
  }

  /// The store deleted between two commands: the next one says there is no store, and neither a
  /// read nor an import creates an empty one in its place.
  @Test func storeDeletedBetweenCommands() throws {
    let (cli, ref, export) = try seeded()
    try FileManager.default.removeItem(at: cli.store)
    for args in [["case", "list"], ["import", export.path, "--case", ref]] {
      let result = try cli.run(args)
      expectCleanFailure(result, status: 66)
      #expect(result.stderr.contains("no casefile store here"), "\(result.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: cli.store.path))
  }

  /// The store deleted while an import runs. The fault layer stops the process when the bytes
  /// written to the store pass a mark; the test deletes the store and continues it. At 1 byte the
  /// store is being opened; at 60 kB the import writes its blobs; a media-less import at 40 kB is
  /// in its COMMIT, which SQLite completes into the deleted file. Each must fail, never report the
  /// evidence as stored, and never recreate the store.
  @Test(arguments: [(1, true), (60_000, true), (40_000, false)])
  func storeDeletedDuringAnImport(pauseAfter: Int, withMedia: Bool) throws {
    let (cli, ref, export) = try seeded()
    let source = withMedia ? export : cli.dir.url.appendingPathComponent("texts.xml")
    if !withMedia { try SyntheticSMS.write(messages: 50, seed: 7, mmsEvery: 0, to: source) }
    let mark = cli.dir.url.appendingPathComponent("paused")
    let log = cli.dir.url.appendingPathComponent("faults.log")
    let process = Process()
    process.executableURL = CLI.binary
    process.arguments = ["import", source.path, "--case", ref]
    process.environment = FaultLayer.environment(
      cli, prefix: cli.store, log: log, ["PAUSE_AFTER": "\(pauseAfter)", "PAUSE_MARK": mark.path])
    let out = cli.dir.url.appendingPathComponent("out.txt")
    let err = cli.dir.url.appendingPathComponent("err.txt")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Not a timed assertion: a bound so that a broken pause point fails instead of hanging.
    let deadline = Date().addingTimeInterval(120)
    while !FileManager.default.fileExists(atPath: mark.path) && process.isRunning && Date() < deadline { usleep(10_000) }
    #expect(FileManager.default.fileExists(atPath: mark.path), "the import never reached the pause point")
    // The mark is made just before the process stops itself: wait until it has stopped, or the
    // SIGCONT could come first and the process would then stay stopped.
    while process.isRunning && !isStopped(process.processIdentifier) && Date() < deadline { usleep(1_000) }
    try? FileManager.default.removeItem(at: cli.store)
    kill(process.processIdentifier, SIGCONT)
    process.waitUntilExit()
    let result = CLI.Result(
      status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
      stderr: try String(contentsOf: err, encoding: .utf8))
    print("store deleted at \(pauseAfter) bytes (media: \(withMedia)): \(result.stderr.trimmingCharacters(in: .newlines))")
    expectCleanFailure(result)
    #expect(!result.stdout.contains("Imported"))
    #expect(
      ["deleted or moved", "No such file or directory"].contains { result.stderr.contains($0) }, "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: cli.store.path), "the import recreated the store directory")
  }

  /// A case with a 300 kB attachment, and a signing key, for the export cases.
  func exportable() throws -> (cli: CLI, ref: String, out: URL) {
    let dir = try TempDir()
    let cli = CLI(in: dir)
    try cli.ok(["init"])
    try cli.ok(["keys", "init"])
    let ref = (try cli.json(["case", "open", "Export faults", "--category", "harassment"]) as! [String: Any])["ref"] as! String
    var random = SyntheticSMS.Random(state: 9)
    let shot = dir.url.appendingPathComponent("shot.png")
    try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<300_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }).write(to: shot)
    try cli.ok(["log", "--case", ref, "--platform", "x", "--kind", "dm", "--author", "@t", "--at", "2026-11-20 10:00", "--text", "hello", "--attach", shot.path])
    let out = dir.url.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    return (cli, ref, out)
  }

  /// Export to a disk that fills up at 0 bytes, inside the attachment, and in the zip's central
  /// directory at the very end; and to one whose fsync fails. No package under the final name and
  /// no temporary file is left; with --force, the package already there is left as it was.
  @Test func exportToAFullDiskLeavesNothingBehind() throws {
    let (cli, ref, out) = try exportable()
    let package = out.appendingPathComponent("case.zip")
    let whole = try cli.json(["export", "--case", ref, "--for", "indemnifier", "--out", package.path]) as! [String: Any]
    let size = try FileManager.default.attributesOfItem(atPath: package.path)[.size] as! Int
    let oldBytes = try Data(contentsOf: package)
    #expect(whole["package_sha256"] as? String != nil)
    let before = try storeState(cli)
    let log = cli.dir.url.appendingPathComponent("faults.log")
    let faults: [[String: String]] =
      [0, 20_000, size / 2, size - 200].map { ["ENOSPC_AFTER": "\($0)"] } + [["FSYNC": "eio"], ["FSYNC": "enospc"]]
    for fault in faults {
      for force in [false, true] {
        try? FileManager.default.removeItem(at: log)
        if !force { try FileManager.default.removeItem(at: package) }
        var full = cli
        full.environment = FaultLayer.environment(cli, prefix: out, log: log, fault)
        let result = try full.run(["export", "--case", ref, "--for", "indemnifier", "--out", package.path] + (force ? ["--force"] : []))
        print("export with \(fault) (force: \(force)): \(result.stderr.trimmingCharacters(in: .newlines))")
        #expect(!FaultLayer.faults(in: log).isEmpty, "\(fault)")
        expectCleanFailure(result, status: 74)
        #expect(["No space left on device", "Input/output error"].contains { result.stderr.contains($0) }, "\(result.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: out.path)
        if force {
          #expect(left == ["case.zip"], "\(fault): \(left)")
          #expect(try Data(contentsOf: package) == oldBytes, "\(fault): the earlier package was changed")
        } else {
          #expect(left.isEmpty, "\(fault): \(left)")
          try oldBytes.write(to: package)
        }
      }
    }
    #expect(try storeState(cli) == before)
  }

  /// `export --force` over an existing package replaces it (it used to lose both packages).
  @Test func exportForceReplacesThePackage() throws {
    let (cli, ref, out) = try exportable()
    let package = out.appendingPathComponent("case.zip")
    try cli.ok(["export", "--case", ref, "--for", "indemnifier", "--out", package.path])
    try cli.ok(["log", "--case", ref, "--platform", "x", "--kind", "dm", "--author", "@t", "--at", "2026-11-20 10:05", "--text", "later"])
    let second = try cli.json(["export", "--case", ref, "--for", "indemnifier", "--out", package.path, "--force"]) as! [String: Any]
    #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["case.zip"])
    #expect(second["items"] as? Int == 2)
    let fingerprint = second["key_fingerprint"] as! String
    try cli.ok(["verify", package.path, "--fingerprint", fingerprint])
    #expect(Digest.sha256Hex(try Data(contentsOf: package)) == second["package_sha256"] as? String)
  }
}

/// Whether a process is stopped (state T in /proc/PID/stat).
func isStopped(_ pid: pid_t) -> Bool {
  guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
    let close = stat.lastIndex(of: ")")
  else { return false }
  return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("T")
}
