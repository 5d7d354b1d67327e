// The fault-injecting file layer: see include/CFaultInject.h for what it does and how it is told.
// Every interposed call resolves the real one with dlsym(RTLD_NEXT) and asks `affected` whether the
// path (or the descriptor's path, read from /proc/self/fd) lies under CASEFILE_FAULT_PREFIX.
#undef _FORTIFY_SOURCE
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include "CFaultInject.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

// MARK: configuration, read once

static struct {
  int ready;
  char prefix[PATH_MAX];
  size_t prefix_len;
  long long enospc_after;  // -1: no limit
  int readonly_errno;      // 0: writable
  int fsync_errno;         // 0: fsync works
  long long pause_after;   // -1: never pause
  char pause_mark[PATH_MAX];
  char log[PATH_MAX];
} config;

static long long written_total = 0;  // bytes written under the prefix (atomic)
static int paused_once = 0;          // atomic

static long long number_env(const char *name) {
  const char *text = getenv(name);
  if (text == NULL || *text == 0) return -1;
  return strtoll(text, NULL, 10);
}

static int errno_env(const char *name) {
  const char *text = getenv(name);
  if (text == NULL || *text == 0) return 0;
  if (strcmp(text, "eacces") == 0) return EACCES;
  if (strcmp(text, "eio") == 0) return EIO;
  if (strcmp(text, "enospc") == 0) return ENOSPC;
  return EROFS;
}

static void copy_env(const char *name, char *into) {
  const char *text = getenv(name);
  into[0] = 0;
  if (text != NULL && strlen(text) < PATH_MAX) strcpy(into, text);
}

static void load_config(void) {
  if (__atomic_load_n(&config.ready, __ATOMIC_ACQUIRE)) return;
  copy_env("CASEFILE_FAULT_PREFIX", config.prefix);
  // "DIR/" and "DIR" both mean DIR and everything under it.
  config.prefix_len = strlen(config.prefix);
  while (config.prefix_len > 1 && config.prefix[config.prefix_len - 1] == '/') config.prefix[--config.prefix_len] = 0;
  config.enospc_after = number_env("CASEFILE_FAULT_ENOSPC_AFTER");
  config.readonly_errno = errno_env("CASEFILE_FAULT_READONLY");
  config.fsync_errno = errno_env("CASEFILE_FAULT_FSYNC");
  config.pause_after = number_env("CASEFILE_FAULT_PAUSE_AFTER");
  copy_env("CASEFILE_FAULT_PAUSE_MARK", config.pause_mark);
  copy_env("CASEFILE_FAULT_LOG", config.log);
  __atomic_store_n(&config.ready, 1, __ATOMIC_RELEASE);
}

