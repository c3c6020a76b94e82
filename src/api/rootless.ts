// Rootless mode: a command started by an ordinary user runs again as root of a user namespace
// (src/runtime-shim/userns-enter.ts); the CLI asks here whether and how.
export { rootlessWanted, runInUserNamespace, watchRootlessParent } from '../runtime-shim/userns-enter.js';
