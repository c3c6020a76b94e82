// Golden files: each test/fixtures/parser/<case>/Dockerfile against its BuildKit-format AST
// dump (`dump`) and its typed, grouped instructions (`dockerfile.json`).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { dumpAst, parseAst, parseDockerfile } from '../../src/parser/index.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/parser');
const cases = readdirSync(fixtures).sort();

describe('parser golden files', () => {
  test('there are fixtures', () => {
    expect(cases.length).toBeGreaterThanOrEqual(3);
  });

  test.each(cases)('%s: AST dump', (name) => {
    const text = readFileSync(path.join(fixtures, name, 'Dockerfile'), 'utf8');
    expect(dumpAst(parseAst(text).nodes)).toBe(readFileSync(path.join(fixtures, name, 'dump'), 'utf8'));
  });

  test.each(cases)('%s: typed instructions', (name) => {
    const text = readFileSync(path.join(fixtures, name, 'Dockerfile'), 'utf8');
    const expected: unknown = JSON.parse(readFileSync(path.join(fixtures, name, 'dockerfile.json'), 'utf8'));
    expect(JSON.parse(JSON.stringify(parseDockerfile(text)))).toEqual(expected);
  });
});
