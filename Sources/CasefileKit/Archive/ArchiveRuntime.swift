import CArchive

/// The libarchive version casefile runs against, for diagnostics.
enum ArchiveRuntime {
  static var version: String { String(cString: archive_version_string()) }
}
