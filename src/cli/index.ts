// The public surface of src/cli: what other modules may import from it.
export { ExitStatus, exitStatusFor } from './exit-status.js';
export { parseAnnotationFlags, parseAttestFlags } from './build-flags.js';
