import Foundation

/// The suite's first part: for each format family, the raw limits (sha256sum, and xmllint --stream
/// or unzip on the same file) beside `casefile scan` and `casefile import` of every message.
extension Suite {
  /// One input of a format family.
  struct FamilyInput {
    var family: String
    var path: String
    /// Messages the import must store.
    var messages: Int
    var raw: Raw
    enum Raw { case xml(twin: String), zip, plain }
  }

  func formatInputs() throws -> [FamilyInput] {
    let work = place.work
    let sms = "\(work)/sms-\(smsMessages).xml"
    if !FileManager.default.fileExists(atPath: sms) { _ = try GenerateSMS.write(messages: smsMessages, to: URL(fileURLWithPath: sms), seed: 2026) }
    let twin = "\(work)/sms-\(smsMessages).joined-pairs.xml"
    if !FileManager.default.fileExists(atPath: twin) { try SMSBench.writeTwin(of: sms, to: twin) }
    let count = exportMessages
    let facebookJSON = "\(work)/facebook-json-\(count).zip"
    if !FileManager.default.fileExists(atPath: facebookJSON) {
      _ = try GenerateFacebook.write(messages: count, threads: 200, variant: .json, zip: facebookJSON, seed: 2026)
    }
    let facebookHTML = "\(work)/facebook-html-\(count).zip"
    if !FileManager.default.fileExists(atPath: facebookHTML) {
      _ = try GenerateFacebook.write(messages: count, threads: 200, variant: .html, zip: facebookHTML, seed: 2026)
    }
    let x = "\(work)/x-archive-\(count).zip"
    if !FileManager.default.fileExists(atPath: x) { _ = try GenerateX.write(messages: count, zip: x, seed: 2026) }
    let chatFolder = "\(work)/whatsapp-\(count)"
    let chat = "\(chatFolder)/WhatsApp Chat with \(GenerateChatAndMail.chatPartner).txt"
    if !FileManager.default.fileExists(atPath: chat) { _ = try GenerateChatAndMail.writeWhatsApp(messages: count, folder: chatFolder, seed: 2026) }
    let mbox = "\(work)/mail-\(count).mbox"
    if !FileManager.default.fileExists(atPath: mbox) { _ = try GenerateChatAndMail.writeMbox(messages: count, to: mbox, seed: 2026) }
    return [
      FamilyInput(family: "XML, streamed (SMS backup)", path: sms, messages: smsMessages, raw: .xml(twin: twin)),
      FamilyInput(family: "JSON in a zip (Facebook, 200 threads)", path: facebookJSON, messages: count, raw: .zip),
      FamilyInput(family: "HTML in a zip (Facebook, 200 threads)", path: facebookHTML, messages: count, raw: .zip),
      FamilyInput(family: "JS-wrapped JSON in a zip (X archive)", path: x, messages: count + count / 10, raw: .zip),
      FamilyInput(family: "chat text (WhatsApp)", path: chat, messages: count, raw: .plain),
      FamilyInput(family: "mail (mbox)", path: mbox, messages: count, raw: .plain),
    ]
  }

  func measureFormats(bin: String, table: ResultTable) throws {
    let unzip = try measure(["/bin/sh", "-c", "command -v unzip"]).status == 0
    for input in try formatInputs() {
      table.section("Scan and import: \(input.family)")
      let mib = mebibytes(input.path)
      let label = "\(grouped(input.messages)) msgs, \(sizeText(mib))"
      func raw(_ what: String, _ run: Measurement) {
        table.add(ResultRow(
          what: what, input: label, seconds: run.seconds, peakRSSMiB: run.peakRSSMiB, reference: nil,
          throughput: String(format: "%.0f MB/s", mib / run.seconds), target: nil))
      }
      try warm(input.path)
      let sha256sum = try median(3, ["sha256sum", input.path])
      raw("sha256sum", sha256sum)
      var yardstick: (name: String, seconds: Double)
      switch input.raw {
      case .xml(let twin):
        try warm(twin)
        let xmllint = try median(3, ["xmllint", "--stream", "--noout", twin])
        raw("xmllint --stream --noout", xmllint)
        yardstick = ("xmllint --stream", xmllint.seconds)
      case .zip where unzip:
        let run = try median(3, ["unzip", "-p", input.path])
        raw("unzip -p (inflate every entry)", run)
        yardstick = ("unzip -p", run.seconds)
      case .zip, .plain:
        yardstick = ("sha256sum", sha256sum.seconds)
      }
      let rssTarget = 64.0
      // The scan as a doctor runs it, its text report going to /dev/null. Runs of a few seconds
      // vary by 10 to 20 per cent on a shared machine: scans and their references are the median
      // of three runs.
      let scan = try median(3, [bin, "scan", input.path])
      let scanLimit: Double? = if case .xml = input.raw { 1.5 } else { nil }
      table.add(ResultRow(
        what: "casefile scan", input: label, seconds: scan.seconds, peakRSSMiB: scan.peakRSSMiB, reference: yardstick,
        throughput: throughput(items: input.messages, mib: mib, seconds: scan.seconds),
        target: scanLimit.map { limit in
          ("<= \(limit)x xmllint, <= 64 MB", scan.seconds <= limit * yardstick.seconds && scan.peakRSSMiB <= rssTarget)
        } ?? ("<= 64 MB", scan.peakRSSMiB <= rssTarget)))
      if case .xml(let twin) = input.raw {
        let (env, _) = try place.freshStore("store-python-\(input.messages)", bin: bin)
        let python = try required(["python3", Self.yardstickScript, twin, env["CASEFILE_STORE"] ?? ""], "the Python yardstick")
        table.add(ResultRow(
          what: "Python sqlite3 script, same inserts", input: label, seconds: python.seconds, peakRSSMiB: python.peakRSSMiB,
          reference: nil, throughput: throughput(items: input.messages, mib: mib, seconds: python.seconds), target: nil))
        yardstick = ("Python", python.seconds)
      }
      let (env, caseRef) = try place.freshStore("store-import-\(input.messages)", bin: bin)
      let importRun = try required([bin, "import", input.path, "--case", caseRef], environment: env, "casefile import")
      let stored = try evidenceCount(env)
      guard stored == input.messages else { throw BenchError("the import of \(input.path) stored \(stored) items, not \(input.messages)") }
      let faster: Bool = if case .xml = input.raw { importRun.seconds < yardstick.seconds } else { true }
      table.add(ResultRow(
        what: "casefile import (every message)", input: label, seconds: importRun.seconds, peakRSSMiB: importRun.peakRSSMiB,
        reference: yardstick, throughput: throughput(items: input.messages, mib: mib, seconds: importRun.seconds),
        target: (input.raw.isXML ? "< Python, <= 64 MB" : "<= 64 MB", faster && importRun.peakRSSMiB <= rssTarget)))
      table.note("scan and the tools above it: the median of 3 runs (the highest peak RSS); the Python script and import: one run.")
      try? FileManager.default.removeItem(atPath: env["CASEFILE_STORE"] ?? "")
    }
  }

  /// The Python yardstick, beside this source file in the checkout.
  static var yardstickScript: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Benchmarks/reference-sms-import.py").path
  }
}

extension Suite.FamilyInput.Raw {
  var isXML: Bool { if case .xml = self { true } else { false } }
}
