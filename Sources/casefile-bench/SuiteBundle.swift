import Foundation

/// The suite's second part: export + sign and verify of a big case, beside xsltproc and xmlsec1
/// doing their share of the same work on the same bundle.
extension Suite {
  /// A store holding one case of every message of a synthetic SMS backup of `items` records,
  /// with a signing key; the case is built once per size and kept in the work folder.
  func bundleCase(items: Int, bin: String) throws -> (environment: [String: String], caseRef: String) {
    let file = "\(place.work)/sms-\(items).xml"
    if !FileManager.default.fileExists(atPath: file) { _ = try GenerateSMS.write(messages: items, to: URL(fileURLWithPath: file), seed: 2026) }
    let (env, caseRef) = try place.freshStore("store-bundle-\(items)", bin: bin, withKey: true)
    _ = try required([bin, "import", file, "--case", caseRef], environment: env, "casefile import")
    return (env, caseRef)
  }

  /// Exports the case for the indemnifier into `<work>/bundle-<items>.zip`.
  func export(_ store: (environment: [String: String], caseRef: String), items: Int, bin: String) throws -> (Measurement, String) {
    let package = "\(place.work)/bundle-\(items).zip"
    try? FileManager.default.removeItem(atPath: package)
    let run = try required(
      [bin, "export", "--case", store.caseRef, "--for", "indemnifier", "--out", package], environment: store.environment, "casefile export")
    return (run, package)
  }

  func measureBundle(bin: String, table: ResultTable) throws {
    let items = bundleItems
    table.section("Evidence package: a case of \(grouped(items)) items")
    let store = try bundleCase(items: items, bin: bin)
    let (export, package) = try export(store, items: items, bin: bin)
    let label = "\(grouped(items)) items, \(sizeText(mebibytes(package))) zip"
    let key = try JSONSerialization.jsonObject(with: try capture([bin, "keys", "show", "--json"], environment: store.environment)) as? [String: Any]
    let fingerprint = key?["fingerprint"] as? String ?? ""
    let publicKey = key?["public_key_file"] as? String ?? ""
    // The reference tools work on the package's own files.
    let unpacked = "\(place.work)/bundle-\(items)-unpacked"
    try? FileManager.default.removeItem(atPath: unpacked)
    try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
    _ = try required(["python3", "-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", package, unpacked], "unpacking")
    let bundleXML = "\(unpacked)/bundle.xml"
    let bundleMiB = mebibytes(bundleXML)
    let stylesheet = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("CasefileKit/Resources/schemas/casefile-report-1.xsl").path
    // xsltproc renders bundle.xml as it stood when casefile rendered report.html: before the
    // report's own manifest entry and the signature were added. Its page must be the same bytes.
    let unsigned = "\(unpacked)/bundle-before-signing.xml"
    try Self.beforeSigning(try Data(contentsOf: URL(fileURLWithPath: bundleXML))).write(to: URL(fileURLWithPath: unsigned))
    try warm(unsigned)
    let xsltproc = try required(["xsltproc", "--nonet", "--output", "\(unpacked)/report.xsltproc.html", stylesheet, unsigned], "xsltproc")
    let sameReport =
      (try? Data(contentsOf: URL(fileURLWithPath: "\(unpacked)/report.xsltproc.html")))
      == (try? Data(contentsOf: URL(fileURLWithPath: "\(unpacked)/report.html")))
    let xmlsec = try required(
      ["xmlsec1", "--verify", "--enabled-key-data", "key-name", "--enabled-reference-uris", "empty", "--pubkey-pem:\(fingerprint)", publicKey, bundleXML],
      "xmlsec1 --verify")
    let sha = try required(["sha256sum", package], "sha256sum")
    for (what, run) in [("sha256sum (the package)", sha), ("xsltproc (report.html alone)", xsltproc), ("xmlsec1 --verify (bundle.xml alone)", xmlsec)] {
      table.add(ResultRow(
        what: what, input: what.hasPrefix("sha") ? label : String(format: "bundle.xml, %.0f MB", bundleMiB), seconds: run.seconds,
        peakRSSMiB: run.peakRSSMiB, reference: nil, throughput: throughput(items: items, seconds: run.seconds), target: nil))
    }
    table.add(ResultRow(
      what: "casefile export --for indemnifier", input: label, seconds: export.seconds, peakRSSMiB: export.peakRSSMiB,
      reference: ("xsltproc", xsltproc.seconds), throughput: throughput(items: items, seconds: export.seconds),
      target: ("<= 10 s, <= 64 MB", export.seconds <= 10 && export.peakRSSMiB <= 64)))
    let verify = try required([bin, "verify", package, "--fingerprint", fingerprint], environment: store.environment, "casefile verify")
    table.add(ResultRow(
      what: "casefile verify --fingerprint", input: label, seconds: verify.seconds, peakRSSMiB: verify.peakRSSMiB,
      reference: ("xmlsec1", xmlsec.seconds), throughput: throughput(items: items, seconds: verify.seconds),
      target: ("<= 10 s, <= 64 MB", verify.seconds <= 10 && verify.peakRSSMiB <= 64)))
    table.note(
      sameReport
        ? "report.html in the package is byte for byte xsltproc's page of the same bundle."
        : "report.html in the package DIFFERS from xsltproc's page of the same bundle: a bug.")
    if !sameReport { FileHandle.standardError.write(Data("casefile-bench: report.html differs from xsltproc's page; both are in \(unpacked)\n".utf8)) }
    table.note("export covers reading the case, bundle.xml, the lint, report.html (libxslt), the signature, the XSD check and the zip; xsltproc and xmlsec1 do one share each of that work on the same bundle.xml.")
    if sameReport { try? FileManager.default.removeItem(atPath: unpacked) }
  }

  /// bundle.xml without the manifest entry of report.html and without the signature.
  static func beforeSigning(_ bundle: Data) throws -> Data {
    var data = bundle
    for (start, end) in [(#"<file path="report.html""#, "/>"), ("<Signature", "</Signature>")] {
      guard let open = data.range(of: Data(start.utf8)), let close = data.range(of: Data(end.utf8), in: open.upperBound..<data.endIndex)
      else { throw BenchError("bundle.xml has no \(start)") }
      data.removeSubrange(open.lowerBound..<close.upperBound)
    }
    return data
  }
}
