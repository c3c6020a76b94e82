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

static long run(const char *name) {
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
  for (int i = 1; i < argc; i++) {
    errno = 0;
    long r = run(argv[i]);
    printf("%s=%s\n", argv[i], r < 0 ? strerrorname_np(errno) : "ok");
  }
  return 0;
}
