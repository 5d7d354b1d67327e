import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Keeps a store private to the doctor: its folders 0700, its files 0600.
///
/// casefile makes everything with those modes, but `init` may be pointed at a folder that already
/// exists with a looser one (0777, or 0755 from a default umask), and files copied in by hand keep
/// theirs. A store readable by others shows harassment and patient marks to every account on the
/// machine; one writable by others lets them swap the database or a blob. So `init` takes away
/// every group and other permission from the store folder, its database files and the whole blob
/// area, and says what it changed. A store folder that belongs to another user cannot be made
/// private by us, and is refused when others may write to it.
public enum StorePermissions {
  /// Tightens the modes of an existing store (nothing that does not exist is created); returns
  /// the paths it changed.
  @discardableResult
  public static func tighten(_ location: StoreLocation) throws -> [String] {
    var info = stat()
    guard lstat(location.directory.path, &info) == 0 else { return [] }
    var changed: [String] = []
    try fix(location.directory.path, directory: true, changed: &changed)
    let base = location.databaseURL.path
    for path in [base, base + "-wal", base + "-shm", base + "-journal"] {
      try fix(path, directory: false, changed: &changed)
    }
    let blobs = location.blobsURL.path
    try fix(blobs, directory: true, changed: &changed)
    if let walker = FileManager.default.enumerator(atPath: blobs) {
      while let relative = walker.nextObject() as? String {
        let path = blobs + "/" + relative
        var entry = stat()
        guard lstat(path, &entry) == 0 else { continue }
        let type = entry.st_mode & S_IFMT
        guard type == S_IFDIR || type == S_IFREG else { continue }
        try fix(path, directory: type == S_IFDIR, changed: &changed)
      }
    }
    return changed
  }

  /// Sets one path to 0700 (folder) or 0600 (file) when group or others have any permission.
  private static func fix(_ path: String, directory: Bool, changed: inout [String]) throws {
    var info = stat()
    // lstat: a symbolic link is never followed to chmod what it points at.
    guard lstat(path, &info) == 0 else { return }
    let type = info.st_mode & S_IFMT
    guard type == (directory ? S_IFDIR : S_IFREG) else { return }
    let loose = info.st_mode & 0o077
    guard loose != 0 else { return }
    guard info.st_uid == getuid() else {
      if info.st_mode & 0o022 != 0 {
        throw CasefileError(
          .storeNotWritable,
          "the store folder belongs to another user and others may write to it, so it cannot be made private; choose a folder of your own",
          location: .init(file: path))
      }
      return
    }
    guard chmod(path, directory ? 0o700 : 0o600) == 0 else {
      throw CasefileError(
        .storeNotWritable, "cannot make the store private (chmod): \(String(cString: strerror(errno)))",
        location: .init(file: path))
    }
    changed.append(path)
  }
}
