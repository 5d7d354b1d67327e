import CasefileKit
import Foundation
import Testing

/// Inputs that the fuzz targets (`Fuzz/`, `scripts/fuzz.sh`) found crashing casefile, each kept as a
/// test that goes through the real component. The crashing inputs themselves are kept as
/// `regression-*` seeds in `Fuzz/corpus/<target>/`.
@Suite struct FuzzFindingsTests {
  /// fuzz-import: a Date field whose time ends in an empty seconds field (`08:00:`) trapped with
  /// "Index out of range" in the mail date parser, ending the whole import with a crash.
  @Test func aMailDateWithAnEmptySecondsFieldIsNotADate() throws {
    for date in ["Sat, 21 Nov 2026 08:00: +0000", "Sat, 21 Nov 2026 08:00:. +0000", "Sat, 21 Nov 2026 08:00:.5 +0000"] {
      let file = EmailFixtures.file(["From: jo@example.org", "Subject: secret", "Date: \(date)", "", "secret"])
      let error = #expect(throws: CasefileError.self, "\(date)") {
        try FormatFixtures.read(EmailMessageFormat(), file, entry: "a.eml")
      }
      #expect(error?.code == .badExport)
      #expect(error?.message.contains("is not a date") == true, "\(date)")
      #expect(error?.location?.line == 3)
    }
    // A fraction after two digits of seconds still reads.
    let file = EmailFixtures.file(["From: jo@example.org", "Date: Sat, 21 Nov 2026 08:00:05.25 +0000", "", "hello"])
    let read = try FormatFixtures.read(EmailMessageFormat(), file, entry: "a.eml")
    #expect(read.messages.map { UTCStamp.format($0.occurredAt.utc) } == ["2026-11-21T08:00:05.000Z"])
  }

  /// fuzz-import (once it stamped each message as an import does): a Facebook comment whose
  /// timestamp is Int64.max seconds trapped converting the time to Int64 in `UTCStamp.format`, so
  /// the import crashed. Epoch times outside the years 0000 to 9999 are now refused where they are
  /// read (SMS backup, Telegram JSON, every Meta JSON), and the stamp never traps.
  @Test func epochTimesBeyondTheYear9999AreRefusedNotStamped() throws {
    let comments = try FormatFixtures.data(
      "meta-comments/facebook-2024/your_activity_across_facebook/comments_and_reactions/comments.json")
    let entry = "your_activity_across_facebook/comments_and_reactions/comments.json"
    for huge in ["9223372036854775807", "-9223372036854775808", "99999999999999", "1e300"] {
      let data = Data(String(decoding: comments, as: UTF8.self).replacingOccurrences(of: "1717243200", with: huge).utf8)
      let error = #expect(throws: CasefileError.self, "\(huge)") {
        try FormatFixtures.read(FacebookCommentsJSONFormat(), data, entry: entry)
      }
      #expect(error?.message.contains("no timestamp") == true, "\(huge)")
    }

    let sms = try FormatFixtures.data("sms-backup/sms-20261120.xml")
    let hugeSMS = Data(String(decoding: sms, as: UTF8.self).replacingOccurrences(of: "date=\"1795206600000\"", with: "date=\"9223372036854775807\"").utf8)
    let smsError = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(SMSBackupFormat(), hugeSMS, entry: "sms-20261120.xml")
    }
    #expect(smsError?.message.contains("has no usable date") == true)

    let telegram = try FormatFixtures.data("telegram-json/single/result.json")
    let hugeTelegram = Data(
      String(decoding: telegram, as: UTF8.self).replacingOccurrences(of: "\"1795210205\"", with: "\"9223372036854775807\"").utf8)
    let telegramError = #expect(throws: CasefileError.self) {
      try FormatFixtures.read(TelegramJSONFormat(), hugeTelegram, entry: "result.json")
    }
    #expect(telegramError?.message.contains("outside the years 0000 to 9999") == true)

    // The ends of the range still read, and the stamp clamps rather than traps.
    #expect(OccurredAt.epoch(253_402_300_799, milliseconds: false, original: "x").map { UTCStamp.format($0.utc) } == "9999-12-31T23:59:59.000Z")
    #expect(OccurredAt.epoch(-62_167_219_200_000, milliseconds: true, original: "x").map { UTCStamp.format($0.utc) } == "0000-01-01T00:00:00.000Z")
    #expect(OccurredAt.epoch(-62_167_219_201, milliseconds: false, original: "x") == nil)
    #expect(OccurredAt.epoch(253_402_300_800, milliseconds: false, original: "x") == nil)
    #expect(UTCStamp.format(Date(timeIntervalSince1970: 1e300)) == "9999-12-31T23:59:59.000Z")
    #expect(UTCStamp.format(Date(timeIntervalSince1970: -1e300)) == "0000-01-01T00:00:00.000Z")
  }
}
