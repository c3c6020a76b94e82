// tsbuild-fsutil: the file system calls Node has no binding for, so tsbuild needs no host tools
// (attr's getfattr/setfattr, util-linux's mount/umount/flock, coreutils' mknod) for them.
//
//   xattr-dump ROOT            every extended attribute under ROOT (ROOT included), symlinks not
//                              followed, other mounts not entered; output records on stdout:
//                              'p' <netstring path relative to ROOT, "" for ROOT>, then per
//                              attribute 'n' <netstring name> 'v' <netstring value>. A netstring
//                              is `<decimal length>:<bytes>,`, so any byte in a name is unambiguous.
//   xattr-set PATH NAME        sets NAME on PATH itself (lsetxattr) to the bytes read from stdin
//   xattr-remove PATH NAME     removes NAME from PATH itself (lremovexattr); absent is fine
//   mknod PATH c|b|p MAJ MIN   creates a device node or fifo, mode 0666 less the umask (as mknod(1))
//   mount-overlay TARGET DATA ro|rw
//                              mounts overlayfs; relative dirs in DATA resolve against the cwd
//   umount TARGET              unmounts; a busy mount is detached lazily; not mounted is fine
//   lock PATH [shared]         takes flock(LOCK_EX, or LOCK_SH with "shared") on PATH (created if
//                              missing), prints "locked\n", holds it until stdin reaches EOF (or
//                              this process dies)
//
// Exit status 0 on success; 1 with a one-line message on stderr otherwise; 2 for bad usage.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

static int fail(const char *what, const char *path) {
  fprintf(stderr, "tsbuild-fsutil: %s %s: %s\n", what, path, strerror(errno));
  return 1;
}

static void netstring(char tag, const char *bytes, size_t len) {
  printf("%c%zu:", tag, len);
  fwrite(bytes, 1, len, stdout);
  putchar(',');
}

// Grows *buf to hold at least `need` bytes.
static void reserve(char **buf, size_t *cap, size_t need) {
  if (need <= *cap) return;
  size_t next = *cap ? *cap : 4096;
  while (next < need) next *= 2;
  char *grown = realloc(*buf, next);
  if (!grown) {
    fputs("tsbuild-fsutil: out of memory\n", stderr);
    exit(1);
  }
  *buf = grown;
  *cap = next;
}

static char *names_buf, *value_buf;
static size_t names_cap, value_cap;

// Dumps the attributes of `name` in the current directory (the walk fchdir()s into each directory,
// so paths stay short whatever the depth). `rel` is the path printed for it.
static void dump_one(const char *name, const char *rel, size_t rel_len) {
  ssize_t size;
  for (;;) {
    size = llistxattr(name, NULL, 0);
    if (size <= 0) return;  // none, or the file system has no xattrs
    reserve(&names_buf, &names_cap, (size_t)size);
    size = llistxattr(name, names_buf, names_cap);
    if (size >= 0) break;
    if (errno != ERANGE) return;
  }
  int printed = 0;
  for (char *attr = names_buf; attr < names_buf + size; attr += strlen(attr) + 1) {
    ssize_t len;
    for (;;) {
      len = lgetxattr(name, attr, NULL, 0);
      if (len < 0) break;
      reserve(&value_buf, &value_cap, (size_t)len + 1);
      len = lgetxattr(name, attr, value_buf, value_cap);
      if (len >= 0 || errno != ERANGE) break;
    }
    if (len < 0) continue;  // removed meanwhile, or not readable
    if (!printed) netstring('p', rel, rel_len);
    printed = 1;
    netstring('n', attr, strlen(attr));
    netstring('v', value_buf, (size_t)len);
  }
}

static char *path_buf;
static size_t path_cap;

// Walks the directory open as `dirfd` (already chdir'ed into), whose path is path_buf[0..len).
static void walk(int dirfd, size_t len, dev_t device) {
  DIR *dir = fdopendir(dirfd);
  if (!dir) {
    close(dirfd);
    return;
  }
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    const char *name = entry->d_name;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
    size_t name_len = strlen(name);
    size_t child_len = len + (len ? 1 : 0) + name_len;
    reserve(&path_buf, &path_cap, child_len + 1);
    if (len) path_buf[len] = '/';
    memcpy(path_buf + len + (len ? 1 : 0), name, name_len + 1);
    dump_one(name, path_buf, child_len);
    if (entry->d_type != DT_DIR && entry->d_type != DT_UNKNOWN) continue;
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) || st.st_dev != device) continue;
    int child = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (child < 0 || fchdir(child) != 0) {
      if (child >= 0) close(child);
      continue;
    }
    walk(child, child_len, device);
    if (fchdir(dirfd) != 0) {
      fputs("tsbuild-fsutil: lost the walk's directory\n", stderr);
      exit(1);
    }
  }
  closedir(dir);
}

