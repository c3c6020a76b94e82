// Picks a sandbox backend: the builtin helper when usable, else an installed OCI runtime.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TsbuildError } from '../errors.js';
import type { SandboxBackend } from './backend.js';
import { BuiltinBackend } from './builtin.js';
import { helperAvailable, helperPath } from './helper-path.js';
import { OciRuntimeBackend } from './oci-runtime.js';

export type BackendChoice = 'builtin' | 'runc' | 'crun' | 'auto';

/**
 * `auto`: builtin when the helper is built and we are root (real root, or root of the user
 * namespace a rootless tsbuild re-executes in), else runc, else crun. An explicit choice fails with SANDBOX when that backend is unavailable.
 */
export function selectBackend(choice: BackendChoice = 'auto'): SandboxBackend {
  switch (choice) {
    case 'builtin': {
      if (!helperAvailable()) throw new TsbuildError('SANDBOX', `sandbox helper not built: ${helperPath()} is missing (run node scripts/build-native.mjs)`);
      return new BuiltinBackend();
    }
    case 'runc':
    case 'crun': {
      const binary = findOnPath(choice);
      if (!binary) throw new TsbuildError('SANDBOX', `${choice} is not installed (not found on PATH)`);
      return new OciRuntimeBackend(choice, binary);
    }
    case 'auto':
      return selectAutomatically();
    default: {
      const unknown: never = choice;
      throw new TsbuildError('USAGE', `unknown sandbox backend ${String(unknown)}`);
    }
  }
}

function selectAutomatically(): SandboxBackend {
  if (helperAvailable() && process.getuid?.() === 0) return new BuiltinBackend();
  for (const name of ['runc', 'crun'] as const) {
    const binary = findOnPath(name);
    if (binary) return new OciRuntimeBackend(name, binary);
  }
  throw new TsbuildError(
    'SANDBOX',
    'no sandbox available: the builtin helper needs root and a built native/build/tsbuild-sandbox, and neither runc nor crun is installed',
  );
}

export function findOnPath(name: string): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).concat(['/usr/sbin', '/sbin', '/usr/local/sbin']);
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}
