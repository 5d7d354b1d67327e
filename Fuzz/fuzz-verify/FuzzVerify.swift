import CasefileKit
import Foundation

/// libFuzzer target for bundle verification.
///
/// Bytes starting `PK` are a package: written to a scratch file (``BundleVerifier`` reads a path)
/// and verified as `casefile verify` does with no key pinned, then read as `casefile receive`
/// does when they verify. Any other bytes are a `bundle.xml`: parsed with casefile's safe options,
/// checked against the schema, its signature verified with the example bundles' public key, and,
/// once the schema holds, read by ``ReceivedBundle`` too (whose checks must stand on their own,
/// since any signer's own key verifies a bundle when none is pinned). Thrown errors are expected;
/// a crash, trap, hang or runaway memory is a bug.
enum VerifyTarget {
  static let scratch = FileManager.default.temporaryDirectory
    .appendingPathComponent("casefile-fuzz-verify-\(getpid()).zip")

  /// The public key of `examples/bundles`.
  static let examplesKey = """
    -----BEGIN PUBLIC KEY-----
    MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAExOud9DPA8IVjoty8oJAHRhyWfAEy
    fK84cl5AZ+j4TT8//L2nlZF0BMMguAXpF+Nrs4oj4VFUwenKvyqW705RVA==
    -----END PUBLIC KEY-----

    """

  static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
    let data = Data(buffer: bytes)
    if data.starts(with: [0x50, 0x4B]) {
      package(data)
    } else {
      bundleXML(data)
    }
  }

  static func package(_ data: Data) {
    do {
      try data.write(to: scratch)
    } catch {
      fatalError("fuzz-verify: cannot write the scratch file: \(error)")
    }
    do {
      let (_, tree) = try BundleVerifier.verify(scratch, pin: .none)
      _ = try ReceivedBundle(verified: tree)
    } catch {
      // A thrown error is a clean refusal.
    }
  }

  static func bundleXML(_ data: Data) {
    let location = CasefileError.Location(file: "/fuzz/package.zip", entry: "bundle.xml")
    do {
      let tree = try XMLTree.parseXML(data, location: location)
      try BundleSchema.validate(tree, location: location)
      defer { _ = try? ReceivedBundle(verified: tree) }
      _ = try XMLSignature.verify(tree, publicKeyPEM: examplesKey, location: location)
    } catch {
      // A thrown error is a clean refusal.
    }
  }
}

#if FUZZING
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    VerifyTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
  }
#else
  /// Replays the files given as arguments through the fuzz function, to reproduce a finding
  /// without libFuzzer.
  @main
  enum Replay {
    static func main() throws {
      defer { try? FileManager.default.removeItem(at: VerifyTarget.scratch) }
      for path in CommandLine.arguments.dropFirst() {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        data.withUnsafeBytes { VerifyTarget.run($0.bindMemory(to: UInt8.self)) }
        print("replayed \(path) (\(data.count) bytes)")
      }
    }
  }
#endif
