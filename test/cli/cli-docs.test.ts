import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { cliReference } from '../../scripts/cli-docs.mjs';

it('docs/cli.md is the current --help of every command (regenerate: npm run docs:cli)', () => {
  const committed = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
  expect(committed).toBe((cliReference as () => string)());
});
