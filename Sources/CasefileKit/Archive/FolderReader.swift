import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A plain file read as one entry's data; opened without following a symbolic link.
final class PlainFileSource: EntryByteSource {
  private var fd: Int32
  private let file: String

  init(path: String, file: String, entry: String) throws {
    self.file = file
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    guard fd >= 0 else {
      let reason = errno == ELOOP ? "it became a symbolic link" : String(cString: strerror(errno))
      throw CasefileError(.io, "cannot read the file: \(reason)", location: .init(file: file, entry: entry))
    }
  }

  func readChunk(into buffer: UnsafeMutableRawBufferPointer, entry: String) throws -> Int {
    while true {
      let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
      if count < 0 {
        if errno == EINTR { continue }
        throw CasefileError(
          .io, "cannot read the file: \(String(cString: strerror(errno)))", location: .init(file: file, entry: entry))
      }
      return count
    }
  }

  func compressedBytesForCurrentEntry() -> Int64? { nil }

  deinit {
    if fd >= 0 { Glibc.close(fd) }
  }
}

/// Lists the files under a folder, refusing links and special files, in sorted path order.
enum FolderLister {
  /// One file found under the folder.
  struct Found {
    var relative: String
    var absolute: String
    var size: Int64
  }

  /// Every regular file under `root`, sorted by the UTF-8 bytes of its relative path.
  static func files(under root: URL, budget: ReadBudget) throws -> [Found] {
    var found: [Found] = []
    try visit(directory: root.path, relative: "", budget: budget, into: &found)
    return found.sorted { $0.relative.utf8.lexicographicallyPrecedes($1.relative.utf8) }
  }

  private static func visit(directory: String, relative: String, budget: ReadBudget, into found: inout [Found]) throws {
    let file = budget.file
    guard let dir = opendir(directory) else {
      throw CasefileError(
        .io, "cannot list a folder: \(String(cString: strerror(errno)))",
        location: .init(file: file, entry: relative.isEmpty ? nil : relative))
    }
    defer { closedir(dir) }
    var names: [String] = []
    while true {
      errno = 0
      guard let item = readdir(dir) else {
        if errno != 0 {
          throw CasefileError(
            .io, "cannot list a folder: \(String(cString: strerror(errno)))",
            location: .init(file: file, entry: relative.isEmpty ? nil : relative))
        }
        break
      }
      let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name == "." || name == ".." { continue }
      names.append(name)
    }
    for name in names {
      let childRelative = relative.isEmpty ? name : relative + "/" + name
      let childPath = directory + "/" + name
      let shown = EntryPath.printable(childRelative)
      let location = CasefileError.Location(file: file, entry: shown)
      try budget.countEntry(shown)
      if case .failure(let refusal) = EntryPath.validate(childRelative) {
        throw CasefileError(.archiveUnsafePath, "the entry \(refusal.reason)", location: location)
      }
      var info = stat()
      guard lstat(childPath, &info) == 0 else {
        throw CasefileError(.io, "cannot read a file's type: \(String(cString: strerror(errno)))", location: location)
      }
      switch info.st_mode & S_IFMT {
      case S_IFREG:
        found.append(Found(relative: childRelative, absolute: childPath, size: Int64(info.st_size)))
      case S_IFDIR:
        try visit(directory: childPath, relative: childRelative, budget: budget, into: &found)
      case S_IFLNK:
        throw CasefileError(.archiveLink, "the entry is a symbolic link; links are refused", location: location)
      default:
        throw CasefileError(
          .archiveSpecialFile, "the entry is a device, FIFO or socket, not a file", location: location)
      }
    }
  }
}