static int xattr_dump(const char *root) {
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail("cannot open", root);
  struct stat st;
  if (fstat(fd, &st) != 0 || fchdir(fd) != 0) return fail("cannot enter", root);
  reserve(&path_buf, &path_cap, 1);
  path_buf[0] = '\0';
  dump_one(".", "", 0);
  walk(fd, 0, st.st_dev);
  if (fflush(stdout) != 0) return fail("cannot write", "stdout");
  return 0;
}

static int xattr_set(const char *path, const char *name) {
  size_t len = 0;
  char *value = NULL;
  size_t cap = 0;
  for (;;) {
    reserve(&value, &cap, len + 65536);
    ssize_t got = read(STDIN_FILENO, value + len, cap - len);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail("cannot read the value of", name);
    if (got == 0) break;
    len += (size_t)got;
  }
  if (lsetxattr(path, name, value, len, 0) != 0) return fail("cannot set xattr on", path);
  return 0;
}

static int xattr_remove(const char *path, const char *name) {
  if (lremovexattr(path, name) != 0 && errno != ENODATA) return fail("cannot remove xattr from", path);
  return 0;
}

static int make_node(const char *path, const char *kind, const char *major, const char *minor) {
  mode_t type = strcmp(kind, "c") == 0 ? S_IFCHR : strcmp(kind, "b") == 0 ? S_IFBLK : S_IFIFO;
  dev_t dev = makedev(strtoul(major, NULL, 10), strtoul(minor, NULL, 10));
  if (mknod(path, type | 0666, type == S_IFIFO ? 0 : dev) != 0) return fail("cannot create node", path);
  return 0;
}

static int mount_overlay(const char *target, const char *data, const char *mode) {
  unsigned long flags = strcmp(mode, "ro") == 0 ? MS_RDONLY : 0;
  if (mount("overlay", target, "overlay", flags, data) != 0) return fail("cannot mount overlay at", target);
  return 0;
}

static int unmount(const char *target) {
  if (umount2(target, 0) == 0) return 0;
  if (errno == EINVAL || errno == ENOENT) return 0;  // not a mount point (any more)
  if (umount2(target, MNT_DETACH) == 0) return 0;
  return fail("cannot unmount", target);
}

static int lock(const char *path, int shared) {
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail("cannot open lock file", path);
  while (flock(fd, shared ? LOCK_SH : LOCK_EX) != 0) {
    if (errno != EINTR) return fail("cannot lock", path);
  }
  if (write(STDOUT_FILENO, "locked\n", 7) != 7) return fail("cannot report the lock of", path);
  char sink[256];
  for (;;) {
    ssize_t got = read(STDIN_FILENO, sink, sizeof sink);
    if (got == 0 || (got < 0 && errno != EINTR)) break;
  }
  return 0;  // exiting releases the lock
}

int main(int argc, char **argv) {
  const char *command = argc > 1 ? argv[1] : "";
  if (strcmp(command, "xattr-dump") == 0 && argc == 3) return xattr_dump(argv[2]);
  if (strcmp(command, "xattr-set") == 0 && argc == 4) return xattr_set(argv[2], argv[3]);
  if (strcmp(command, "xattr-remove") == 0 && argc == 4) return xattr_remove(argv[2], argv[3]);
  if (strcmp(command, "mknod") == 0 && argc == 6) return make_node(argv[2], argv[3], argv[4], argv[5]);
  if (strcmp(command, "mount-overlay") == 0 && argc == 5) return mount_overlay(argv[2], argv[3], argv[4]);
  if (strcmp(command, "umount") == 0 && argc == 3) return unmount(argv[2]);
  if (strcmp(command, "lock") == 0 && argc == 3) return lock(argv[2], 0);
  if (strcmp(command, "lock") == 0 && argc == 4 && strcmp(argv[3], "shared") == 0) return lock(argv[2], 1);
  fprintf(stderr, "usage: tsbuild-fsutil xattr-dump|xattr-set|xattr-remove|mknod|mount-overlay|umount|lock ...\n");
  return 2;
}
