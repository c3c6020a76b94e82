import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { cliReference } from '../../scripts/cli-docs.mjs';
// @ts-expect-error: a plain .mjs build script without types
import { manPage } from '../../scripts/man-page.mjs';

it('docs/cli.md is the current --help of every command (regenerate: npm run docs:cli)', () => {
  const committed = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
  expect(committed).toBe((cliReference as () => string)());
});

it('docs/tsbuild.1 is the man page of the current --help (regenerate: npm run docs:man)', () => {
  const committed = readFileSync(new URL('../../docs/tsbuild.1', import.meta.url), 'utf8');
  const generated = (manPage as () => string)();
  expect(committed).toBe(generated);
  expect(generated).toMatch(/^\.TH TSBUILD 1 /);
  expect(generated).toContain('.SS tsbuild build\n.nf\nUsage: tsbuild build [options] <context>');
  expect(generated).toContain('\\-\\-progress');
});
