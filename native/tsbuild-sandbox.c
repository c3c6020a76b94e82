// tsbuild-sandbox: runs one command in new namespaces over a prepared rootfs (docs/design/sandbox.md).
//
// Usage: tsbuild-sandbox SPECFILE
//        tsbuild-sandbox --oci-tty SOCKET PIDFILE CONTROLFD MOUNT|- -- RUNTIME ARGS...   (see oci_tty_main)
//        tsbuild-sandbox --supervise PIDFILE MOUNT|- -- RUNTIME ARGS...   (see supervise_main)
// SPECFILE is a sequence of NUL-terminated tokens written by src/runtime-shim/builtin-spec.ts:
//   root DIR                         where the new root is assembled (a mount point is made there)
//   rootfs-dir DIR                   bind DIR as the root, or
//   overlay OPTIONS                  mount an overlay with these options (lowerdir=...,upperdir=...)
//   mount TYPE SOURCE TARGET RO DATA extra mount (RO is "0" or "1"; TYPE "bind" binds SOURCE)
//   bind-in ROOT SOURCE TARGET RO    bind SOURCE resolved inside ROOT (symlinks with ROOT as /)
//   hostname NAME | netns | no-new-privs | seccomp-unconfined (no filter: Docker's unconfined)
//   no-mknod                         no cgroup enforces the device allow-list: drop CAP_MKNOD
//   netns-sync FD                    a network namespace set up from outside (see private_netns)
//   uid N | gid N | group N (repeatable) | cwd PATH | env K=V | arg A (repeatable)
//   cgroup PATH/cgroup.procs         (repeatable) cgroups the sandbox init joins (the cgroup namespace's root)
//   rlimit NAME SOFT HARD            (repeatable) setrlimit of the command (docker's --ulimit names; -1: unlimited)
//   shm-size BYTES                   size of the /dev/shm tmpfs (default 64 MiB)
//   tty ROWS COLS CONTROLFD          the command gets a pseudo-terminal (0 0: size unknown); stdin and
//                                    stdout relay its input and output, CONTROLFD carries "ROWS COLS\n" resizes
// Setup errors go to fd 3 when it is open (the caller's status pipe) and to stderr; exit 125.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <grp.h>
#include <termios.h>
#include <poll.h>
#include <unistd.h>

#define SETUP_FAILED 125
#define MAX_ITEMS 65536

struct mnt {
  const char *type, *source, *target, *data;
  const char *source_root; /* set for bind-in: source is resolved inside it */
  int readonly;
};

struct rlim {
  const char *name;
  int resource;
  rlim_t soft, hard;
};

struct spec {
  const char *root, *rootfs_dir, *overlay, *hostname, *cwd;
  struct rlim rlimits[16];
  size_t nrlimits;
  unsigned long long shm_size;
  int netns, no_new_privs, no_mknod, seccomp_unconfined;
  int netns_sync_fd;
  int tty, tty_control_fd;
  unsigned short tty_rows, tty_cols;
  uid_t uid;
  gid_t gid;
  gid_t groups[256];
  size_t ngroups;
  struct mnt mounts[256];
  size_t nmounts;
  const char *cgroups[16];
  size_t ncgroups;
  char *env[MAX_ITEMS + 1];
  size_t nenv;
  char *args[MAX_ITEMS + 1];
  size_t nargs;
};

static int status_fd = -1;
static struct spec spec;

static void fail(const char *fmt, ...) {
  char msg[1024];
  int saved = errno;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  char line[1200];
  int n = snprintf(line, sizeof line, "tsbuild-sandbox: %s%s%s\n", msg, saved ? ": " : "",
                   saved ? strerror(saved) : "");
  if (n > (int)sizeof line - 1) n = sizeof line - 1;
  if (status_fd >= 0 && write(status_fd, line, n) < 0) { /* nothing left to report to */ }
  if (write(2, line, n) < 0) { /* idem */ }
  _exit(SETUP_FAILED);
}

/* ---- spec parsing: tokens are NUL-terminated strings inside one buffer ---- */

static char *buf, *cur, *end;

static char *token(void) {
  if (cur >= end) { errno = 0; fail("spec: truncated"); }
  char *t = cur;
  char *nul = memchr(cur, '\0', end - cur);
  if (!nul) { errno = 0; fail("spec: unterminated token"); }
  cur = nul + 1;
  return t;
}

static unsigned long number(void) {
  char *t = token(), *e;
  errno = 0;
  unsigned long v = strtoul(t, &e, 10);
  if (errno || *t == '\0' || *e != '\0' || v > 0xfffffffeUL) { errno = 0; fail("spec: bad number %s", t); }
  return v;
}

static void read_spec(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open %s", path);
  struct stat st;
  if (fstat(fd, &st) < 0) fail("stat %s", path);
  if (st.st_size > (64 << 20)) { errno = 0; fail("spec too large"); }
  buf = malloc(st.st_size + 1);
  if (!buf) fail("malloc");
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t r = read(fd, buf + got, st.st_size - got);
    if (r <= 0) fail("read %s", path);
    got += r;
  }
  close(fd);
  cur = buf;
  end = buf + got;
}

/* A 64-bit count: docker's --ulimit values (-1 is RLIM_INFINITY) and --shm-size bytes. */
static unsigned long long big_number(int allow_unlimited) {
  char *t = token(), *e;
  if (allow_unlimited && !strcmp(t, "-1")) return RLIM_INFINITY;
  errno = 0;
  unsigned long long v = strtoull(t, &e, 10);
  if (errno || *t < '0' || *t > '9' || *e != '\0') { errno = 0; fail("spec: bad number %s", t); }
  return v;
}

