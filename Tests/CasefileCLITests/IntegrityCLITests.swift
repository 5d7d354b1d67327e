import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct IntegrityCLITests {
  /// A store with one case and three logged messages, one with an attachment.
  func seeded() throws -> (CLI, String) {
    let dir = try TempDir()
    let cli = CLI(in: dir)
    try cli.ok(["init"])
    let ref = (try cli.json(["case", "open", "Tamper target", "--category", "harassment"]) as! [String: Any])["ref"] as! String
    let shot = dir.url.appendingPathComponent("shot.png")
    try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 9, 9, 9, 9]).write(to: shot)
    try cli.ok(["log", "--case", ref, "--platform", "x", "--kind", "dm", "--author", "@t", "--at", "2026-11-20 10:00", "--text", "alpha"])
    try cli.ok(["log", "--case", ref, "--platform", "x", "--kind", "dm", "--author", "@t", "--at", "2026-11-20 10:05", "--text", "bravo", "--attach", shot.path])
    try cli.ok(["log", "--case", ref, "--platform", "x", "--kind", "dm", "--author", "@t", "--at", "2026-11-20 10:10", "--text", "charlie"])
    return (cli, ref)
  }

  @Test func editedEvidenceRowIsNamedByFsck() throws {
    let (cli, _) = try seeded()
    let db = cli.store.appendingPathComponent("casefile.sqlite").path
    let refused = try shell("sqlite3 '\(db)' \"UPDATE evidence SET text = 'beta' WHERE id = 2\"")
    #expect(refused.status != 0)
    #expect(refused.output.contains("append-only"))
    let tampered = try shell("sqlite3 '\(db)' \"DROP TRIGGER evidence_no_update; UPDATE evidence SET text = 'beta' WHERE id = 2;\"")
    #expect(tampered.status == 0, "\(tampered.output)")
    let result = try cli.run(["fsck"])
    #expect(result.status == 80)
    #expect(result.stderr.contains("E-2 (evidence row 2) does not match its audit record"))
    #expect(!result.stderr.contains("beta") && !result.stderr.contains("bravo"))
    let report = try JSONSerialization.jsonObject(with: Data(try cli.run(["fsck", "--json"]).stdout.utf8)) as! [String: Any]
    #expect(report["ok"] as? Bool == false)
    #expect((report["problems"] as! [[String: Any]]).first?["ref"] as? String == "E-2")
  }

  @Test func flippedBlobByteIsNamedByFsck() throws {
    let (cli, ref) = try seeded()
    let detail = try cli.json(["case", "show", ref]) as! [String: Any]
    let item = (detail["evidence"] as! [[String: Any]]).first { ($0["attachments"] as! [Any]).count == 1 }!
    let sha = ((item["attachments"] as! [[String: Any]])[0]["sha256"]) as! String
    let path = cli.store.appendingPathComponent("blobs").appendingPathComponent(String(sha.prefix(2))).appendingPathComponent(sha)
    var bytes = try Data(contentsOf: path)
    bytes[bytes.count - 1] ^= 0xFF
    try bytes.write(to: path)
    let result = try cli.run(["fsck"])
    #expect(result.status == 80)
    #expect(result.stderr.contains("blob \(sha) does not match its hash"))
  }

  /// Two processes log 200 messages each into one store at the same time.
  @Test func twoWritersAtOnceLoseNothing() throws {
    let (cli, ref) = try seeded()
    let loop = { (who: String) -> String in
      """
      i=0; while [ $i -lt 200 ]; do i=$((i+1));
        "$CASEFILE_BIN" log --case \(ref) --platform sms --kind sms --author \(who) --at "2026-11-21 09:00" --text "msg \(who) $i" >/dev/null || exit 1;
      done
      """
    }
    var environment = cli.environment
    environment["CASEFILE_BIN"] = CLI.binary.path
    let writers = try ["+111", "+222"].map { who in
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", loop(who)]
      process.environment = environment
      process.standardInput = FileHandle.nullDevice
      try process.run()
      return process
    }
    for writer in writers {
      writer.waitUntilExit()
      #expect(writer.terminationStatus == 0)
    }
    let detail = try cli.json(["case", "show", ref]) as! [String: Any]
    let texts = (detail["evidence"] as! [[String: Any]]).compactMap { $0["text"] as? String }
    #expect(texts.count == 403)
    #expect(Set(texts).count == 403)
    let fsck = try cli.json(["fsck"]) as! [String: Any]
    #expect(fsck["ok"] as? Bool == true)
  }

  @Test func aWriterHeldUpTooLongSaysTheStoreIsBusy() throws {
    let (cli, ref) = try seeded()
    let before = try storeState(cli)
    let marker = cli.dir.url.appendingPathComponent("locked")
    let db = cli.store.appendingPathComponent("casefile.sqlite").path
    // Another writer takes the store's write lock and keeps it for a few seconds.
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/bin/sh")
    holder.arguments = ["-c", "printf 'BEGIN IMMEDIATE;\\n.shell touch \(marker.path)\\n.shell sleep 4\\nCOMMIT;\\n' | sqlite3 '\(db)'"]
    holder.standardInput = FileHandle.nullDevice
    try holder.run()
    let deadline = Date().addingTimeInterval(10)
    while !FileManager.default.fileExists(atPath: marker.path) && Date() < deadline { usleep(20_000) }
    #expect(FileManager.default.fileExists(atPath: marker.path))

    var impatient = cli
    impatient.environment["CASEFILE_BUSY_TIMEOUT"] = "0.5"
    let result = try impatient.run(["log", "--case", ref, "--platform", "x", "--kind", "dm", "--at", "2026-11-20 10:00", "--text", "SECRET-BODY"])
    #expect(result.status == 75, "\(result.stderr)")
    #expect(result.stderr.contains("the store is busy"))
    #expect(!result.stderr.contains("SECRET-BODY"))
    holder.waitUntilExit()
    #expect(holder.terminationStatus == 0)
    #expect(try storeState(cli) == before)
    // Once the other writer is done, the same command goes through.
    try impatient.ok(["log", "--case", ref, "--platform", "x", "--kind", "dm", "--at", "2026-11-20 10:00", "--text", "later"])
  }

  @Test func badInputIsAClearErrorAndChangesNothing() throws {
    let (cli, ref) = try seeded()
    let dir = cli.dir
    let before = try storeState(cli)
    let cases: [(args: [String], status: Int32, says: String)] = [
      (["log", "--case", "C-1999-0042", "--platform", "x", "--kind", "dm", "--at", "2026-11-20 10:00", "--text", "SECRET-BODY"], 66, "no case 'C-1999-0042'"),
      (["log", "--case", ref, "--platform", "x", "--kind", "dm", "--at", "last tuesday", "--text", "SECRET-BODY"], 65, "'last tuesday' is not a usable time"),
      (["log", "--case", ref, "--platform", "x", "--kind", "dm", "--at", "2026-11-20 10:00", "--text", "SECRET-BODY", "--attach", dir.url.appendingPathComponent("nope.png").path], 66, "attachment file not found"),
      (["log", "--case", ref, "--platform", "myspace", "--kind", "dm", "--at", "2026-11-20 10:00", "--text", "SECRET-BODY"], 65, "unknown platform 'myspace'"),
      (["case", "show", "C-2026-9999"], 66, "no case"),
      (["step", "retract", "--case", ref, "S-99", "--reason", "x"], 66, "no step S-99"),
      (["log", "--case", ref], 64, "Missing expected argument"),
    ]
    for (args, status, says) in cases {
      let result = try cli.run(args)
      #expect(result.status == status, "\(args): \(result.stderr)")
      #expect(result.stderr.contains(says), "\(args): \(result.stderr)")
      #expect(!result.stderr.contains("SECRET-BODY") && !result.stdout.contains("SECRET-BODY"))
    }
    #expect(try storeState(cli) == before)
  }

  @Test(arguments: [0o755, 0o700])
  func unwritableStoreIsAClearErrorAndChangesNothing(directoryMode: Int) throws {
    let (cli, ref) = try seeded()
    let dir = cli.dir
    let before = try storeState(cli)
    // Root ignores permissions, so as root the command runs as "nobody", who may not write here:
    // with 0755 the store can be read but not written, with 0700 not even entered.
    let asRoot = getuid() == 0
    let prefix = asRoot ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
    let paths = try [cli.store.path, cli.store.appendingPathComponent("blobs").path]
      + FileManager.default.contentsOfDirectory(atPath: cli.store.path).map { cli.store.appendingPathComponent($0).path }
    for path in paths { chmod(path, mode_t(asRoot ? directoryMode : 0o500)) }
    let result = try cli.run(
      ["log", "--case", ref, "--platform", "x", "--kind", "dm", "--at", "2026-11-20 10:00", "--text", "SECRET-BODY"], prefix: prefix)
    for path in paths { chmod(path, 0o700) }
    #expect(result.status == 74, "\(result.stderr)")
    #expect(result.stderr.contains("not writable"), "\(result.stderr)")
    #expect(result.stderr.contains(cli.store.path))
    #expect(!result.stderr.contains("SECRET-BODY"))
    #expect(try storeState(cli) == before)

    // Creating a store where nothing may be written fails the same way.
    let locked = dir.url.appendingPathComponent("locked")
    try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    if !asRoot { chmod(locked.path, 0o500) }
    let initResult = try CLI(in: dir, store: locked.appendingPathComponent("store")).run(["init"], prefix: prefix)
    #expect(initResult.status == 74, "\(initResult.stderr)")
    #expect(!FileManager.default.fileExists(atPath: locked.appendingPathComponent("store").path))
  }
}
