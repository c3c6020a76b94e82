// runtime-shim: runs one process in a sandbox (builtin namespaces helper, or runc/crun).
export { execInContainer, type ExecRequest, type ExecTarget } from './exec.js';
export type { BackendName, RunOptions, RunResult, SandboxBackend } from './backend.js';
export type {
  DirectoryRootfs, EtcFiles, IdMapping, Mount, MountType, OverlayRootfs, Rootfs, SandboxLimits, SandboxSpec,
  SandboxUser, SeccompMode, StdioMode,
} from './spec.js';
export { DEFAULT_CAPABILITIES } from './spec.js';
export { BuiltinBackend } from './builtin.js';
export { OciRuntimeBackend } from './oci-runtime.js';
export { selectBackend, type BackendChoice } from './select.js';
export {
  cgroupParentPath, createRunCgroup, detectCgroupLayout, removeStaleCgroups, removeStaleRuntimeCgroups, runCgroupParents, type CgroupLayout, type RunCgroup,
} from './cgroups.js';
export { helperPath, helperAvailable } from './helper-path.js';
export { resolveUser, type ResolvedUser } from './user.js';
export { canLimitPids } from './cgroup-stats.js';
export { assertCanRun } from './emulation.js';
export { privateNetworkProblem, privateResolvConf } from './network.js';
export { checkRunSettings } from './run-settings.js';
export { volatileOption } from './overlay-options.js';
export { createPrivateDir, sweepPrivateDirs } from './private-tmpfs.js';
export type { NetworkMode, PortForward } from './spec.js';
export { parseGroup, parsePasswd } from './user.js';
export { rootlessWanted, runInUserNamespace, watchRootlessParent } from './userns-enter.js';
