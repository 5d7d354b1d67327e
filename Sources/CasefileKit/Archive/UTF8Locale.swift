#if canImport(Glibc)
  import Glibc
#endif

/// Runs `body` with this thread's character set switched to UTF-8, then switches it back.
///
/// Swift programs run in the C locale, where libarchive cannot convert a UTF-8 entry name and
/// hands back `?` in place of every non-ASCII character. `uselocale` changes the current thread
/// only, and a walk never leaves its thread, so this is safe with other work running in parallel.
func withUTF8Locale<T>(_ body: () throws -> T) rethrows -> T {
  guard let utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil) else { return try body() }
  let previous = uselocale(utf8)
  defer {
    uselocale(previous)
    freelocale(utf8)
  }
  return try body()
}
