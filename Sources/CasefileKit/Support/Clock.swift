import Foundation

/// The source of "now", injected so that tests can fix time.
public struct Clock: Sendable {
  public let now: @Sendable () -> Date

  public init(now: @escaping @Sendable () -> Date) {
    self.now = now
  }

  /// The real wall clock.
  public static let system = Clock { Date() }

  /// A clock that always reads `date`.
  public static func fixed(_ date: Date) -> Clock {
    Clock { date }
  }
}
