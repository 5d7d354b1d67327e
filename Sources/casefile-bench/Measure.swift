import Foundation
import ArgumentParser

#if canImport(Glibc)
  import Glibc
#endif

/// What one run of an external command cost.
struct Measurement {
  var seconds: Double
  /// Peak resident set size of the command, in MiB (from GNU time).
  var peakRSSMiB: Double
  var status: Int32
}

/// Runs a command with its input read from `stdin` and its output sent to /dev/null (its errors
/// to `errors`, appended), and measures its wall time and peak RSS.
///
/// The peak RSS comes from GNU time (`/usr/bin/time -f %M`), which forks the command from its own
/// small process. Without it, it would come from `wait4`'s rusage, and Linux counts in a child's
/// `ru_maxrss` the peak of the process it was spawned from (glibc's posix_spawn uses vfork, and
/// exec keeps the old address space's high-water mark): every command would seem to need at
/// least this benchmark's own 40 MB.
func measure(
  _ arguments: [String], environment: [String: String]? = nil, errors: String = "/dev/null", stdin: String = "/dev/null"
) throws -> Measurement {
  let timeTool = "/usr/bin/time"
  guard FileManager.default.isExecutableFile(atPath: timeTool) else {
    throw BenchError("the benchmark needs GNU time at \(timeTool) (Debian package `time`) to measure peak memory")
  }
  let report = FileManager.default.temporaryDirectory.appendingPathComponent("casefile-bench-time-\(getpid()).txt").path
  defer { unlink(report) }
  let command = [timeTool, "-f", "%M", "-o", report] + arguments
  var pid: pid_t = 0
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_APPEND, 0o644)
  let argv = command.map { strdup($0) } + [nil]
  defer { argv.forEach { free($0) } }
  let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
  defer { env.forEach { free($0) } }
  let start = Date()
  let spawned = posix_spawnp(&pid, command[0], &actions, nil, argv, env)
  guard spawned == 0 else {
    throw BenchError("cannot start \(arguments[0]): \(String(cString: strerror(spawned)))")
  }
  var status: Int32 = 0
  while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
  let seconds = Date().timeIntervalSince(start)
  let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  // GNU time writes "Command exited with non-zero status N" before the figure when it fails.
  let written = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
  let kilobytes = written.split(separator: "\n").last.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } ?? 0
  return Measurement(seconds: seconds, peakRSSMiB: kilobytes / 1024, status: exitStatus)
}

struct BenchError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// Runs a command and returns what it printed on stdout (for reading a --json result).
func capture(_ arguments: [String], environment: [String: String]) throws -> Data {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: arguments[0])
  process.arguments = Array(arguments.dropFirst())
  process.environment = environment
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = FileHandle.nullDevice
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else { throw BenchError("\(arguments[0]) \(arguments[1]) exited with \(process.terminationStatus)") }
  return data
}

/// Where a benchmark keeps its files, and which casefile it runs; shared by every benchmark.
struct BenchPlace: ParsableArguments {
  @Option(help: "Where to keep generated files and stores.") var work = "/tmp/casefile-bench"
  @Option(help: "The casefile binary (default: beside this one).") var casefile: String?

  /// The casefile binary, the work folder made, both printed.
  func prepare() throws -> String {
    let bin = casefile ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent().appendingPathComponent("casefile").path
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    print("casefile: \(bin)")
    return bin
  }

  /// A fresh store's environment: CASEFILE_STORE set, TZ=UTC, the store initialised with one case
  /// (and a signing key when asked); returns the environment and the case's reference.
  func freshStore(_ name: String, bin: String, withKey: Bool = false) throws -> (environment: [String: String], caseRef: String) {
    let store = "\(work)/\(name)"
    try? FileManager.default.removeItem(atPath: store)
    var env = ProcessInfo.processInfo.environment
    env["CASEFILE_STORE"] = store
    env["TZ"] = "UTC"
    var steps = [["init"], ["case", "open", "Benchmark", "--category", "harassment"]]
    if withKey { steps.insert(["keys", "init"], at: 1) }
    for step in steps {
      let run = try measure([bin] + step, environment: env)
      guard run.status == 0 else { throw BenchError("casefile \(step.joined(separator: " ")) exited with \(run.status)") }
    }
    return (env, "C-\(Calendar(identifier: .gregorian).component(.year, from: Date()))-0001")
  }
}
