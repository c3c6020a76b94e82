// The sweep every CLI command starts with: secrets a killed tsbuild left on its private tmpfs.
import { sweepPrivateDirs } from '../runtime-shim/private-tmpfs.js';

/** Removes the secrets a killed tsbuild left on its private tmpfs. */
export function sweepLeftoverSecrets(): void {
  sweepPrivateDirs();
}
