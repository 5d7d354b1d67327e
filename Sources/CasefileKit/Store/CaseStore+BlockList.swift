import Foundation
import GRDB

/// What importing a block list did to the case's ladder (`import --record-blocks`).
public struct BlockListResult: Sendable, Equatable, Codable {
  /// Accounts the export's block and mute lists name.
  public var listed: Int
  /// The case's authors found in them, as `A-n`, with what was done to each.
  public var matched: [Match]
  /// The block steps recorded now (none on a dry run, or when they were recorded before).
  public var stepsRecorded: [String]
  /// Earlier block steps that already held the same accounts and action: nothing new was recorded.
  public var alreadyRecorded: [String]

  public struct Match: Sendable, Equatable, Codable {
    public var actor: String
    public var handle: String
    /// `block` or `mute`.
    public var action: String
    public var entry: String
  }
}

extension CaseStore {
  /// Records the block step for the authors of a case that an export's block or mute lists name,
  /// inside the import's transaction. One step per action (block, mute) and platform, naming every
  /// matched author, dated the day of the import (the lists do not say when), with the list and the
  /// export's hash in its details. A step holding the same accounts and action that is already on
  /// the case and not retracted is not recorded again, so importing the same archive twice records
  /// one step. On a dry run nothing is written; the result says what would match.
  static func recordBlockList(
    _ accounts: [BlockedAccount], caseID: Int64, caseRecord: CaseRecord, source: ImportSourceInfo, today: CalendarDay,
    dryRun: Bool, db: Database, context: WriteContext
  ) throws -> BlockListResult {
    var result = BlockListResult(listed: accounts.count, matched: [], stepsRecorded: [], alreadyRecorded: [])
    guard !accounts.isEmpty else { return result }
    let authors = try Int64.fetchAll(
      db, sql: "SELECT DISTINCT actor_id FROM evidence WHERE case_id = ? AND actor_id IS NOT NULL ORDER BY actor_id",
      arguments: [caseID]
    ).map { try fetchActor(db, id: $0) }
    // One step per platform and action, naming the matched authors in actor order.
    struct Group: Hashable, Comparable {
      var platform: String
      var action: String
      static func < (a: Group, b: Group) -> Bool { (a.platform, a.action) < (b.platform, b.action) }
    }
    var groups: [Group: [(actor: ActorRecord, entry: String)]] = [:]
    for actor in authors {
      let key = handleKey(actor.handle, platform: actor.platform)
      for action in [BlockAction.block, .mute] {
        guard let account = accounts.first(where: { $0.platform == actor.platform && $0.action == action && matches($0, key: key) })
        else { continue }
        groups[Group(platform: actor.platform.rawValue, action: action.rawValue), default: []].append((actor, account.entry))
        result.matched.append(.init(actor: actor.ref, handle: actor.handle, action: action.rawValue, entry: account.entry))
      }
    }
    guard !groups.isEmpty else { return result }
    if !dryRun { try Ladder.checkStep(.block, status: caseRecord.status, caseRef: caseRecord.ref) }
    let live = try fetchSteps(db, caseID: caseID).filter { $0.kind == Ladder.Step.block.rawValue && $0.retractedBy == nil }
    for (group, members) in groups.sorted(by: { $0.key < $1.key }) {
      let (platform, action) = (group.platform, group.action)
      let refs = members.map(\.actor.ref)
      if let earlier = live.first(where: { step in
        step.details["action"] == action && step.details["platform"] == platform
          && Set(refs).isSubset(of: Set((step.details["actors"] ?? "").split(separator: ",").map(String.init)))
      }) {
        result.alreadyRecorded.append(earlier.ref)
        continue
      }
      if dryRun { continue }
      var details = [
        "actors": refs.joined(separator: ","), "handles": members.map(\.actor.handle).joined(separator: ","),
        "platform": platform, "action": action,
        "source": "the export's " + Array(Set(members.map(\.entry))).sorted().joined(separator: ", "),
      ]
      if let sha = source.sha256 { details["source_sha256"] = sha }
      let step = try insertEvent(
        db, context, caseID: caseID, kind: Ladder.Step.block.rawValue, on: today, details: details, refersTo: nil,
        confidentiality: Ladder.Step.block.confidentiality)
      result.stepsRecorded.append(step.ref)
    }
    return result
  }

  /// Whether a listed account is the actor whose handle key is `key`. A list names accounts on
  /// the owner's own server without a domain: such a name matches an actor with no domain, or with
  /// the owner's `homeDomain`.
  private static func matches(_ account: BlockedAccount, key: String) -> Bool {
    let listed = handleKey(account.handle, platform: account.platform)
    if listed == key { return true }
    guard !listed.contains("@"), let home = account.homeDomain?.lowercased() else { return false }
    return key == "\(listed)@\(home)"
  }
}
