// The public surface of src/snapshots: what other modules may import from it.
export { mountsUnder, unmount } from './overlay.js';
export { removeView } from './prepare-overlay.js';
export type { PreparedRootfs } from './prepared.js';
export { SnapshotStore, ageMs, chainIds } from './store.js';