static const struct { const char *name; int resource; } rlimit_names[] = {
  { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU }, { "data", RLIMIT_DATA }, { "fsize", RLIMIT_FSIZE },
  { "locks", RLIMIT_LOCKS }, { "memlock", RLIMIT_MEMLOCK }, { "msgqueue", RLIMIT_MSGQUEUE },
  { "nice", RLIMIT_NICE }, { "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC }, { "rss", RLIMIT_RSS },
  { "rtprio", RLIMIT_RTPRIO }, { "rttime", RLIMIT_RTTIME }, { "sigpending", RLIMIT_SIGPENDING },
  { "stack", RLIMIT_STACK },
};

static void parse_rlimit(struct rlim *r) {
  r->name = token();
  r->resource = -1;
  for (size_t i = 0; i < sizeof rlimit_names / sizeof *rlimit_names; i++)
    if (!strcmp(rlimit_names[i].name, r->name)) r->resource = rlimit_names[i].resource;
  if (r->resource < 0) { errno = 0; fail("spec: unknown rlimit %s", r->name); }
  r->soft = (rlim_t)big_number(1);
  r->hard = (rlim_t)big_number(1);
}

#define CHECK_ROOM(n, cap, what) \
  if ((n) >= (cap)) { errno = 0; fail("spec: too many %s", what); }

static int exec_mode;

static void parse_spec(void) {
  while (cur < end) {
    const char *key = token();
    if (!strcmp(key, "root")) spec.root = token();
    else if (!strcmp(key, "rootfs-dir")) spec.rootfs_dir = token();
    else if (!strcmp(key, "overlay")) spec.overlay = token();
    else if (!strcmp(key, "mount")) {
      CHECK_ROOM(spec.nmounts, 256, "mounts");
      struct mnt *m = &spec.mounts[spec.nmounts++];
      m->type = token(); m->source = token(); m->target = token();
      m->readonly = !strcmp(token(), "1");
      m->data = token();
    }
    else if (!strcmp(key, "bind-in")) {
      CHECK_ROOM(spec.nmounts, 256, "mounts");
      struct mnt *m = &spec.mounts[spec.nmounts++];
      m->type = "bind"; m->source_root = token(); m->source = token(); m->target = token();
      m->readonly = !strcmp(token(), "1");
      m->data = "";
    }
    else if (!strcmp(key, "hostname")) spec.hostname = token();
    else if (!strcmp(key, "netns")) spec.netns = 1;
    else if (!strcmp(key, "seccomp-unconfined")) spec.seccomp_unconfined = 1;
    else if (!strcmp(key, "netns-sync")) spec.netns_sync_fd = (int)number();
    else if (!strcmp(key, "no-new-privs")) spec.no_new_privs = 1;
    else if (!strcmp(key, "no-mknod")) spec.no_mknod = 1;
    else if (!strcmp(key, "uid")) spec.uid = number();
    else if (!strcmp(key, "gid")) spec.gid = number();
    else if (!strcmp(key, "group")) { CHECK_ROOM(spec.ngroups, 256, "groups"); spec.groups[spec.ngroups++] = number(); }
    else if (!strcmp(key, "cwd")) spec.cwd = token();
    else if (!strcmp(key, "env")) { CHECK_ROOM(spec.nenv, MAX_ITEMS, "env"); spec.env[spec.nenv++] = token(); }
    else if (!strcmp(key, "arg")) { CHECK_ROOM(spec.nargs, MAX_ITEMS, "args"); spec.args[spec.nargs++] = token(); }
    else if (!strcmp(key, "tty")) {
      spec.tty = 1;
      spec.tty_rows = (unsigned short)number();
      spec.tty_cols = (unsigned short)number();
      spec.tty_control_fd = (int)number();
    }
    else if (!strcmp(key, "cgroup")) { CHECK_ROOM(spec.ncgroups, 16, "cgroups"); spec.cgroups[spec.ncgroups++] = token(); }
    else if (!strcmp(key, "rlimit")) { CHECK_ROOM(spec.nrlimits, 16, "rlimits"); parse_rlimit(&spec.rlimits[spec.nrlimits++]); }
    else if (!strcmp(key, "shm-size")) spec.shm_size = big_number(0);
    else { errno = 0; fail("spec: unknown key %s", key); }
  }
  /* An exec joins a root that exists already. */
  if (spec.nargs == 0 || !spec.cwd || (!exec_mode && (!spec.root || (!spec.rootfs_dir && !spec.overlay)))) {
    errno = 0;
    fail("spec: root, rootfs, cwd and args are required");
  }
}

/* ---- paths inside the new root: resolved with RESOLVE_IN_ROOT so image symlinks cannot escape ---- */

static int rootfd = -1;

static int open_in_root(const char *path, int flags) {
  struct open_how how = { .flags = flags | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  while (*path == '/') path++;
  if (*path == '\0') path = ".";
  return syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

/* Opens PATH inside the root, creating missing parents (dirs) and the last part (dir or empty file). */
static int ensure_in_root(const char *path, int want_dir) {
  int fd = open_in_root(path, O_PATH);
  if (fd >= 0 || errno != ENOENT) return fd;
  char parent[4096];
  if (strlen(path) >= sizeof parent) { errno = ENAMETOOLONG; return -1; }
  strcpy(parent, path);
  char *slash = strrchr(parent, '/');
  const char *name = slash ? slash + 1 : parent;
  if (slash) *slash = '\0';
  int pfd = ensure_in_root(slash && parent[0] ? parent : "/", 1);
  if (pfd < 0) return -1;
  int r = want_dir ? mkdirat(pfd, name, 0755)
                   : openat(pfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (r < 0 && errno != EEXIST) { close(pfd); return -1; }
  if (!want_dir && r >= 0) close(r);
  close(pfd);
  return open_in_root(path, O_PATH);
}

static char *fd_path(int fd) {
  static char p[64];
  snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
  return p;
}

static void mount_in_root(const char *src, const char *target, const char *type, unsigned long flags,
                          const char *data, int want_dir) {
  int fd = ensure_in_root(target, want_dir);
  if (fd < 0) fail("create mount point %s", target);
  if (mount(src, fd_path(fd), type, flags, data) < 0) fail("mount %s on %s", type ? type : src, target);
  close(fd);
}

/* Bind mounts never honour device nodes (only /dev, our own tmpfs, has them); read-only on request. */
static void restrict_bind(const char *target, int readonly) {
  int fd = open_in_root(target, O_PATH);
  if (fd < 0) fail("open %s", target);
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_NODEV | (readonly ? MS_RDONLY : 0);
  if (mount(NULL, fd_path(fd), NULL, flags | (readonly ? MS_NOSUID : 0), NULL) < 0 &&
      mount(NULL, fd_path(fd), NULL, flags, NULL) < 0)
    fail("remount %s%s", target, readonly ? " read-only" : "");
  close(fd);
}

static void remount_readonly(const char *target) { restrict_bind(target, 1); }

/*
 * The bind source as an O_PATH fd: a host path as given (chosen by the user: `-v`, our own files),
 * or a path inside m->source_root resolved with RESOLVE_IN_ROOT, so a symlink in a stage, the
 * context or a cache dir resolves inside it; mounting the fd leaves no window to swap the path.
 */
static int open_bind_source(const struct mnt *m) {
  if (!m->source_root) return open(m->source, O_PATH | O_CLOEXEC);
  int root = open(m->source_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) fail("open bind source root %s", m->source_root);
  const char *path = m->source;
  while (*path == '/') path++;
  struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  int fd = syscall(SYS_openat2, root, *path ? path : ".", &how, sizeof how);
  int saved = errno;
  close(root);
  errno = saved;
  return fd;
}

static void bind_in_root(const struct mnt *m) {
  int src = open_bind_source(m);
  if (src < 0) fail("bind source %s", m->source);
  struct stat st;
  if (fstat(src, &st) < 0) fail("bind source %s", m->source);
  char src_path[64];
  snprintf(src_path, sizeof src_path, "/proc/self/fd/%d", src);
  mount_in_root(src_path, m->target, NULL, MS_BIND | MS_REC, NULL, S_ISDIR(st.st_mode));
  close(src);
  restrict_bind(m->target, m->readonly);
}

/* ---- the steps of the sandbox, in order ---- */

static void join_cgroups(void) {
  for (size_t i = 0; i < spec.ncgroups; i++) {
    int fd = open(spec.cgroups[i], O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "0", 1) != 1) fail("join cgroup %s", spec.cgroups[i]);
    close(fd);
  }
}

static void loopback_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) fail("socket");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) fail("get lo flags");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) fail("bring lo up");
  close(s);
}

/* ---- a network namespace that tsbuild connects from outside (slirp4netns) ---- */

/*
 * The helper itself moves into a new network namespace before it forks init, so tsbuild finds it
 * at /proc/<helper pid>/ns/net: it writes "netns\n" to the sync fd, tsbuild attaches slirp4netns
 * there and answers one byte once the interface is configured. Init waits for that byte before it
 * starts the command (see await_network), so the mounts are set up meanwhile.
 */
static void private_netns(void) {
  int fd = spec.netns_sync_fd;
  if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) fail("network sync fd %d", fd);
  if (unshare(CLONE_NEWNET) < 0) fail("unshare network namespace");
  loopback_up();
  if (write(fd, "netns\n", 6) != 6) fail("report network namespace");
}

static void await_network(void) {
  char c;
  ssize_t r;
  do r = read(spec.netns_sync_fd, &c, 1); while (r < 0 && errno == EINTR);
  if (r != 1) { if (r == 0) errno = 0; fail("network setup did not complete"); }
  close(spec.netns_sync_fd);
}

/* nodev: a device node from a layer or made by an earlier step never opens a host device. */
static void mount_rootfs(void) {
  if (spec.overlay) {
    if (mount("overlay", spec.root, "overlay", MS_NODEV, spec.overlay) < 0) fail("mount overlay on %s", spec.root);
  } else if (mount(spec.rootfs_dir, spec.root, NULL, MS_BIND | MS_REC, NULL) < 0 ||
             mount(NULL, spec.root, NULL, MS_BIND | MS_REMOUNT | MS_NODEV, NULL) < 0) {
    fail("bind rootfs %s", spec.rootfs_dir);
  }
  rootfd = open(spec.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) fail("open root %s", spec.root);
}

