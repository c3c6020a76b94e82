// `version()`: the versions of tsbuild and of the Node runtime.
import { createRequire } from 'node:module';

/** Set by the CLI bundle (scripts/bundle-cli.mjs) so that start-up reads no package.json. */
declare const TSBUILD_VERSION: string | undefined;

export interface VersionInfo {
  tsbuild: string;
  node: string;
}

export function version(): VersionInfo {
  const tsbuild = typeof TSBUILD_VERSION === 'string'
    ? TSBUILD_VERSION
    : (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  return { tsbuild, node: process.version };
}
