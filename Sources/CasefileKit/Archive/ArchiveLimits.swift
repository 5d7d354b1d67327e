/// Limits applied while reading an export, all enforced while streaming: the read stops at the cap.
///
/// Sizes are counted in bytes of uncompressed output, as the caller receives them. The byte caps
/// apply to archives, where data expands; a plain file or folder is read as it lies on disk, and
/// only the entry count applies to it.
public struct ArchiveLimits: Sendable, Equatable {
  /// The largest one entry may be.
  public var maxEntryBytes: Int64
  /// The most all entries together may hold.
  public var maxTotalBytes: Int64
  /// The most data may expand: uncompressed bytes over compressed bytes, per entry and for the
  /// whole archive.
  public var maxRatio: Int64
  /// How much output an entry (or the archive) must have produced before the ratio is checked, so
  /// that small, very repetitive files pass.
  public var ratioCheckAfterBytes: Int64
  /// The most entries, of any type, an export may have.
  public var maxEntries: Int

  public init(
    maxEntryBytes: Int64 = 4 << 30,
    maxTotalBytes: Int64 = 64 << 30,
    maxRatio: Int64 = 200,
    ratioCheckAfterBytes: Int64 = 1 << 20,
    maxEntries: Int = 200_000
  ) {
    self.maxEntryBytes = maxEntryBytes
    self.maxTotalBytes = maxTotalBytes
    self.maxRatio = maxRatio
    self.ratioCheckAfterBytes = ratioCheckAfterBytes
    self.maxEntries = maxEntries
  }

  /// 4 GiB per entry, 64 GiB in all, a ratio of 200 checked past 1 MiB, 200,000 entries.
  public static let `default` = ArchiveLimits()
}
