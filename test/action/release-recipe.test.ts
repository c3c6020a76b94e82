// docs/github-action.md's release recipe, run as written: `npm run build` (done: dist/ exists),
// then `npm ci --omit=dev` for the CLI's production dependencies — which must not try to compile
// anything (no TypeScript without the dev dependencies) nor drop the built dist/.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const release = mkdtempSync(join(tmpdir(), 'tsbuild-release-'));
afterAll(() => rmSync(release, { recursive: true, force: true }));

describe('the release recipe', () => {
  it('npm ci --omit=dev after npm run build installs the runtime and keeps dist/', () => {
    if (!existsSync(join(repo, 'dist/action/main.js'))) throw new Error('run `npm run build` first');
    for (const entry of ['package.json', 'package-lock.json', 'action.yml', 'bin', 'scripts', 'dist']) cpSync(join(repo, entry), join(release, entry), { recursive: true });
    mkdirSync(join(release, 'native'));
    for (const source of readdirSync(join(repo, 'native')).filter((name) => name.endsWith('.c'))) cpSync(join(repo, 'native', source), join(release, 'native', source));

    const install = spawnSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: release, encoding: 'utf8' });
    expect(install.status, install.stdout + install.stderr).toBe(0);
    expect(install.stdout).toContain('keeping the dist/ already built');
    expect(existsSync(join(release, 'node_modules/typescript'))).toBe(false);
    const version = spawnSync(process.execPath, [join(release, 'dist/cli.js'), 'version'], { encoding: 'utf8' });
    expect(version.stdout, version.stderr).toMatch(/^tsbuild \d+\.\d+\.\d+/);
  }, 300_000);
});
