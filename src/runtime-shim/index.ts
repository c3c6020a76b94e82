// runtime-shim: runs one process in a sandbox (builtin namespaces helper, or runc/crun).
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
  createRunCgroup, detectCgroupLayout, removeStaleCgroups, runCgroupParents, type CgroupLayout, type RunCgroup,
} from './cgroups.js';
export { helperPath, helperAvailable } from './helper-path.js';
export { resolveUser, type ResolvedUser } from './user.js';
