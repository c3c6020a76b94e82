// syscall-probe NAME...: tries each named operation and prints `NAME=ok` or `NAME=<errno name>`.
// Built statically by the tests (test/helpers/syscall-probe.ts) and bound into a sandbox.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long clone_user(void) {
  long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0) _exit(0);
  if (pid > 0) waitpid(pid, NULL, 0);
  return pid;
}

static long fork_child(void) {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  if (pid > 0) waitpid(pid, NULL, 0);
  return pid;
}

static long tiocsti(int fd) {
  char c = '#';
  return ioctl(fd, TIOCSTI, &c);
}

static long tiocsti_tty(void) {
  int fd = open("/dev/tty", O_RDWR);
  if (fd < 0) return -1;
  return tiocsti(fd);
}

static long io_uring(void) {
  struct io_uring_params params;
  memset(&params, 0, sizeof params);
  long fd = syscall(SYS_io_uring_setup, 1, &params);
  if (fd >= 0) close(fd);
  return fd;
}

#ifdef __x86_64__
/* A syscall through the i386 entry (int 0x80) from this 64-bit process: seccomp sees AUDIT_ARCH_I386. */
static long i386_syscall(long nr, long a, long b, long c) {
  long ret;
  /* The kernel zeroes r8-r11 on this path. */
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "r8", "r9", "r10", "r11", "memory");
  if (ret < 0 && ret > -4096) { errno = -ret; return -1; }
  return ret;
}
#endif

static long run(const char *name) {
#ifdef __x86_64__
  if (!strcmp(name, "keyctl-i386")) return i386_syscall(288, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1);
  if (!strcmp(name, "getpid-i386")) return i386_syscall(20, 0, 0, 0);
  if (!strcmp(name, "getpid-x32")) return syscall(0x40000000 | SYS_getpid);
#endif
  if (!strcmp(name, "keyctl")) return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1);
  if (!strcmp(name, "add_key")) return syscall(SYS_add_key, "user", "tsbuild-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING);
  if (!strcmp(name, "unshare-user")) return unshare(CLONE_NEWUSER);
  if (!strcmp(name, "clone-user")) return clone_user();
  if (!strcmp(name, "fork")) return fork_child();
  if (!strcmp(name, "personality-query")) return personality(0xffffffff);
  if (!strcmp(name, "personality-norandom")) return personality(ADDR_NO_RANDOMIZE);
  if (!strcmp(name, "io_uring")) return io_uring();
  if (!strcmp(name, "tiocsti")) return tiocsti(0);
  if (!strcmp(name, "tiocsti-tty")) return tiocsti_tty();
  if (!strcmp(name, "euid0")) return geteuid() == 0 ? 0 : (errno = EPERM, -1);
  errno = EINVAL;
  return -1;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0); /* every line out before a probe that gets the process killed */
  for (int i = 1; i < argc; i++) {
    errno = 0;
    long r = run(argv[i]);
    printf("%s=%s\n", argv[i], r < 0 ? strerrorname_np(errno) : "ok");
  }
  return 0;
}
