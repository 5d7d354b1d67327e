import CasefileKit
import Foundation
import Testing

@Suite struct TimeTests {
  let dublin = TimeZone(identifier: "Europe/Dublin")!

  @Test func offsetIsStatedAndConverted() throws {
    let parsed = try OccurredAt.parse("2026-11-20T14:03:00+01:00", defaultZone: dublin)
    #expect(UTCStamp.format(parsed.utc) == "2026-11-20T13:03:00.000Z")
    #expect(parsed.zone == "+01:00")
    #expect(parsed.zoneSource == .stated)
    #expect(parsed.original == "2026-11-20T14:03:00+01:00")
  }

  @Test func zuluAndCompactOffsets() throws {
    #expect(UTCStamp.format(try OccurredAt.parse("2026-11-20 14:03Z", defaultZone: dublin).utc) == "2026-11-20T14:03:00.000Z")
    #expect(UTCStamp.format(try OccurredAt.parse("2026-11-20 14:03 -0530", defaultZone: dublin).utc) == "2026-11-20T19:33:00.000Z")
    #expect(UTCStamp.format(try OccurredAt.parse("2026-11-20T14:03:07.25-05", defaultZone: dublin).utc) == "2026-11-20T19:03:07.250Z")
  }

  @Test func noZoneMeansTZAndIsRecordedAsAssumed() throws {
    let summer = try OccurredAt.parse("2026-07-01 09:30", defaultZone: dublin)
    #expect(UTCStamp.format(summer.utc) == "2026-07-01T08:30:00.000Z")
    #expect(summer.zone == "Europe/Dublin")
    #expect(summer.zoneSource == .assumed)
  }

  @Test func namedZoneIsStated() throws {
    let parsed = try OccurredAt.parse("2026-07-01 09:30 America/New_York", defaultZone: dublin)
    #expect(UTCStamp.format(parsed.utc) == "2026-07-01T13:30:00.000Z")
    #expect(parsed.zone == "America/New_York")
    #expect(parsed.zoneSource == .stated)
  }

  @Test func daylightSavingGapAndOverlapAreRefused() throws {
    // Dublin skips 01:00-02:00 on 29 March 2026 and repeats 01:00-02:00 on 25 October 2026.
    let gap = #expect(throws: CasefileError.self) { try OccurredAt.parse("2026-03-29 01:30", defaultZone: dublin) }
    #expect(gap?.code == .badTime)
    #expect(gap?.message.contains("does not exist") == true)
    let overlap = #expect(throws: CasefileError.self) { try OccurredAt.parse("2026-10-25 01:30", defaultZone: dublin) }
    #expect(overlap?.message.contains("twice") == true)
    // With the offset stated, both are fine.
    #expect(UTCStamp.format(try OccurredAt.parse("2026-10-25 01:30+01:00", defaultZone: dublin).utc) == "2026-10-25T00:30:00.000Z")
  }

  @Test(arguments: [
    "yesterday", "2026-11-20", "2026-13-01 10:00", "2026-02-30 10:00", "2026-11-20 25:00", "2026-11-20 10:61",
    "2026-11-20 10:00 Mars/Olympus", "2026-11-20 10:00 +25:00", "20-11-2026 10:00",
  ])
  func badTimesAreClearErrors(text: String) throws {
    let error = #expect(throws: CasefileError.self) { try OccurredAt.parse(text, defaultZone: dublin) }
    #expect(error?.code == .badTime)
    #expect(error?.exitCode == 65)
  }

  @Test func utcStampRoundTripsAndSortsAsText() throws {
    let date = Date(timeIntervalSince1970: 1_795_608_000.123)
    let text = UTCStamp.format(date)
    #expect(text == "2026-11-25T12:00:00.123Z")
    #expect(UTCStamp.parse(text).map(UTCStamp.format) == text)
    #expect(UTCStamp.format(Date(timeIntervalSince1970: 1_795_608_000)) < UTCStamp.format(Date(timeIntervalSince1970: 1_795_608_000.5)))
  }

  @Test func calendarDays() throws {
    #expect(try CalendarDay.parse("2028-02-29").description == "2028-02-29")
    #expect(throws: CasefileError.self) { try CalendarDay.parse("2026-02-29") }
    #expect(try CalendarDay.parse("2026-11-01").days(until: CalendarDay.parse("2026-12-01")) == 30)
  }

  @Test func tzFromEnvironment() throws {
    #expect(try LocalZone.fromEnvironment(["TZ": ":Europe/Dublin"]).identifier == "Europe/Dublin")
    #expect(throws: CasefileError.self) { try LocalZone.fromEnvironment(["TZ": "Nowhere/Special"]) }
  }
}