/* gid=5 (tty) as Docker; a rootless single-id namespace has no gid 5 (EINVAL), so none there. */
static void mount_devpts(void) {
  int fd = ensure_in_root("/dev/pts", 1);
  if (fd < 0) fail("create mount point /dev/pts");
  unsigned long flags = MS_NOSUID | MS_NOEXEC;
  if (mount("devpts", fd_path(fd), "devpts", flags, "newinstance,ptmxmode=0666,mode=0620,gid=5") < 0 &&
      (errno != EINVAL || mount("devpts", fd_path(fd), "devpts", flags, "newinstance,ptmxmode=0666,mode=0620") < 0))
    fail("mount devpts on /dev/pts");
  close(fd);
}

/* In a user namespace whose gid map was written without newgidmap, setgroups is denied for good. */
static int setgroups_denied(void) {
  char buf[8] = "";
  int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  return n >= 4 && strncmp(buf, "deny", 4) == 0;
}

static void mount_dev(void) {
  static const char *nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
  mount_in_root("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k", 1);
  for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++) {
    char host[32], inside[32];
    snprintf(host, sizeof host, "/dev/%s", nodes[i]);
    snprintf(inside, sizeof inside, "/dev/%s", nodes[i]);
    mount_in_root(host, inside, NULL, MS_BIND, NULL, 0);
  }
  mount_devpts();
  char shm[64] = "mode=1777,size=65536k";
  if (spec.shm_size) snprintf(shm, sizeof shm, "mode=1777,size=%llu", spec.shm_size);
  mount_in_root("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, shm, 1);
  mount_in_root("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 1);
  int dev = open_in_root("/dev", O_PATH | O_DIRECTORY);
  if (dev < 0) fail("open /dev");
  static const char *links[][2] = { { "pts/ptmx", "ptmx" }, { "/proc/self/fd", "fd" },
    { "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" } };
  for (size_t i = 0; i < sizeof links / sizeof *links; i++)
    if (symlinkat(links[i][0], dev, links[i][1]) < 0) fail("symlink /dev/%s", links[i][1]);
  close(dev);
}

static void mount_proc(void) {
  int fd = ensure_in_root("/proc", 1);
  if (fd < 0) fail("create mount point /proc");
  if (mount("proc", fd_path(fd), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
    /* The kernel refuses a new proc where the visible one has paths mounted over (masked). */
    if (errno == EPERM) fail("mount proc on /proc (in a container whose /proc has masked paths this is refused: "
                             "docker run --security-opt systempaths=unconfined, Kubernetes procMount: Unmasked; "
                             "see docs/container.md)");
    fail("mount proc on /proc");
  }
  close(fd);
}

static void mount_system(void) {
  mount_proc();
  mount_dev();
  unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  int fd = ensure_in_root("/sys", 1);
  if (fd < 0) fail("create mount point /sys");
  if (mount("sysfs", fd_path(fd), "sysfs", ro, NULL) < 0) {
    // Without a network namespace of our own sysfs may refuse a new instance: bind the host's, read-only.
    if (mount("/sys", fd_path(fd), NULL, MS_BIND | MS_REC, NULL) < 0) fail("mount /sys");
    close(fd);
    remount_readonly("/sys");
  } else {
    close(fd);
  }
}

/* A v1 hierarchy's mount data: its controllers (and name=), without the superblock's other options. */
static void cgroup_v1_data(const char *superopts, char *out, size_t size) {
  static const char *skip[] = { "rw", "ro", "xattr", "clone_children", "noprefix", "cpuset_v2_mode", "favordynmods" };
  char copy[512];
  snprintf(copy, sizeof copy, "%s", superopts);
  out[0] = '\0';
  for (char *save, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    int skipped = !strncmp(tok, "release_agent=", 14);
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++) skipped |= !strcmp(tok, skip[i]);
    if (skipped) continue;
    size_t len = strlen(out);
    snprintf(out + len, size - len, "%s%s", len ? "," : "", tok);
  }
}

static void mount_cgroup_fs(const char *target, const char *type, const char *data) {
  mount_in_root("cgroup", target, type, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, data, 1);
}

/* Whether the run joined a cgroup in the hierarchy mounted at `point` (its cgroup.procs is below). */
static int joined_below(const char *point) {
  size_t len = strlen(point);
  for (size_t i = 0; i < spec.ncgroups; i++)
    if (!strncmp(spec.cgroups[i], point, len) && spec.cgroups[i][len] == '/') return 1;
  return 0;
}

/*
 * /sys/fs/cgroup as runc's default spec mounts it, seen through the cgroup namespace rooted at the
 * run's cgroup (the command reads its own limits, no host path above them): the cgroup2 mount on a
 * v2 host; on v1 a tmpfs with each hierarchy the host has mounted. Only hierarchies the run joined:
 * in another one the namespace's root is tsbuild's own cgroup, and the host's tree below it would
 * show (runc joins every hierarchy; rootless runs join none).
 */
static void mount_cgroups(void) {
  FILE *f = fopen("/proc/self/mountinfo", "re");
  if (!f) fail("read /proc/self/mountinfo");
  struct { char name[128], type[8], data[256]; } found[32];
  size_t n = 0;
  int v2 = 0;
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    char point[512], type[32], superopts[512];
    const char *sep = strstr(line, " - ");
    if (!sep || sscanf(line, "%*s %*s %*s %*s %511s", point) != 1 ||
        sscanf(sep + 3, "%31s %*s %511s", type, superopts) != 2)
      continue;
    if (strcmp(type, "cgroup") && strcmp(type, "cgroup2")) continue;
    if (!joined_below(point)) continue;
    if (!strcmp(point, "/sys/fs/cgroup")) { v2 |= !strcmp(type, "cgroup2"); continue; }
    const char *name = point + strlen("/sys/fs/cgroup/");
    if (strncmp(point, "/sys/fs/cgroup/", 15) || !*name || strchr(name, '/') || strlen(name) >= sizeof found->name || n == 32) continue;
    snprintf(found[n].name, sizeof found->name, "%s", name);
    snprintf(found[n].type, sizeof found->type, "%s", type);
    cgroup_v1_data(superopts, found[n].data, sizeof found->data);
    n++;
  }
  fclose(f);
  if (v2) { mount_cgroup_fs("/sys/fs/cgroup", "cgroup2", NULL); return; }
  if (n == 0) return;
  mount_in_root("tmpfs", "/sys/fs/cgroup", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755", 1);
  int dir = open_in_root("/sys/fs/cgroup", O_PATH | O_DIRECTORY);
  if (dir < 0) fail("open /sys/fs/cgroup");
  for (size_t i = 0; i < n; i++) {
    char target[160];
    snprintf(target, sizeof target, "/sys/fs/cgroup/%s", found[i].name);
    int v1 = !strcmp(found[i].type, "cgroup");
    mount_cgroup_fs(target, found[i].type, v1 ? found[i].data : NULL);
    // As runc: cpu -> cpu,cpuacct for a hierarchy of several controllers.
    if (!v1 || !strchr(found[i].name, ',')) continue;
    char names[128];
    snprintf(names, sizeof names, "%s", found[i].name);
    for (char *save, *tok = strtok_r(names, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
      if (symlinkat(found[i].name, dir, tok) < 0 && errno != EEXIST) fail("symlink /sys/fs/cgroup/%s", tok);
  }
  close(dir);
  int fd = open_in_root("/sys/fs/cgroup", O_PATH);
  if (fd < 0 || mount(NULL, fd_path(fd), NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
    fail("remount /sys/fs/cgroup read-only");
  close(fd);
}

static void mount_extra(void) {
  for (size_t i = 0; i < spec.nmounts; i++) {
    struct mnt *m = &spec.mounts[i];
    if (!strcmp(m->type, "bind")) {
      bind_in_root(m);
      continue;
    }
    unsigned long flags = MS_NOSUID | MS_NODEV | (m->readonly ? MS_RDONLY : 0);
    mount_in_root(m->source, m->target, m->type, flags, m->data[0] ? m->data : NULL, 1);
  }
}

/* Docker's masked and read-only paths; runs after pivot_root, so plain paths are inside the sandbox. */
static void protect_kernel_files(void) {
  static const char *masked[] = { "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
    "/sys/firmware", "/sys/devices/virtual/powercap" };
  static const char *readonly[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" };
  for (size_t i = 0; i < sizeof masked / sizeof *masked; i++) {
    struct stat st;
    if (stat(masked[i], &st) < 0) continue;
    int r = S_ISDIR(st.st_mode) ? mount("tmpfs", masked[i], "tmpfs", MS_RDONLY, NULL)
                                : mount("/dev/null", masked[i], NULL, MS_BIND, NULL);
    if (r < 0) fail("mask %s", masked[i]);
  }
  for (size_t i = 0; i < sizeof readonly / sizeof *readonly; i++) {
    if (access(readonly[i], F_OK) < 0) continue;
    if (mount(readonly[i], readonly[i], NULL, MS_BIND | MS_REC, NULL) < 0 ||
        mount(NULL, readonly[i], NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL) < 0)
      fail("read-only %s", readonly[i]);
  }
}

static void enter_root(void) {
  if (fchdir(rootfd) < 0) fail("chdir root");
  if (syscall(SYS_pivot_root, ".", ".") < 0) fail("pivot_root");
  // The old root is now stacked under "."; detach it so no host path stays reachable.
  if (umount2(".", MNT_DETACH) < 0) fail("detach old root");
  if (chdir("/") < 0) fail("chdir /");
  close(rootfd);
}

static void make_cwd(void) {
  char path[4096];
  if (strlen(spec.cwd) >= sizeof path || spec.cwd[0] != '/') { errno = 0; fail("bad cwd %s", spec.cwd); }
  strcpy(path, spec.cwd);
  for (char *p = path + 1;; p++) {
    if (*p != '/' && *p != '\0') continue;
    char c = *p;
    *p = '\0';
    if (mkdir(path, 0755) < 0 && errno != EEXIST) fail("mkdir %s", path);
    *p = c;
    if (c == '\0') break;
  }
}

/* ---- privileges: Docker's default capabilities, no_new_privs, then the user ---- */

static const int default_caps[] = { CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD,
  CAP_NET_RAW, CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
  CAP_KILL, CAP_AUDIT_WRITE };

/* Without a devices cgroup (v2: it would need a BPF program) a made node must not be possible at all. */
static int is_default_cap(int cap) {
  if (cap == CAP_MKNOD && spec.no_mknod) return 0;
  for (size_t i = 0; i < sizeof default_caps / sizeof *default_caps; i++)
    if (default_caps[i] == cap) return 1;
  return 0;
}

static void drop_bounding_set(void) {
  for (int cap = 0; cap < 64; cap++) {
    if (is_default_cap(cap)) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) fail("drop capability %d", cap);
  }
}

static void set_capabilities(void) {
  struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct data[2];
  memset(data, 0, sizeof data);
  for (size_t i = 0; i < sizeof default_caps / sizeof *default_caps; i++) {
    int cap = default_caps[i];
    if (!is_default_cap(cap)) continue;
    data[cap / 32].effective |= 1u << (cap % 32);
    data[cap / 32].permitted |= 1u << (cap % 32);
  }
  if (syscall(SYS_capset, &hdr, data) < 0) fail("capset");
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) fail("clear ambient");
}

static void switch_user(void) {
  if (spec.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail("no_new_privs");
  if (setgroups(spec.ngroups, spec.groups) < 0 && !(errno == EPERM && setgroups_denied())) fail("setgroups");
  if (setresgid(spec.gid, spec.gid, spec.gid) < 0) fail("setgid %u", (unsigned)spec.gid);
  // Leaving uid 0 clears the permitted and effective sets, as Docker does for a non-root USER.
  if (setresuid(spec.uid, spec.uid, spec.uid) < 0) fail("setuid %u", (unsigned)spec.uid);
}

/* ---- seccomp: the effect of Docker's default profile (moby profiles/seccomp/default.json) ----
 * Docker's profile allows a list of syscalls and, for a container without CAP_SYS_ADMIN and the
 * other dropped capabilities (ours never has them), refuses the rest with EPERM. This filter
 * refuses the same dangerous ones by name instead: the kernel keyring, new namespaces (unshare,
 * setns, clone with CLONE_NEW*), mounts, modules, kexec, bpf, perf, userfaultfd, io_uring,
 * handle-based opens, clock and host settings, swap, reboot, odd personalities. clone3 gets ENOSYS
 * (its flags are behind a pointer) so libc falls back to clone. Other architectures get EPERM for
 * every syscall, and so does the x32 ABI; on x86_64 the i386 ABI gets its own table. */

static const unsigned denied_native[] = {
#ifdef __NR_acct
  __NR_acct,
#endif
#ifdef __NR_add_key
  __NR_add_key,
#endif
#ifdef __NR_keyctl
  __NR_keyctl,
#endif
#ifdef __NR_request_key
  __NR_request_key,
#endif
#ifdef __NR_bpf
  __NR_bpf,
#endif
#ifdef __NR_clock_settime
  __NR_clock_settime,
#endif
#ifdef __NR_settimeofday
  __NR_settimeofday,
#endif
#ifdef __NR_stime
  __NR_stime,
#endif
#ifdef __NR_create_module
  __NR_create_module,
#endif
#ifdef __NR_delete_module
  __NR_delete_module,
#endif
#ifdef __NR_finit_module
  __NR_finit_module,
#endif
#ifdef __NR_init_module
  __NR_init_module,
#endif
#ifdef __NR_get_kernel_syms
  __NR_get_kernel_syms,
#endif
#ifdef __NR_query_module
  __NR_query_module,
#endif
#ifdef __NR_kexec_load
  __NR_kexec_load,
#endif
#ifdef __NR_kexec_file_load
  __NR_kexec_file_load,
#endif
#ifdef __NR_fanotify_init
  __NR_fanotify_init,
#endif
#ifdef __NR_fsconfig
  __NR_fsconfig,
#endif
#ifdef __NR_fsmount
  __NR_fsmount,
#endif
#ifdef __NR_fsopen
  __NR_fsopen,
#endif
#ifdef __NR_fspick
  __NR_fspick,
#endif
#ifdef __NR_move_mount
  __NR_move_mount,
#endif
#ifdef __NR_open_tree
  __NR_open_tree,
#endif
#ifdef __NR_mount_setattr
  __NR_mount_setattr,
#endif
#ifdef __NR_lookup_dcookie
  __NR_lookup_dcookie,
#endif
#ifdef __NR_mount
  __NR_mount,
#endif
#ifdef __NR_umount
  __NR_umount,
#endif
#ifdef __NR_umount2
  __NR_umount2,
#endif
#ifdef __NR_pivot_root
  __NR_pivot_root,
#endif
#ifdef __NR_name_to_handle_at
  __NR_name_to_handle_at,
#endif
#ifdef __NR_open_by_handle_at
  __NR_open_by_handle_at,
#endif
#ifdef __NR_nfsservctl
  __NR_nfsservctl,
#endif
#ifdef __NR_perf_event_open
  __NR_perf_event_open,
#endif
#ifdef __NR_quotactl
  __NR_quotactl,
#endif
#ifdef __NR_quotactl_fd
  __NR_quotactl_fd,
#endif
#ifdef __NR_reboot
  __NR_reboot,
#endif
#ifdef __NR_setdomainname
  __NR_setdomainname,
#endif
#ifdef __NR_sethostname
  __NR_sethostname,
#endif
#ifdef __NR_setns
  __NR_setns,
#endif
#ifdef __NR_unshare
  __NR_unshare,
#endif
#ifdef __NR_swapon
  __NR_swapon,
#endif
#ifdef __NR_swapoff
  __NR_swapoff,
#endif
#ifdef __NR_syslog
  __NR_syslog,
#endif
#ifdef __NR_sysfs
  __NR_sysfs,
#endif
#ifdef __NR__sysctl
  __NR__sysctl,
#endif
#ifdef __NR_uselib
  __NR_uselib,
#endif
#ifdef __NR_userfaultfd
  __NR_userfaultfd,
#endif
#ifdef __NR_ustat
  __NR_ustat,
#endif
#ifdef __NR_vm86
  __NR_vm86,
#endif
#ifdef __NR_vm86old
  __NR_vm86old,
#endif
#ifdef __NR_iopl
  __NR_iopl,
#endif
#ifdef __NR_ioperm
  __NR_ioperm,
#endif
#ifdef __NR_get_mempolicy
  __NR_get_mempolicy,
#endif
#ifdef __NR_set_mempolicy
  __NR_set_mempolicy,
#endif
#ifdef __NR_mbind
  __NR_mbind,
#endif
#ifdef __NR_move_pages
  __NR_move_pages,
#endif
#ifdef __NR_migrate_pages
  __NR_migrate_pages,
#endif
#ifdef __NR_kcmp
  __NR_kcmp,
#endif
#ifdef __NR_vhangup
  __NR_vhangup,
#endif
#ifdef __NR_io_uring_setup
  __NR_io_uring_setup,
#endif
#ifdef __NR_io_uring_enter
  __NR_io_uring_enter,
#endif
#ifdef __NR_io_uring_register
  __NR_io_uring_register,
#endif
};

#ifdef __x86_64__
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define X32_SYSCALL_BIT 0x40000000u
static const unsigned denied_i386[] = {
  51 /* acct */, 286 /* add_key */, 288 /* keyctl */, 287 /* request_key */, 357 /* bpf */,
  264 /* clock_settime */, 404 /* clock_settime64 */, 79 /* settimeofday */, 25 /* stime */,
  127 /* create_module */, 129 /* delete_module */, 350 /* finit_module */, 128 /* init_module */,
  130 /* get_kernel_syms */, 167 /* query_module */, 283 /* kexec_load */, 338 /* fanotify_init */,
  431 /* fsconfig */, 432 /* fsmount */, 430 /* fsopen */, 433 /* fspick */, 429 /* move_mount */,
  428 /* open_tree */, 442 /* mount_setattr */, 253 /* lookup_dcookie */, 21 /* mount */, 22 /* umount */,
  52 /* umount2 */, 217 /* pivot_root */, 341 /* name_to_handle_at */, 342 /* open_by_handle_at */,
  169 /* nfsservctl */, 336 /* perf_event_open */, 131 /* quotactl */, 443 /* quotactl_fd */,
  88 /* reboot */, 121 /* setdomainname */, 74 /* sethostname */, 346 /* setns */, 310 /* unshare */,
  87 /* swapon */, 115 /* swapoff */, 103 /* syslog */, 135 /* sysfs */, 149 /* _sysctl */, 86 /* uselib */,
  374 /* userfaultfd */, 62 /* ustat */, 166 /* vm86 */, 113 /* vm86old */, 110 /* iopl */, 101 /* ioperm */,
  275 /* get_mempolicy */, 276 /* set_mempolicy */, 274 /* mbind */, 317 /* move_pages */,
  294 /* migrate_pages */, 349 /* kcmp */, 111 /* vhangup */, 425 /* io_uring_setup */,
  426 /* io_uring_enter */, 427 /* io_uring_register */,
};
#define I386_CLONE 120
#define I386_CLONE3 435
#define I386_PERSONALITY 136
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "tsbuild-sandbox: seccomp filter only written for x86_64 and aarch64"
#endif

#define CLONE_NAMESPACE_FLAGS 0x7E020000u /* CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET */
#define SECCOMP_EPERM (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
#define SECCOMP_ENOSYS (SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA))
#define ARG0_LOW offsetof(struct seccomp_data, args[0]) /* little-endian: the low 32 bits */

struct bpf_program { struct sock_filter code[512]; unsigned short len; };

static void emit(struct bpf_program *p, unsigned short code, unsigned jt, unsigned jf, unsigned k) {
  if (p->len >= sizeof p->code / sizeof *p->code) { errno = 0; fail("seccomp filter too long"); }
  p->code[p->len++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
}

/* The rules for one ABI; expects the syscall number in A, ends with ALLOW. */
static void emit_abi_rules(struct bpf_program *p, const unsigned *denied, size_t n, unsigned clone_nr,
                           unsigned clone3_nr, unsigned personality_nr) {
  for (size_t i = 0; i < n; i++) {
    emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, denied[i]);
    emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_EPERM);
  }
  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, clone3_nr);
  emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_ENOSYS);
  /* clone: refused when any namespace flag is set. */
  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 4, clone_nr);
  emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG0_LOW);
  emit(p, BPF_JMP | BPF_JSET | BPF_K, 0, 1, CLONE_NAMESPACE_FLAGS);
  emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_EPERM);
  emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
  /* personality: only Docker's values (PER_LINUX, PER_LINUX32, UNAME26 variants, the 0xffffffff query). */
  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 7, personality_nr);
  emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG0_LOW);
  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 0x0);
  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 4, 0, 0x8);
  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 3, 0, 0x20000);
  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 0x20008);
  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0xffffffff);
  emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_EPERM);
  /* Everything else. */
  emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
}

