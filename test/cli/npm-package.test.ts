// What `npm install tsbuild` gives a Node user: the license, the docs the README points to, a clear
// answer to `require('tsbuild')`, and the man page.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
let packed: Set<string>;

beforeAll(() => {
  const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  packed = new Set((JSON.parse(json) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path));
}, 120_000);

describe('the npm package', () => {
  it("ships a LICENSE with package.json's license", () => {
    const manifest = JSON.parse(readFileSync(`${repo}package.json`, 'utf8')) as { license: string; man: string };
    expect(manifest.license).toBe('Apache-2.0');
    expect(packed.has('LICENSE')).toBe(true);
    expect(readFileSync(`${repo}LICENSE`, 'utf8')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(packed.has(manifest.man.replace(/^\.\//, ''))).toBe(true);
  });

  it('ships every document the README and the docs refer to', () => {
    const documents = ['README.md', ...[...packed].filter((p) => p.startsWith('docs/') && p.endsWith('.md'))];
    const referred = new Set<string>();
    for (const document of documents) {
      const text = readFileSync(`${repo}${document}`, 'utf8');
      for (const match of text.matchAll(/`(docs\/[\w/.-]+\.md)`|\]\((docs\/[\w/.-]+\.md)(?:#[\w-]*)?\)/g)) referred.add(match[1] ?? match[2]);
    }
    expect(referred.size).toBeGreaterThan(3);
    expect([...referred].filter((doc) => !packed.has(doc))).toEqual([]);
  });

  it('answers require() from CommonJS with how to load it', () => {
    const result = spawnSync(process.execPath, ['-e', "require('tsbuild')"], { cwd: repo, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('tsbuild is an ES module and cannot be loaded with require()');
    expect(result.stderr).toContain("await import('tsbuild')");
  });
});
