// `version()`: the versions of tsbuild and of the Node runtime.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface VersionInfo {
  tsbuild: string;
  node: string;
}

export function version(): VersionInfo {
  const { version: tsbuild } = require('../../package.json') as { version: string };
  return { tsbuild, node: process.version };
}