/* Needs CAP_SYS_ADMIN or no_new_privs: called while the init's full capabilities are still effective. */
static void install_seccomp(void) {
  static struct bpf_program p;
  p.len = 0;
  emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
#ifdef __x86_64__
  emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 2, 0, NATIVE_ARCH);
  emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, AUDIT_ARCH_I386); /* jt set below, to the i386 rules */
  size_t i386_jump = p.len - 1;
  emit(&p, BPF_RET | BPF_K, 0, 0, SECCOMP_EPERM);
  emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
  emit(&p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, X32_SYSCALL_BIT);
  emit(&p, BPF_RET | BPF_K, 0, 0, SECCOMP_EPERM);
  emit_abi_rules(&p, denied_native, sizeof denied_native / sizeof *denied_native, __NR_clone, __NR_clone3, __NR_personality);
  size_t jt = p.len - (i386_jump + 1);
  if (jt > 255) { errno = 0; fail("seccomp filter layout: jump too long"); }
  p.code[i386_jump].jt = jt;
  emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
  emit_abi_rules(&p, denied_i386, sizeof denied_i386 / sizeof *denied_i386, I386_CLONE, I386_CLONE3, I386_PERSONALITY);
#else
  emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, NATIVE_ARCH);
  emit(&p, BPF_RET | BPF_K, 0, 0, SECCOMP_EPERM);
  emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
  emit_abi_rules(&p, denied_native, sizeof denied_native / sizeof *denied_native, __NR_clone, __NR_clone3, __NR_personality);
