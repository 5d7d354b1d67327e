import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Crash safety: an import killed with SIGKILL at a random moment, about 30 times.
///
/// Each round imports a new synthetic export (distinct messages, MMS images as blobs) into a store
/// that lives on across rounds (a new one is started once it holds enough to make fsck slow), and
/// kills the `casefile import` process after a random delay drawn from the seeded generator,
/// scaled to how long the last whole import took. Just before the kill the process is stopped
/// (SIGSTOP) and its open files read from /proc, which says where the kill landed: before the
/// store was opened, during the import, after the COMMIT, or after the process had exited (the
/// import acknowledged). After each kill:
/// - `PRAGMA integrity_check` says ok and `casefile fsck` passes;
/// - every import acknowledged before is there whole, and the killed one is all or nothing;
/// - re-running the killed import completes it: the case then holds every message once.
///
/// `CASEFILE_CRASH_SEED` repeats a run (the seed is printed); `CASEFILE_CRASH_ITERATIONS` changes
/// the number of rounds (30).
@Suite struct CrashLoopTests {
  static let messagesPerImport = 2_000
  /// Past this many items a new store is started, so that each fsck stays short.
  static let storeCap = 10_000

  enum Landing: String, CaseIterable {
    case beforeStore = "before the store was opened"
    case midImport = "mid-import"
    case afterCommit = "after the commit, before exit"
    case afterExit = "after exit (acknowledged)"
  }

  @Test func sigkillDuringImportLosesNothing() throws {
    let environment = ProcessInfo.processInfo.environment
    let seed = environment["CASEFILE_CRASH_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64(UInt32.max))
    let iterations = environment["CASEFILE_CRASH_ITERATIONS"].flatMap(Int.init) ?? 30
    print("crash loop: seed \(seed) (rerun with CASEFILE_CRASH_SEED=\(seed)), \(iterations) iterations")
    var random = SyntheticSMS.Random(state: seed)
    let started = Date()
    let dir = try TempDir()
    var landings: [Landing: Int] = [:]
    var acknowledged = 0
    var checkedWhole = 0  // acknowledged imports found whole after a kill, summed over the kills
    var stores = 0
    var orphanBlobs = 0
    var leftoverTemporaries = 0
    var lastWholeImport: TimeInterval = 0
    var cli: CLI?
    var ref = ""
    var expected = 0  // items the current store must hold: every completed import, whole

    for round in 0..<iterations {
      if cli == nil || expected >= Self.storeCap {
        stores += 1
        let fresh = CLI(in: dir, store: dir.url.appendingPathComponent("store\(stores)"))
        try fresh.ok(["init"])
        ref = (try fresh.json(["case", "open", "Crash loop", "--category", "harassment"]) as! [String: Any])["ref"] as! String
        // Earlier evidence, acknowledged; its time calibrates the kill delays.
        let first = dir.url.appendingPathComponent("first\(stores).xml")
        try SyntheticSMS.write(messages: Self.messagesPerImport, seed: seed &+ UInt64(1_000_000 + stores), to: first)
        let clock = Date()
        try fresh.ok(["import", first.path, "--case", ref])
        lastWholeImport = Date().timeIntervalSince(clock)
        cli = fresh
        expected = Self.messagesPerImport
      }
      let cli = cli!
      let export = dir.url.appendingPathComponent("round\(round).xml")
      try SyntheticSMS.write(messages: Self.messagesPerImport, seed: seed &+ UInt64(round), to: export)

      // The kill: somewhere in 0 to 1 times a whole import (timed with the process start), in µs.
      let delay = useconds_t(Double(random.below(1_000_000)) / 1_000_000 * lastWholeImport * 1_000_000)
      let child = try Child(CLI.binary.path, ["import", export.path, "--case", ref], environment: cli.environment, dir: dir.url)
      let exited = child.waitOrStop(after: delay)
      var landing: Landing
      if let status = exited {
        #expect(status == 0, "round \(round): the import failed before the kill: \(child.stderr())")
        landing = .afterExit
        acknowledged += 1
      } else {
        landing = child.hasOpen(cli.store.appendingPathComponent("casefile.sqlite").path) ? .midImport : .beforeStore
        child.kill()
      }

      // The store after the kill.
      #expect(try integrityCheck(cli) == "ok", "round \(round), seed \(seed)")
      let fsck = try cli.run(["fsck"])
      #expect(fsck.status == 0, "round \(round), seed \(seed): \(fsck.stderr)")
      let held = Int(try sqlite(cli, "SELECT COUNT(*) FROM evidence")) ?? -1
      if landing == .afterExit {
        #expect(held == expected + Self.messagesPerImport, "round \(round), seed \(seed): an acknowledged import is not whole")
      } else if held == expected + Self.messagesPerImport {
        landing = .afterCommit
      } else {
        #expect(held == expected, "round \(round), seed \(seed): \(held) items, not \(expected) or \(expected + Self.messagesPerImport): a partial import")
      }
      landings[landing, default: 0] += 1
      checkedWhole += expected / Self.messagesPerImport + (landing == .afterExit ? 1 : 0)
      // Every import in the store is whole: each one's provenance rows number its messages.
      let partial = try sqlite(cli, "SELECT COUNT(*) FROM (SELECT import_id FROM provenance GROUP BY import_id HAVING COUNT(*) != \(Self.messagesPerImport))")
      #expect(partial == "0", "round \(round), seed \(seed): an import is not whole")
      orphanBlobs += try orphans(cli)
      leftoverTemporaries += (try? FileManager.default.contentsOfDirectory(atPath: cli.store.appendingPathComponent("blobs/tmp").path).count) ?? 0

      // Re-running the import completes it, with no duplicates.
      let clock = Date()
      let rerun = try cli.json(["import", export.path, "--case", ref]) as! [String: Any]
      let committed = landing == .afterExit || landing == .afterCommit
      #expect(rerun["new"] as? Int == (committed ? 0 : Self.messagesPerImport), "round \(round), seed \(seed)")
      #expect(rerun["already_present"] as? Int == (committed ? Self.messagesPerImport : 0), "round \(round), seed \(seed)")
      if !committed { lastWholeImport = Date().timeIntervalSince(clock) }
      expected += Self.messagesPerImport
      #expect(try sqlite(cli, "SELECT COUNT(*) FROM evidence") == "\(expected)", "round \(round), seed \(seed)")
      #expect(try sqlite(cli, "SELECT COUNT(*) FROM (SELECT identity FROM evidence GROUP BY case_id, identity HAVING COUNT(*) > 1)") == "0")
      try FileManager.default.removeItem(at: export)
    }
    let figures = Landing.allCases.map { "\(landings[$0, default: 0]) \($0.rawValue)" }.joined(separator: ", ")
    print(
      "crash loop: seed \(seed): \(iterations) kills in \(stores) stores: \(figures); \(acknowledged) killed imports had been acknowledged, \(checkedWhole) acknowledged imports found whole after the kills; "
        + "\(orphanBlobs) unreferenced blob files and \(leftoverTemporaries) blob temporaries seen after kills; "
        + String(format: "%.1f s", Date().timeIntervalSince(started)))
    // Without kills that land mid-import the loop tested nothing; the delays scale with the
    // measured import time, so most land there.
    #expect(landings[.midImport, default: 0] > 0, "no kill landed mid-import (seed \(seed))")
  }

  /// Blob files that no row names: what a killed import wrote before its COMMIT. Harmless (the
  /// re-run finds and uses them), but counted.
  func orphans(_ cli: CLI) throws -> Int {
    let blobs = cli.store.appendingPathComponent("blobs")
    let known = Set(try sqlite(cli, "SELECT sha256 FROM blobs").split(separator: "\n").map(String.init))
    let files = (FileManager.default.enumerator(atPath: blobs.path)?.allObjects as? [String] ?? [])
      .filter { !$0.hasPrefix("tmp") && $0.count > 60 }
      .map { URL(fileURLWithPath: $0).lastPathComponent }
    return files.filter { !known.contains($0) }.count
  }
}

/// A child process started with posix_spawn and reaped here with waitpid, so that it can be
/// stopped, looked at and killed with no risk of signalling a reused process id.
final class Child {
  let pid: pid_t
  private let out: URL
  private let err: URL
  private var reaped = false

