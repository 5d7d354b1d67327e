#ifndef CFAULTINJECT_H
#define CFAULTINJECT_H

/// A fault-injecting file layer for casefile's tests, loaded into a `casefile` process with
/// LD_PRELOAD (built as the dynamic library product `CasefileFaultInject`). It interposes the libc
/// calls that SQLite, Foundation and libarchive write files with, and fails them for paths under
/// one directory, as a full or read-only disk would. Nothing in casefile links it.
///
/// Environment (all optional; without CASEFILE_FAULT_PREFIX the layer does nothing):
/// - CASEFILE_FAULT_PREFIX=DIR: only files under DIR are affected.
/// - CASEFILE_FAULT_ENOSPC_AFTER=N: the first N bytes written (write, pwrite, writev, growth by
///   ftruncate or fallocate) under DIR succeed, a write crossing N is cut short, and every later
///   one fails with ENOSPC, as on a full disk.
/// - CASEFILE_FAULT_READONLY=erofs|eacces: opening a file under DIR for writing, creating,
///   renaming, removing, chmod, truncating and access(W_OK) fail with EROFS (a read-only mount) or
///   EACCES, which also holds for root, unlike chmod.
/// - CASEFILE_FAULT_FSYNC=eio|enospc: fsync and fdatasync of files under DIR fail so, as when
///   delayed allocation or a network filesystem reports a write error late.
/// - CASEFILE_FAULT_PAUSE_AFTER=N with CASEFILE_FAULT_PAUSE_MARK=FILE: the write that takes the
///   bytes written under DIR past N first creates FILE, then stops the process with SIGSTOP, so a
///   test can change the disk under it and continue it with SIGCONT.
/// - CASEFILE_FAULT_LOG=FILE: one line per injected fault is appended there, so a test can tell
///   that a fault really happened.

/// The bytes written under the prefix so far by this process (for tests of the layer itself).
long long cfault_bytes_written(void);

#endif
