// The API of tsbuild: one function per verb, each taking plain options (`root`, `registry`) and
// opening what it needs itself. The CLI is a thin layer over it; src/index.ts re-exports it.
export * from './build.js';
export * from './plan.js';
export * from './run.js';
export * from './registry.js';
export * from './images.js';
export * from './archives.js';
export * from './login.js';
export * from './maintenance.js';
export * from './containers.js';
export * from './version.js';
export * from './leftovers.js';
export * from './keychain.js';
export * from './parsers.js';
export type { PlatformInput, RegistryAccess, RegistryOptions, RootOptions } from './options.js';
export type { BuildEvent, BuildOptions, CacheExportSpec, CacheLocation, EventSink, NamedContext, OutputSpec, RunLimits, RuntimeName, SecretSource, SshForward, Ulimit, UlimitName } from './build.js';
export { sweepLeftoverSecrets } from './leftovers.js';
export { bool, defaultDockerfilePath, outputTypes, parseCacheLocation, parseEntitlements, parseGoDuration, parseMemorySize, parseOutput, parsePidsLimit, parseSize } from './parsers.js';
export { rootlessWanted, runInUserNamespace, watchRootlessParent } from './rootless.js';
export type { RunEvent } from './run.js';
export * from './describe.js';
