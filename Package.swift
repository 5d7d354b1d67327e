// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "casefile",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "casefile", targets: ["casefile"]),
    .executable(name: "casefile-bench", targets: ["casefile-bench"]),
    .library(name: "CasefileKit", targets: ["CasefileKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
  ],
  targets: [
    .systemLibrary(
      name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
    .systemLibrary(
      name: "CArchive", path: "Sources/CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
    .systemLibrary(
      name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    .systemLibrary(
      name: "CLibXSLT", path: "Sources/CLibXSLT", pkgConfig: "libexslt", providers: [.apt(["libxslt1-dev"])]),
    .systemLibrary(
      name: "CXMLSec", path: "Sources/CXMLSec", pkgConfig: "xmlsec1-openssl", providers: [.apt(["libxmlsec1-dev"])]),
    .target(
      name: "CasefileKit",
      dependencies: [
        "CLibXML2",
        "CArchive",
        "COpenSSL",
        "CLibXSLT",
        "CXMLSec",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      // The bundle's XSD and the report's XSLT, read at run time; schemas/ at the top links here.
      resources: [.copy("Resources/schemas"), .copy("Resources/lint")]
    ),
    .executableTarget(
      name: "casefile",
      dependencies: [
        "CasefileKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "casefile-bench",
      dependencies: ["CasefileKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    .testTarget(
      name: "CasefileKitTests",
      dependencies: [
        "CasefileKit", "CArchive", "CLibXML2", .product(name: "GRDB", package: "GRDB.swift"),
      ],
      // The hostile corpus's index, read by a test from the source tree.
      exclude: ["Hostile/README.md"]
    ),
    .testTarget(
      name: "CasefileCLITests",
      dependencies: ["casefile", "CasefileKit"]
    ),
  ]
)

// MARK: fault injection for the tests (issue 6, section 3)
// A C fault-injecting file layer, built as a shared library that the CLI tests load into the
// `casefile` process with LD_PRELOAD (see Sources/CFaultInject/include/CFaultInject.h). No target
// depends on it and casefile never links it.
package.products.append(.library(name: "CasefileFaultInject", type: .dynamic, targets: ["CFaultInject"]))
package.targets.append(.target(name: "CFaultInject", path: "Sources/CFaultInject"))

// MARK: - Fuzz targets (issue 6)
// One libFuzzer target per area, each under Fuzz/<name>/ and depending on CasefileKit only.
// `scripts/fuzz.sh` builds them one at a time with `--sanitize=fuzzer -Xswiftc -DFUZZING`, where
// libFuzzer supplies `main`; in a plain build each has a `main` that replays the files it is given.
let fuzzTargets = ["fuzz-surrogate", "fuzz-import", "fuzz-archive", "fuzz-verify"]
package.products += fuzzTargets.map { .executable(name: $0, targets: [$0]) }
package.targets += fuzzTargets.map { .executableTarget(name: $0, dependencies: ["CasefileKit"], path: "Fuzz/\($0)") }
