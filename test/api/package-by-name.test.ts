// The built package imported by its name, as a user's program would: Node resolves `tsbuild`
// through package.json "exports" to dist/ (a package may import itself by name).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

describe("import from 'tsbuild' (built)", () => {
  it('exports a function for every verb, and they work on the root given', () => {
    if (!existsSync(join(packageDir, 'dist', 'index.js'))) throw new Error('dist/ is missing: run "npm run build" before this test');
    const root = mkdtempSync(join(tmpdir(), 'tsbuild-api-dist-'));
    try {
      const program = `
        import * as api from 'tsbuild';
        const verbs = ['build', 'plan', 'check', 'run', 'pull', 'push', 'tag', 'rmi', 'images', 'inspect', 'history', 'save', 'load',
          'importImage', 'login', 'logout', 'prune', 'cacheDiskUsage', 'verifyStore', 'version', 'dockerKeychain'];
        const images = await api.images({ root: process.argv[1] });
        const usage = await api.cacheDiskUsage({ root: process.argv[1] });
        console.log(JSON.stringify({ missing: verbs.filter((v) => typeof api[v] !== 'function'), images, blobs: usage.images.blobs, version: api.version().tsbuild }));
      `;
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', program, root], { cwd: packageDir, encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({ missing: [], images: [], blobs: 0, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
