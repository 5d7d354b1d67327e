import CasefileKit
import Foundation
import Testing

@Suite struct ScanReportTests {
  @Test func countsThreadsSendersAndHitsWithoutText() throws {
    var scan = try ScanAccumulator(match: "(?i)watch", contains: ["CAR"])
    for message in try readMessages(SMSFixtures.sms) + readMessages(SMSFixtures.calls, entry: "calls-20261120.xml") {
      scan.add(message)
    }
    let report = scan.report(source: "/exports/backup.zip", sourceSha256: nil, warnings: [])
    #expect(report.messages == 11)
    #expect(report.formats.map(\.format) == ["sms-backup"])
    #expect(report.formats.first?.entries == 2)
    #expect(report.formats.first?.messages == 11)
    #expect(report.hits == 2)
    let top = try #require(report.senders.first)
    #expect(top.sender == "+44 7700 900123")  // both spellings of the number are one sender
    #expect(top.messages == 6)
    #expect(top.hits == 2)
    #expect(top.first == "2026-11-20T20:30:00.000Z")
    #expect(report.senders.contains { $0.sender == "(you)" && $0.messages == 2 })
    #expect(report.threads.first?.thread == "+44 7700 900123")
    // The report carries counts and names, never message text.
    let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
    #expect(!json.contains("regret") && !json.contains("Saturday"))
  }
}