#endif
  struct sock_fprog prog = { .len = p.len, .filter = p.code };
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) fail("install seccomp filter");
}

/* ---- a pseudo-terminal for the command (`tsbuild run -t`) ---- */

/*
 * The terminal is opened by init inside the sandbox, on the sandbox's own devpts instance, so the
 * command sees /dev/pts/0 of its own /dev; its master goes to the helper outside (SCM_RIGHTS), which
 * relays it to tsbuild's pipes. The command never holds anything of tsbuild's terminal.
 */
static int console_sock[2] = { -1, -1 }; /* init sends the master on [1], the relay receives it on [0] */
static int tty_slave = -1;

static void send_fd(int sock, int fd) {
  char byte = 0;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } control;
  memset(&control, 0, sizeof control);
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  ssize_t r;
  do r = sendmsg(sock, &msg, MSG_NOSIGNAL); while (r < 0 && errno == EINTR);
  if (r != 1) fail("send the terminal");
}

/* The fd passed over SOCK, or -1 when the sender closed the socket without sending one. */
static int receive_fd(int sock) {
  char byte;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int) * 4)]; } control;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf };
  ssize_t r;
  do r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); while (r < 0 && errno == EINTR);
  if (r <= 0) return -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    int n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int)), fd = -1;
    for (int i = 0; i < n; i++) {
      int got;
      memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      if (fd < 0) fd = got; else close(got);
    }
    if (fd >= 0) return fd;
  }
  return -1;
}

static void set_window_size(int master, unsigned short rows, unsigned short cols) {
  if (rows == 0 || cols == 0) return;
  struct winsize ws = { .ws_row = rows, .ws_col = cols };
  if (ioctl(master, TIOCSWINSZ, &ws) < 0) { /* the terminal is gone: nothing to resize */ }
}