#define REAL(name)                                 \
  static __typeof__(&name) real_##name = NULL;     \
  if (real_##name == NULL) real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

// MARK: paths

static int under_prefix(const char *path) {
  if (config.prefix_len == 0 || path == NULL) return 0;
  if (strncmp(path, config.prefix, config.prefix_len) != 0) return 0;
  char next = path[config.prefix_len];
  return next == 0 || next == '/' || config.prefix[config.prefix_len - 1] == '/';
}

/// Whether `path`, taken relative to `dirfd` as the *at calls do, lies under the prefix.
static int path_affected(int dirfd, const char *path) {
  load_config();
  if (config.prefix_len == 0 || path == NULL) return 0;
  if (path[0] == '/') return under_prefix(path);
  char base[PATH_MAX];
  if (dirfd == AT_FDCWD) {
    if (getcwd(base, sizeof base) == NULL) return 0;
  } else {
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
    ssize_t count = readlink(link, base, sizeof base - 1);
    if (count < 0) return 0;
    base[count] = 0;
  }
  char full[PATH_MAX * 2];
  snprintf(full, sizeof full, "%s/%s", base, path);
  return under_prefix(full);
}

/// Whether the file open as `fd` lies under the prefix.
static int fd_affected(int fd) {
  load_config();
  if (config.prefix_len == 0 || fd < 0) return 0;
  char link[64], target[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t count = readlink(link, target, sizeof target - 1);
  if (count < 0) return 0;
  target[count] = 0;
  return under_prefix(target);
}

// MARK: the log and the pause point

static void note(const char *what, const char *detail) {
  if (config.log[0] == 0) return;
  int fd = (int)syscall(SYS_openat, AT_FDCWD, config.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return;
  char line[PATH_MAX + 128];
  int length = snprintf(line, sizeof line, "%d %s %s\n", (int)getpid(), what, detail ? detail : "");
  if (length > 0) syscall(SYS_write, fd, line, (size_t)(length < (int)sizeof line ? length : (int)sizeof line - 1));
  syscall(SYS_close, fd);
}

static void note_fd(const char *what, int fd) {
  char link[64], target[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t count = readlink(link, target, sizeof target - 1);
  target[count < 0 ? 0 : count] = 0;
  note(what, target);
}

/// Stops the process once, when the bytes written under the prefix are about to pass the mark.
static void maybe_pause(long long after) {
  if (config.pause_after < 0 || after <= config.pause_after) return;
  if (__atomic_exchange_n(&paused_once, 1, __ATOMIC_ACQ_REL)) return;
  note("pause", config.pause_mark);
  if (config.pause_mark[0] != 0) {
    int fd = (int)syscall(SYS_openat, AT_FDCWD, config.pause_mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) syscall(SYS_close, fd);
  }
  raise(SIGSTOP);
}

/// Takes up to `wanted` bytes of the budget for a write to `fd`; returns how many may be written,
/// or -1 with errno = ENOSPC when none may.
static ssize_t take_budget(int fd, size_t wanted) {
  if (!fd_affected(fd)) return (ssize_t)wanted;
  long long before = __atomic_load_n(&written_total, __ATOMIC_ACQUIRE);
  maybe_pause(before + (long long)wanted);
  if (config.enospc_after < 0) {
    __atomic_fetch_add(&written_total, (long long)wanted, __ATOMIC_ACQ_REL);
    return (ssize_t)wanted;
  }
  while (1) {
    long long left = config.enospc_after - before;
    if (left <= 0 && wanted > 0) {
      note_fd("enospc", fd);
      errno = ENOSPC;
      return -1;
    }
    long long granted = (long long)wanted < left ? (long long)wanted : left;
    if (__atomic_compare_exchange_n(&written_total, &before, before + granted, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
      if (granted < (long long)wanted) note_fd("short-write", fd);
      return (ssize_t)granted;
    }
  }
}

long long cfault_bytes_written(void) { return __atomic_load_n(&written_total, __ATOMIC_ACQUIRE); }

// MARK: writes

ssize_t write(int fd, const void *buffer, size_t count) {
  REAL(write);
  ssize_t allowed = take_budget(fd, count);
  if (allowed < 0) return -1;
  return real_write(fd, buffer, (size_t)allowed);
}

ssize_t pwrite(int fd, const void *buffer, size_t count, off_t offset) {
  REAL(pwrite);
  ssize_t allowed = take_budget(fd, count);
  if (allowed < 0) return -1;
  return real_pwrite(fd, buffer, (size_t)allowed, offset);
}

ssize_t pwrite64(int fd, const void *buffer, size_t count, off64_t offset) {
  REAL(pwrite64);
  ssize_t allowed = take_budget(fd, count);
  if (allowed < 0) return -1;
  return real_pwrite64(fd, buffer, (size_t)allowed, offset);
}

static size_t iov_total(const struct iovec *iov, int count) {
  size_t total = 0;
  for (int i = 0; i < count; i++) total += iov[i].iov_len;
  return total;
}

/// A vectored write that may not be written whole is written as far as the budget allows.
static ssize_t limited_writev(int fd, const struct iovec *iov, int count, off64_t offset, int positioned) {
  REAL(write);
  REAL(pwrite64);
  size_t total = iov_total(iov, count);
  ssize_t allowed = take_budget(fd, total);
  if (allowed < 0) return -1;
  ssize_t done = 0;
  for (int i = 0; i < count && done < allowed; i++) {
    size_t part = iov[i].iov_len;
    if ((ssize_t)part > allowed - done) part = (size_t)(allowed - done);
    ssize_t n = positioned ? real_pwrite64(fd, iov[i].iov_base, part, offset + done) : real_write(fd, iov[i].iov_base, part);
    if (n < 0) return done > 0 ? done : -1;
    done += n;
    if ((size_t)n < part) break;
  }
  return done;
}

ssize_t writev(int fd, const struct iovec *iov, int count) {
  REAL(writev);
  if (!fd_affected(fd)) return real_writev(fd, iov, count);
  return limited_writev(fd, iov, count, 0, 0);
}

ssize_t pwritev(int fd, const struct iovec *iov, int count, off_t offset) {
  REAL(pwritev);
  if (!fd_affected(fd)) return real_pwritev(fd, iov, count, offset);
  return limited_writev(fd, iov, count, offset, 1);
}

ssize_t pwritev64(int fd, const struct iovec *iov, int count, off64_t offset) {
  REAL(pwritev64);
  if (!fd_affected(fd)) return real_pwritev64(fd, iov, count, offset);
  return limited_writev(fd, iov, count, offset, 1);
}

/// Growth of a file by `to - size` bytes, charged to the budget whole or not at all.
static int take_growth(int fd, off64_t to) {
  if (!fd_affected(fd)) return 0;
  if (config.readonly_errno != 0) {
    note_fd("readonly-truncate", fd);
    errno = config.readonly_errno;
    return -1;
  }
  struct stat info;
  if (fstat(fd, &info) != 0 || to <= info.st_size) return 0;
  size_t growth = (size_t)(to - info.st_size);
  ssize_t allowed = take_budget(fd, growth);
  if (allowed < 0) return -1;
  if ((size_t)allowed < growth) {
    errno = ENOSPC;
    return -1;
  }
  return 0;
}

int ftruncate(int fd, off_t length) {
  REAL(ftruncate);
  if (take_growth(fd, length) != 0) return -1;
  return real_ftruncate(fd, length);
}

int ftruncate64(int fd, off64_t length) {
  REAL(ftruncate64);
  if (take_growth(fd, length) != 0) return -1;
  return real_ftruncate64(fd, length);
}

int fallocate(int fd, int mode, off_t offset, off_t length) {
  REAL(fallocate);
  if (take_growth(fd, offset + length) != 0) return -1;
  return real_fallocate(fd, mode, offset, length);
}

int fallocate64(int fd, int mode, off64_t offset, off64_t length) {
  REAL(fallocate64);
  if (take_growth(fd, offset + length) != 0) return -1;
  return real_fallocate64(fd, mode, offset, length);
}

// posix_fallocate returns the error instead of setting errno.
int posix_fallocate(int fd, off_t offset, off_t length) {
  REAL(posix_fallocate);
  if (take_growth(fd, offset + length) != 0) return errno;
  return real_posix_fallocate(fd, offset, length);
}

int posix_fallocate64(int fd, off64_t offset, off64_t length) {
  REAL(posix_fallocate64);
  if (take_growth(fd, offset + length) != 0) return errno;
  return real_posix_fallocate64(fd, offset, length);
}

int fsync(int fd) {
  REAL(fsync);
  if (config.fsync_errno != 0 && fd_affected(fd)) {
    note_fd("fsync", fd);
    errno = config.fsync_errno;
    return -1;
  }
  return real_fsync(fd);
}

int fdatasync(int fd) {
  REAL(fdatasync);
  if (config.fsync_errno != 0 && fd_affected(fd)) {
    note_fd("fdatasync", fd);
    errno = config.fsync_errno;
    return -1;
  }
  return real_fdatasync(fd);
}

// MARK: a read-only store: opening for writing, and changing names

static int readonly_refuses(int dirfd, const char *path, const char *what) {
  if (!path_affected(dirfd, path) || config.readonly_errno == 0) return 0;
  note(what, path);
  errno = config.readonly_errno;
  return 1;
}

static int writes(int flags) { return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)) != 0; }

static mode_t mode_arg(int flags, va_list args) {
  return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(args, int) : 0;
}

int open(const char *path, int flags, ...) {
  REAL(open);
  va_list args;
  va_start(args, flags);
  mode_t mode = mode_arg(flags, args);
  va_end(args);
  if (writes(flags) && readonly_refuses(AT_FDCWD, path, "readonly-open")) return -1;
  return real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...) {
  REAL(open64);
  va_list args;
  va_start(args, flags);
  mode_t mode = mode_arg(flags, args);
  va_end(args);
  if (writes(flags) && readonly_refuses(AT_FDCWD, path, "readonly-open")) return -1;
  return real_open64(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...) {
  REAL(openat);
  va_list args;
  va_start(args, flags);
  mode_t mode = mode_arg(flags, args);
  va_end(args);
  if (writes(flags) && readonly_refuses(dirfd, path, "readonly-open")) return -1;
  return real_openat(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...) {
  REAL(openat64);
  va_list args;
  va_start(args, flags);
  mode_t mode = mode_arg(flags, args);
  va_end(args);
  if (writes(flags) && readonly_refuses(dirfd, path, "readonly-open")) return -1;
  return real_openat64(dirfd, path, flags, mode);
}

int creat(const char *path, mode_t mode) {
  REAL(creat);
  if (readonly_refuses(AT_FDCWD, path, "readonly-creat")) return -1;
  return real_creat(path, mode);
}

int creat64(const char *path, mode_t mode) {
  REAL(creat64);
  if (readonly_refuses(AT_FDCWD, path, "readonly-creat")) return -1;
  return real_creat64(path, mode);
}

int mkdir(const char *path, mode_t mode) {
  REAL(mkdir);
  if (readonly_refuses(AT_FDCWD, path, "readonly-mkdir")) return -1;
  return real_mkdir(path, mode);
}

int mkdirat(int dirfd, const char *path, mode_t mode) {
  REAL(mkdirat);
  if (readonly_refuses(dirfd, path, "readonly-mkdir")) return -1;
  return real_mkdirat(dirfd, path, mode);
}

int rename(const char *from, const char *to) {
  REAL(rename);
  if (readonly_refuses(AT_FDCWD, from, "readonly-rename") || readonly_refuses(AT_FDCWD, to, "readonly-rename")) return -1;
  return real_rename(from, to);
}

int renameat(int fromfd, const char *from, int tofd, const char *to) {
  REAL(renameat);
  if (readonly_refuses(fromfd, from, "readonly-rename") || readonly_refuses(tofd, to, "readonly-rename")) return -1;
  return real_renameat(fromfd, from, tofd, to);
}

int renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned int flags) {
  REAL(renameat2);
  if (readonly_refuses(fromfd, from, "readonly-rename") || readonly_refuses(tofd, to, "readonly-rename")) return -1;
  return real_renameat2(fromfd, from, tofd, to, flags);
}

int unlink(const char *path) {
  REAL(unlink);
  if (readonly_refuses(AT_FDCWD, path, "readonly-unlink")) return -1;
  return real_unlink(path);
}

int unlinkat(int dirfd, const char *path, int flags) {
  REAL(unlinkat);
  if (readonly_refuses(dirfd, path, "readonly-unlink")) return -1;
  return real_unlinkat(dirfd, path, flags);
}

int rmdir(const char *path) {
  REAL(rmdir);
  if (readonly_refuses(AT_FDCWD, path, "readonly-rmdir")) return -1;
  return real_rmdir(path);
}

int chmod(const char *path, mode_t mode) {
  REAL(chmod);
  if (readonly_refuses(AT_FDCWD, path, "readonly-chmod")) return -1;
  return real_chmod(path, mode);
}

int truncate(const char *path, off_t length) {
  REAL(truncate);
  if (readonly_refuses(AT_FDCWD, path, "readonly-truncate")) return -1;
  return real_truncate(path, length);
}

int access(const char *path, int mode) {
  REAL(access);
  if ((mode & W_OK) && readonly_refuses(AT_FDCWD, path, "readonly-access")) return -1;
  return real_access(path, mode);
}

int faccessat(int dirfd, const char *path, int mode, int flags) {
  REAL(faccessat);
  if ((mode & W_OK) && readonly_refuses(dirfd, path, "readonly-access")) return -1;
  return real_faccessat(dirfd, path, mode, flags);
}
