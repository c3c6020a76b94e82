// Locates the native sandbox helper built by scripts/build-native.mjs.
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `$TSBUILD_SANDBOX_HELPER`, else native/build/tsbuild-sandbox beside src/ or dist/. */
export function helperPath(): string {
  const override = process.env['TSBUILD_SANDBOX_HELPER'];
  if (override) return override;
  // This module is src/runtime-shim/*.ts or dist/runtime-shim/*.js: two levels below the package root.
  return fileURLToPath(new URL('../../native/build/tsbuild-sandbox', import.meta.url));
}

export function helperAvailable(path = helperPath()): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