/* In init, after pivot_root: a pty on the sandbox's devpts; the master goes to the helper. */
static void open_terminal(void) {
  int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) fail("open /dev/pts/ptmx");
  int unlock = 0;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0) fail("unlock the terminal");
  /* TIOCGPTPEER opens the peer of this very master, with no path lookup in the sandbox's /dev. */
  tty_slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (tty_slave < 0) fail("open the terminal's slave");
  /* As runc: the terminal belongs to the command's user (its group stays tty's, from devpts gid=5). */
  if (fchown(tty_slave, spec.uid, (gid_t)-1) < 0 && errno != EINVAL) fail("chown the terminal");
  set_window_size(master, spec.tty_rows, spec.tty_cols);
  send_fd(console_sock[1], master);
  close(master);
  close(console_sock[1]);
}

/* In the command, after setsid: the terminal becomes its controlling terminal and its stdio. */
static void take_terminal(void) {
  if (ioctl(tty_slave, TIOCSCTTY, 0) < 0) fail("make the terminal controlling");
  for (int fd = 0; fd <= 2; fd++)
    if (dup2(tty_slave, fd) < 0) fail("terminal stdio");
  close(tty_slave);
}

/* "ROWS COLS\n" lines from tsbuild; a line may arrive in pieces. */
struct resizer { int fd; size_t len; char line[64]; };

static void read_resizes(struct resizer *r, int master) {
  ssize_t got = read(r->fd, r->line + r->len, sizeof r->line - 1 - r->len);
  if (got <= 0) {
    if (got == 0 || (errno != EINTR && errno != EAGAIN)) { close(r->fd); r->fd = -1; }
    return;
  }
  r->len += (size_t)got;
  char *nl;
  while ((nl = memchr(r->line, '\n', r->len))) {
    *nl = '\0';
    unsigned rows, cols;
    if (sscanf(r->line, "%u %u", &rows, &cols) == 2 && rows < 65536 && cols < 65536)
      set_window_size(master, (unsigned short)rows, (unsigned short)cols);
    size_t used = (size_t)(nl + 1 - r->line);
    memmove(r->line, nl + 1, r->len - used);
    r->len -= used;
  }
  if (r->len == sizeof r->line - 1) r->len = 0; /* no newline in a full buffer: not a size */
}

/*
 * Copies stdin to the master and the master to stdout, and applies resizes from CONTROL, until the
 * terminal's last slave fd is closed (EIO on the master: the sandbox is gone). Writes do not block,
 * with one buffer per direction, so a command that reads no input never stalls its output.
 */
static void relay_terminal(int master, int control) {
  struct { int from, to, open; size_t len, off; char data[65536]; } *d = calloc(2, sizeof *d);
  if (!d) fail("malloc");
  d[0].from = 0, d[0].to = master, d[0].open = 1;   /* input */
  d[1].from = master, d[1].to = 1, d[1].open = 1;   /* output */
  struct resizer resize = { .fd = control };
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK);
  signal(SIGPIPE, SIG_IGN);
  while (d[1].open || d[1].off < d[1].len) {
    struct pollfd p[3];
    for (int i = 0; i < 2; i++) {
      int pending = d[i].off < d[i].len;
      p[i].fd = pending ? d[i].to : d[i].open ? d[i].from : -1;
      p[i].events = pending ? POLLOUT : POLLIN;
    }
    p[2].fd = resize.fd;
    p[2].events = POLLIN;
    if (poll(p, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p[2].revents) read_resizes(&resize, master);
    for (int i = 0; i < 2; i++) {
      if (!p[i].revents) continue;
      if (d[i].off < d[i].len) {
        ssize_t w = write(d[i].to, d[i].data + d[i].off, d[i].len - d[i].off);
        if (w > 0) d[i].off += (size_t)w;
        else if (errno != EINTR && errno != EAGAIN) d[i].off = d[i].len, d[i].open = 0; /* nobody reads */
      } else {
        ssize_t got = read(d[i].from, d[i].data, sizeof d[i].data);
        if (got > 0) d[i].len = (size_t)got, d[i].off = 0;
        else if (got == 0 || (errno != EINTR && errno != EAGAIN)) d[i].open = 0; /* EOF; EIO from the master */
      }
    }
  }
}

/* ---- the command and the init that waits for it ---- */

static const char *env_path(void) {
  for (size_t i = 0; i < spec.nenv; i++)
    if (!strncmp(spec.env[i], "PATH=", 5)) return spec.env[i] + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

static void exec_command(void) {
  const char *file = spec.args[0];
  if (strchr(file, '/')) execve(file, spec.args, spec.env);
  else {
    int saved = ENOENT;
    for (const char *p = env_path(); *p;) {
      const char *colon = strchrnul(p, ':');
      char full[4096];
      int n = snprintf(full, sizeof full, "%.*s%s%s", (int)(colon - p), p, colon == p ? "" : "/", file);
      if (n > 0 && n < (int)sizeof full) {
        execve(full, spec.args, spec.env);
        if (errno == EACCES) saved = EACCES;
      }
      p = *colon ? colon + 1 : colon;
    }
    errno = saved;
  }
  int code = errno == ENOENT ? 127 : 126;
  dprintf(2, "tsbuild-sandbox: exec %s: %s\n", file, strerror(errno));
  _exit(code);
}

static volatile pid_t forward_to;

static void forward_signal(int sig) {
  if (forward_to > 0) kill(forward_to, sig);
}

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

static void set_forwarding(void (*handler)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESTART;
  for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaction(forwarded[i], &sa, NULL);
}

static int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

/* Forks CHILD with forwarding set up race-free; returns its pid in the parent. */
static pid_t fork_forwarding(void) {
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  pid_t pid = fork();
  if (pid < 0) fail("fork");
  if (pid == 0) {
    set_forwarding(SIG_DFL);
    forward_to = 0;
  } else {
    forward_to = pid;
    set_forwarding(forward_signal);
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
  return pid;
}

/* Waits for PID, reaping every other child on the way (as PID 1 that means orphans too). */
static void wait_and_exit(pid_t pid) {
  for (;;) {
    int status;
    pid_t got = waitpid(-1, &status, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail("wait");
    if (got == pid) _exit(exit_code_of(status));
  }
}

/* Always a new session without a controlling terminal: even with the caller's terminal on its
 * stdio, the command cannot TIOCSTI into it (or open /dev/tty); tsbuild forwards Ctrl-C's SIGINT. */
/* While the command still has every capability: raising a hard limit needs CAP_SYS_RESOURCE. */
static void set_rlimits(void) {
  for (size_t i = 0; i < spec.nrlimits; i++) {
    struct rlimit value = { .rlim_cur = spec.rlimits[i].soft, .rlim_max = spec.rlimits[i].hard };
    if (setrlimit(spec.rlimits[i].resource, &value) < 0) fail("ulimit %s", spec.rlimits[i].name);
  }
}

static void run_command(void) {
  if (setsid() < 0) fail("setsid");
  set_rlimits();
  if (spec.tty) take_terminal();
  if (!spec.seccomp_unconfined) install_seccomp();
  set_capabilities();
  switch_user();
  if (chdir(spec.cwd) < 0) fail("chdir %s", spec.cwd);
  exec_command();
}

/* The helper may be killed between fork and PR_SET_PDEATHSIG; the init, in a new PID namespace,
 * sees getppid() == 0 either way, so it learns of that from the helper's end of a pipe closing. */
static int helper_alive_fd = -1;

static void init_main(void) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) fail("pdeathsig");
  struct pollfd alive = { .fd = helper_alive_fd, .events = POLLIN };
  if (poll(&alive, 1, 0) != 0) _exit(1); /* POLLHUP: the helper is gone */
  close(helper_alive_fd);
  join_cgroups();
  // The cgroup namespace is rooted at the cgroups just joined.
  int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP | (spec.netns ? CLONE_NEWNET : 0);
  if (unshare(flags) < 0) fail("unshare");
  if (spec.netns) loopback_up();
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) fail("make mounts private");
  mount_rootfs();
  mount_system();
  mount_cgroups();
  mount_extra();
  enter_root();
  protect_kernel_files();
  if (spec.hostname && sethostname(spec.hostname, strlen(spec.hostname)) < 0) fail("sethostname");
  make_cwd();
  if (spec.netns_sync_fd) await_network();
  if (spec.tty) open_terminal();
  drop_bounding_set();
  pid_t child = fork_forwarding();
  if (child == 0) run_command();
  if (tty_slave >= 0) close(tty_slave);
  wait_and_exit(child);
}

