import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Runs the built `casefile` binary, as a doctor would.
struct CLI {
  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// The `casefile` executable built beside this test bundle (or `$CASEFILE_BIN`).
  static let binary: URL = {
    if let explicit = ProcessInfo.processInfo.environment["CASEFILE_BIN"] {
      return URL(fileURLWithPath: explicit)
    }
    var candidates: [URL] = []
    let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    candidates.append(argv0.deletingLastPathComponent().appendingPathComponent("casefile"))
    if let main = Bundle.main.executableURL {
      candidates.append(main.deletingLastPathComponent().appendingPathComponent("casefile"))
    }
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("casefile"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
  }()

  /// The temporary directory the store lives in; held so it lives as long as this CLI.
  let dir: TempDir
  let store: URL
  var environment: [String: String]

  /// A CLI whose store is `store/` inside `dir` (or the given path).
  init(in dir: TempDir, store: URL? = nil, tz: String = "Europe/Dublin") {
    self.dir = dir
    let store = store ?? dir.url.appendingPathComponent("store")
    self.store = store
    var env = ProcessInfo.processInfo.environment
    env["CASEFILE_STORE"] = store.path
    env["TZ"] = tz
    self.environment = env
  }

  /// Runs `casefile args...` with the given stdin (or none), and waits for it.
  @discardableResult
  func run(_ args: [String], stdin: String? = nil, prefix: [String] = []) throws -> Result {
    let process = Process()
    if prefix.isEmpty {
      process.executableURL = Self.binary
      process.arguments = args
    } else {
      process.executableURL = URL(fileURLWithPath: prefix[0])
      process.arguments = Array(prefix.dropFirst()) + [Self.binary.path] + args
    }
    process.environment = environment
    // Output goes to files, so a chatty child can never block on a full pipe.
    let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("casefile-out-\(UUID().uuidString)")
    let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("casefile-err-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer {
      try? FileManager.default.removeItem(at: outURL)
      try? FileManager.default.removeItem(at: errURL)
    }
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = stdin == nil ? FileHandle.nullDevice : input
    try process.run()
    if let stdin {
      input.fileHandleForWriting.write(Data(stdin.utf8))
      try input.fileHandleForWriting.close()
    }
    process.waitUntilExit()
    try out.close()
    try err.close()
    return Result(
      status: process.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8),
      stderr: try String(contentsOf: errURL, encoding: .utf8))
  }

  /// Runs and requires success.
  @discardableResult
  func ok(_ args: [String], stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let result = try run(args, stdin: stdin)
    #expect(result.status == 0, "casefile \(args.joined(separator: " ")) failed: \(result.stderr)", sourceLocation: sourceLocation)
    return result.stdout
  }

  /// Parses the JSON a command printed.
  func json(_ args: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
    let text = try ok(args + ["--json"], sourceLocation: sourceLocation)
    return try JSONSerialization.jsonObject(with: Data(text.utf8))
  }
}

/// A fresh temporary directory, removed at the end of the test.
final class TempDir {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("casefile-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit {
    // Restore permissions a test may have taken away before removing.
    chmod(url.path, 0o700)
    try? FileManager.default.removeItem(at: url)
  }
}

/// Runs a shell command line and returns its status and output.
@discardableResult
func shell(_ command: String, environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/bin/sh")
  process.arguments = ["-c", command]
  if let environment { process.environment = environment }
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  process.standardInput = FileHandle.nullDevice
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
