// Options every API verb shares: where the tsbuild root is, and how registries are reached.
import type { RegistryOptions } from '../registry/index.js';
import type { Platform } from '../oci/index.js';

export type { RegistryOptions };

export interface RootOptions {
  /** The tsbuild root; default `$TSBUILD_ROOT` or the per-user default (as `build` takes it). */
  root?: string;
}

export interface RegistryAccess {
  /** Insecure registries, docker.io mirrors, the keychain (default: Docker's config.json). */
  registry?: RegistryOptions;
}

/** A platform as `os/arch[/variant]` or already parsed. */
export type PlatformInput = string | Platform;
