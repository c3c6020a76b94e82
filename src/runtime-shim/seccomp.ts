// The effect of Docker's default seccomp profile (moby profiles/seccomp/default.json) for a
// container without CAP_SYS_ADMIN and the other capabilities tsbuild never grants, written as a
// deny-list. The builtin helper has the same list in C (native/tsbuild-sandbox.c, denied_native;
// test/runtime-shim/seccomp.test.ts keeps the two equal); this is the runc/crun `linux.seccomp`.

/** Refused with EPERM: keyring, namespaces, mounts, modules, kexec, bpf, perf, clocks, swap, reboot, ... */
export const DENIED_SYSCALLS = [
  'acct', 'add_key', 'keyctl', 'request_key', 'bpf', 'clock_settime', 'settimeofday', 'stime', 'create_module',
  'delete_module', 'finit_module', 'init_module', 'get_kernel_syms', 'query_module', 'kexec_load', 'kexec_file_load',
  'fanotify_init', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'move_mount', 'open_tree', 'mount_setattr',
  'lookup_dcookie', 'mount', 'umount', 'umount2', 'pivot_root', 'name_to_handle_at', 'open_by_handle_at', 'nfsservctl',
  'perf_event_open', 'quotactl', 'quotactl_fd', 'reboot', 'setdomainname', 'sethostname', 'setns', 'unshare', 'swapon',
  'swapoff', 'syslog', 'sysfs', '_sysctl', 'uselib', 'userfaultfd', 'ustat', 'vm86', 'vm86old', 'iopl', 'ioperm',
  'get_mempolicy', 'set_mempolicy', 'mbind', 'move_pages', 'migrate_pages', 'kcmp', 'vhangup', 'io_uring_setup',
  'io_uring_enter', 'io_uring_register',
] as const;

/** CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET: clone with any of them is refused. */
const CLONE_NAMESPACE_FLAGS = [0x20000, 0x2000000, 0x4000000, 0x8000000, 0x10000000, 0x20000000, 0x40000000];

const EPERM = 1;
const ENOSYS = 38;

/** The OCI `linux.seccomp` object (runtime-spec 1.0.2). */
export function ociSeccomp(arch: string = process.arch): Record<string, unknown> {
  return {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: arch === 'arm64' ? ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'] : ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
    syscalls: [
      { names: [...DENIED_SYSCALLS], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM },
      // clone3 hides its flags behind a pointer: ENOSYS makes libc fall back to clone.
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS },
      // One rule per flag: rules are alternatives, the comparisons of one rule must all hold.
      ...CLONE_NAMESPACE_FLAGS.map((flag) => ({
        names: ['clone'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM,
        args: [{ index: 0, value: flag, valueTwo: flag, op: 'SCMP_CMP_MASKED_EQ' }],
      })),
    ],
  };
}