/* Nothing tsbuild's process left open (beyond stdio) may reach the command: every fd above 2 is
 * closed at exec. The status pipe (fd 3) stays usable for setup errors until then. */
static void cloexec_inherited_fds(void) {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, 3, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */) == 0) return;
#endif
  long max = sysconf(_SC_OPEN_MAX);
  for (long fd = 3; fd < (max > 0 ? max : 65536); fd++) fcntl((int)fd, F_SETFD, FD_CLOEXEC);
}


/* Node's stdio "pipes" are socketpairs, and a socket cannot be reopened through /proc/self/fd, so
 * `echo x > /dev/stderr` would fail (ENXIO); BuildKit's and runc's processes get pipes. Each socket
 * among fds 0-2 is replaced by a pipe, with a relay process (outside the sandbox, holding nothing
 * else) copying between the two until the command side is done. */
struct relay { int from, to, input, open; size_t len, off; char data[65536]; };

/* Copies until the command's outputs are closed; writes are non-blocking with one buffer per
 * stream, so a command that does not read its input never stalls its output. */
static void relay_loop(struct relay *r, int n) {
  for (int i = 0; i < n; i++) fcntl(r[i].to, F_SETFL, fcntl(r[i].to, F_GETFL) | O_NONBLOCK);
  for (;;) {
    struct pollfd p[3];
    int outputs = 0;
    for (int i = 0; i < n; i++) {
      int pending = r[i].off < r[i].len;
      p[i].fd = !r[i].open ? -1 : pending ? r[i].to : r[i].from;
      p[i].events = pending ? POLLOUT : POLLIN;
      if (r[i].open && !r[i].input) outputs++;
    }
    if (outputs == 0) _exit(0); /* the command's outputs are closed: its input no longer matters */
    if (poll(p, (nfds_t)n, -1) < 0) {
      if (errno == EINTR) continue;
      _exit(1);
    }
    for (int i = 0; i < n; i++) {
      if (!r[i].open || !p[i].revents) continue;
      int failed = 0;
      if (r[i].off < r[i].len) {
        ssize_t w = write(r[i].to, r[i].data + r[i].off, r[i].len - r[i].off);
        if (w > 0) r[i].off += (size_t)w;
        else failed = errno != EINTR && errno != EAGAIN;
      } else {
        ssize_t got = read(r[i].from, r[i].data, sizeof r[i].data);
        if (got > 0) r[i].len = (size_t)got, r[i].off = 0;
        else failed = got == 0 || (errno != EINTR && errno != EAGAIN);
      }
      if (failed) { /* EOF, or the other side is gone: stdin's pipe then reads EOF */
        r[i].open = 0;
        close(r[i].from);
        close(r[i].to);
      }
    }
  }
}

/* Closes every fd except the `n` in `keep`: close_range over the gaps (a few calls, where one
 * close per possible fd number cost 65,536 system calls, ~50 ms, on every RUN). */
static void close_all_but(int *keep, int n) {
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) { int t = keep[j]; keep[j] = keep[j - 1]; keep[j - 1] = t; }
  unsigned int from = 0;
  for (int i = 0; i <= n; i++) {
    unsigned int to = i < n ? (unsigned int)keep[i] : ~0U;
    if (to > from) {
      unsigned int last = i < n ? to - 1 : ~0U;
#ifdef SYS_close_range
      if (syscall(SYS_close_range, from, last, 0) == 0) { from = to + 1; continue; }
#endif
      long max = sysconf(_SC_OPEN_MAX);
      long end = i < n ? (long)last : (max > 0 ? max - 1 : 65535);
      for (long fd = from; fd <= end; fd++) close((int)fd);
    }
    if (i < n) from = to + 1;
  }
}

static void pipe_socket_stdio(void) {
  static struct relay r[3];
  int n = 0;
  for (int fd = 0; fd <= 2; fd++) {
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode)) continue;
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) fail("pipe");
    int socket_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (socket_fd < 0) fail("stdio pipe");
    int input = fd == 0;
    if (dup2(input ? p[0] : p[1], fd) < 0) fail("stdio pipe");
    close(input ? p[0] : p[1]);
    r[n].from = input ? socket_fd : p[0];
    r[n].to = input ? p[1] : socket_fd;
    r[n].input = input;
    r[n++].open = 1;
  }
  if (n == 0) return;
  pid_t pid = fork();
  if (pid < 0) fail("fork");
  if (pid > 0) {
    for (int i = 0; i < n; i++) close(r[i].from), close(r[i].to);
    return;
  }
  signal(SIGPIPE, SIG_IGN);
  int keep[6];
  for (int i = 0; i < n; i++) keep[2 * i] = r[i].from, keep[2 * i + 1] = r[i].to;
  close_all_but(keep, 2 * n);
  relay_loop(r, n);
}

/* ---- runc/crun with a terminal ---- */

/*
 * `runc run` in the foreground relays a terminal only through a terminal of its own (its stdio or
 * /dev/tty), which tsbuild's children never have, and Node cannot receive an fd over a socket. So
 * this mode starts `RUNTIME ... run --detach --console-socket SOCKET --pid-file PIDFILE ID`, takes
 * the master runc sends on SOCKET, and, being a child subreaper, becomes the parent of the detached
 * container (as containerd-shim does): it forwards signals to it, relays the terminal like the
 * builtin helper and exits with the container's status.
 */
static volatile sig_atomic_t early_signal;
/* What supervise_main and oci_tty_main kill when tsbuild dies (see kill_supervised). */
static const char *supervised_pid_file, *supervised_mount;
static volatile pid_t supervised_runtime;

static void forward_or_keep(int sig) {
  if (forward_to > 0) kill(forward_to, sig);
  else early_signal = sig;
}

static int accept_console(int listener, pid_t runtime, int *runtime_status) {
  for (;;) {
    struct pollfd p = { .fd = listener, .events = POLLIN };
    int r = poll(&p, 1, 100); /* also checks now and then whether the runtime gave up */
    if (r > 0) {
      int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
      if (conn >= 0) return conn;
      if (errno != EINTR && errno != ECONNABORTED) fail("accept on the console socket");
    } else if (r < 0 && errno != EINTR) {
      fail("poll the console socket");
    }
    if (waitpid(runtime, runtime_status, WNOHANG) == runtime) return -1;
  }
}

static pid_t read_pid_file(const char *path) {
  char text[32] = "";
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open %s", path);
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  long pid = n > 0 ? strtol(text, NULL, 10) : 0;
  if (pid <= 0) { errno = 0; fail("no container pid in %s", path); }
  return (pid_t)pid;
}

static void arm_orphan_kill(const char *pid_file, const char *mount);

static void oci_tty_main(int argc, char **argv) {
  if (argc < 8 || strcmp(argv[6], "--")) { errno = 0; fail("usage: tsbuild-sandbox --oci-tty SOCKET PIDFILE CONTROLFD MOUNT|- -- RUNTIME ARGS..."); }
  const char *socket_path = argv[2], *pid_file = argv[3];
  /* The container is detached from runc: nothing takes it down with tsbuild but this helper. */
  arm_orphan_kill(pid_file, strcmp(argv[5], "-") ? argv[5] : NULL);
  int control = atoi(argv[4]);
  if (fcntl(control, F_GETFD) < 0) fail("terminal control fd %d", control);
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) fail("become a subreaper");
  set_forwarding(forward_or_keep);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen(socket_path) >= sizeof addr.sun_path) { errno = 0; fail("console socket path too long: %s", socket_path); }
  strcpy(addr.sun_path, socket_path);
  int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, 1) < 0)
    fail("console socket %s", socket_path);
  pid_t runtime = fork();
  if (runtime < 0) fail("fork");
  if (runtime == 0) {
    signal(SIGRTMIN, SIG_DFL);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) fail("pdeathsig");
    int null = open("/dev/null", O_RDWR);
    if (null < 0 || dup2(null, 0) < 0 || dup2(2, 1) < 0) fail("runtime stdio");
    execvp(argv[7], argv + 7);
    fail("exec %s", argv[7]);
  }
  supervised_runtime = runtime;
  int status = 0;
  int conn = accept_console(listener, runtime, &status);
  close(listener);
  if (conn < 0) _exit(exit_code_of(status) ? exit_code_of(status) : SETUP_FAILED); /* runc's log says why */
  int master = receive_fd(conn);
  close(conn);
  unlink(socket_path);
  while (waitpid(runtime, &status, 0) < 0 && errno == EINTR) {}
  if (master < 0 || exit_code_of(status) != 0) _exit(exit_code_of(status) ? exit_code_of(status) : SETUP_FAILED);
  forward_to = read_pid_file(pid_file);
  if (early_signal) kill(forward_to, early_signal);
  relay_terminal(master, control);
  close(master);
  wait_and_exit(forward_to);
}


