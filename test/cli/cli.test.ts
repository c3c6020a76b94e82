import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

function tsbuild(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

describe('tsbuild CLI (built)', () => {
  it('prints help listing its commands', () => {
    const result = tsbuild('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: tsbuild/);
    expect(result.stdout).toMatch(/version/);
  });

  it('prints the package version', () => {
    const pkg = JSON.parse(execFileSync('npm', ['pkg', 'get', 'version'], { encoding: 'utf8' })) as string;
    expect(tsbuild('--version').stdout.trim()).toBe(pkg);
  });

  it('rejects unknown flags with exit status 2 and a clear message', () => {
    const result = tsbuild('--no-such-flag');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown option '--no-such-flag'/);
  });

  it('rejects unknown commands with exit status 2', () => {
    const result = tsbuild('frobnicate');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
