// The public surface of src/fs: what other modules may import from it.
export { acquireFileLock, withFileLock } from './locks.js';
export type { FileLock } from './locks.js';
export { dumpTreeXattrs, dumpTreeXattrsSync, makeNode, mountOverlayFs, removeXattr, setXattr, unmountPath } from './native.js';
export type { SpecialNodeKind } from './native.js';
export { UNKNOWN_OWNER_AFTER_MS, isLeftover, ownerInName, ownerState, ownerToken, processAlive, processStartTime } from './owner.js';
export { resolveInRoot } from './root-path.js';
export { tempPathBeside, writeAtomically } from './temp-path.js';
export { inUserNamespace, lchownInNamespace, opaqueXattr, overlayDiffOptions } from './userns.js';
export { directoryBytes } from './directory-bytes.js';