/* Before the PID namespace (children forked after unshare(CLONE_NEWPID) would be in it and die with
 * init, output unread): a process of the helper's that receives init's terminal and relays it. */
static void start_terminal_relay(void) {
  if (fcntl(spec.tty_control_fd, F_GETFD) < 0) fail("terminal control fd %d", spec.tty_control_fd);
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console_sock) < 0) fail("socketpair");
  pid_t pid = fork();
  if (pid < 0) fail("fork");
  if (pid == 0) {
    /* Only the terminal's ends stay open in the relay: tsbuild sees the run end once the helper and
     * it have exited, whatever else the helper held (the status pipe, the network sync socket). */
    int keep[] = { 0, 1, console_sock[0], spec.tty_control_fd };
    close_all_but(keep, 4);
    int master = receive_fd(console_sock[0]);
    close(console_sock[0]);
    if (master >= 0) relay_terminal(master, spec.tty_control_fd); /* none: init failed, its status says why */
    _exit(0);
  }
  close(console_sock[0]);
  close(spec.tty_control_fd);
  /* The relay alone holds tsbuild's ends; fds 0 and 1 stay taken, so no fd opened later lands there. */
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0 || dup3(null, 0, O_CLOEXEC) < 0 || dup3(null, 1, O_CLOEXEC) < 0) fail("/dev/null");
  close(null);
}

/* ---- runc/crun without a terminal: killed with tsbuild ---- */

/*
 * `runc run` in the foreground outlives a SIGKILLed tsbuild, and so does its container (runc's init
 * loses PDEATHSIG when it changes credentials). This mode runs it as a child with PDEATHSIG and
 * forwards tsbuild's signals to it; it gets a signal of its own when tsbuild dies, and then SIGKILLs
 * the container's PID 1 (from PIDFILE, which `runc run --pid-file` writes): its PID namespace,
 * every process of the container, goes with it. Then runc, and the rootfs mount (MOUNT) is detached.
 */

static void kill_supervised(int sig) {
  (void)sig;
  char text[32];
  int fd = open(supervised_pid_file, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
  if (fd >= 0) close(fd);
  long pid = 0;
  for (ssize_t i = 0; i < n && text[i] >= '0' && text[i] <= '9'; i++) pid = pid * 10 + (text[i] - '0');
  if (pid > 1) kill((pid_t)pid, SIGKILL);
  if (supervised_runtime > 0) kill(supervised_runtime, SIGKILL); /* not started yet: its init has PDEATHSIG */
  if (supervised_mount) umount2(supervised_mount, MNT_DETACH); /* the rootfs tsbuild mounted for runc */
  _exit(137);
}

/* From now on tsbuild's death (PDEATHSIG: SIGRTMIN) kills the container, runc, and detaches MOUNT. */
static void arm_orphan_kill(const char *pid_file, const char *mount) {
  supervised_pid_file = pid_file;
  supervised_mount = mount;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = kill_supervised;
  sigfillset(&sa.sa_mask);
  if (sigaction(SIGRTMIN, &sa, NULL) < 0) fail("sigaction");
  pid_t parent = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGRTMIN) < 0) fail("pdeathsig");
  if (getppid() != parent) kill_supervised(0);
}

static void supervise_main(int argc, char **argv) {
  if (argc < 6 || strcmp(argv[4], "--")) { errno = 0; fail("usage: tsbuild-sandbox --supervise PIDFILE MOUNT|- -- RUNTIME ARGS..."); }
  arm_orphan_kill(argv[2], strcmp(argv[3], "-") ? argv[3] : NULL);
  sigset_t orphan, old;
  sigemptyset(&orphan);
  sigaddset(&orphan, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &orphan, &old);
  pid_t runtime = fork_forwarding();
  if (runtime == 0) {
    signal(SIGRTMIN, SIG_DFL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) fail("pdeathsig");
    execvp(argv[5], argv + 5);
    fail("exec %s", argv[5]);
  }
  supervised_runtime = runtime;
  sigprocmask(SIG_SETMASK, &old, NULL);
  int status;
  while (waitpid(runtime, &status, 0) < 0)
    if (errno != EINTR) fail("wait");
  _exit(exit_code_of(status));
}

/* ---- exec: one more process in a running container (`tsbuild exec`) ----
 * `--exec SPECFILE PID`: joins the namespaces and cgroups of the container whose init is PID, forks
 * so the child is inside its PID namespace, and runs the spec's command with the same privileges
 * as the container's command (capabilities, no_new_privs, seccomp, user). */
static void exec_main(int argc, char **argv) {
  if (argc != 4) { errno = 0; fail("usage: tsbuild-sandbox --exec SPECFILE PID"); }
  pid_t parent = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) fail("pdeathsig");
  if (getppid() != parent) { errno = 0; fail("parent exited"); }
  read_spec(argv[2]);
  exec_mode = 1;
  parse_spec();
  spec.env[spec.nenv] = NULL;
  spec.args[spec.nargs] = NULL;
  /* The mount namespace last: the others are opened through the host's /proc. */
  static const char *const kinds[] = { "ipc", "uts", "net", "pid", "mnt" };
  int fds[sizeof kinds / sizeof *kinds];
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/ns/%s", argv[3], kinds[i]);
    fds[i] = open(path, O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0) fail("the container is not running (%s)", path);
  }
  join_cgroups();
  pipe_socket_stdio();
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
    if (setns(fds[i], 0) < 0) fail("join the container's %s namespace", kinds[i]);
    close(fds[i]);
  }
  drop_bounding_set();
  pid_t child = fork_forwarding();
  if (child == 0) run_command();
  wait_and_exit(child);
}

int main(int argc, char **argv) {
  cloexec_inherited_fds();
  if (fcntl(3, F_GETFD) >= 0) status_fd = 3;
  if (argc > 1 && !strcmp(argv[1], "--supervise")) supervise_main(argc, argv);
  if (argc > 1 && !strcmp(argv[1], "--oci-tty")) oci_tty_main(argc, argv);
  if (argc > 1 && !strcmp(argv[1], "--exec")) exec_main(argc, argv);
  if (argc != 2) { errno = 0; fail("usage: tsbuild-sandbox SPECFILE"); }
  pid_t parent = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) fail("pdeathsig");
  if (getppid() != parent) { errno = 0; fail("parent exited"); }
  read_spec(argv[1]);
  parse_spec();
  spec.env[spec.nenv] = NULL;
  spec.args[spec.nargs] = NULL;
  if (spec.netns_sync_fd) private_netns();
  if (spec.tty) start_terminal_relay();
  else pipe_socket_stdio();
  if (unshare(CLONE_NEWPID) < 0) fail("unshare pid namespace");
  int alive[2];
  if (pipe2(alive, O_CLOEXEC) < 0) fail("pipe");
  pid_t init = fork_forwarding();
  if (init == 0) {
    close(alive[1]);
    helper_alive_fd = alive[0];
    init_main();
  }
  close(alive[0]); /* alive[1] stays open for the helper's lifetime */
  if (console_sock[1] >= 0) close(console_sock[1]);
  wait_and_exit(init);
}