  init(_ path: String, _ arguments: [String], environment: [String: String], dir: URL) throws {
    out = dir.appendingPathComponent("child-\(UUID().uuidString).out")
    err = dir.appendingPathComponent("child-\(UUID().uuidString).err")
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, path, &actions, nil, argv, envp)
    guard status == 0 else { throw CasefileTestError("posix_spawn failed: \(String(cString: strerror(status)))") }
    self.pid = pid
  }

  /// Waits up to `delay` microseconds for the child to exit; returns its exit status if it did,
  /// else stops it (SIGSTOP) and returns nil.
  func waitOrStop(after delay: useconds_t) -> Int32? {
    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(delay) * 1000
    while DispatchTime.now().uptimeNanoseconds < deadline {
      var status: Int32 = 0
      if waitpid(pid, &status, WNOHANG) == pid {
        reaped = true
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
      }
      usleep(500)
    }
    Glibc.kill(pid, SIGSTOP)
    var status: Int32 = 0
    if waitpid(pid, &status, WUNTRACED) == pid, (status & 0xff) != 0x7f {
      // It exited in the meantime.
      reaped = true
      return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
    return nil
  }

  /// Whether the (stopped) child has `path` open.
  func hasOpen(_ path: String) -> Bool {
    let fds = "/proc/\(pid)/fd"
    for name in (try? FileManager.default.contentsOfDirectory(atPath: fds)) ?? [] {
      if (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fds)/\(name)")) == path { return true }
    }
    return false
  }

  /// SIGKILL, then reap.
  func kill() {
    guard !reaped else { return }
    Glibc.kill(pid, SIGKILL)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    reaped = true
  }

  func stderr() -> String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }

  deinit {
    kill()
    try? FileManager.default.removeItem(at: out)
    try? FileManager.default.removeItem(at: err)
  }
}
