// Makes the built CLI executable (tsc does not set the mode) and links the `tsbuild` launcher
// (bin/tsbuild, the package's bin) as node_modules/.bin/tsbuild, so `npx tsbuild` in a checkout
// runs this build directly.
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
chmodSync(new URL('../bin/tsbuild', import.meta.url), 0o755);

const binDir = new URL('../node_modules/.bin/', import.meta.url);
if (existsSync(new URL('../node_modules/', import.meta.url))) {
  mkdirSync(binDir, { recursive: true });
  const link = fileURLToPath(new URL('tsbuild', binDir));
  rmSync(link, { force: true });
  symlinkSync('../../bin/tsbuild', link);
}
