// Golden plans: fixture Dockerfiles rendered as text and JSON, compared byte for byte.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseDockerfile } from '../../src/parser/index.js';
import { parsePlatform, planBuild, renderJson, renderText } from '../../src/planner/index.js';
import { AMD64 } from './helpers.js';

// Golden plans: test/fixtures/planner/<case>/Dockerfile (+ options.json) -> expected.txt/.json.
// Regenerate with UPDATE_GOLDEN=1 after an intended change, and review the diff.
const root = fileURLToPath(new URL('../fixtures/planner/', import.meta.url));
const cases = readdirSync(root).filter((name) => existsSync(join(root, name, 'Dockerfile')));

interface CaseOptions {
  buildArgs?: Record<string, string>;
  target?: string;
  platforms?: string[];
}

describe('golden plans', () => {
  test('there are golden cases', () => expect(cases.length).toBeGreaterThanOrEqual(5));

  test.each(cases)('%s', async (name) => {
    const dir = join(root, name);
    const optionsPath = join(dir, 'options.json');
    const options = (existsSync(optionsPath) ? JSON.parse(readFileSync(optionsPath, 'utf8')) : {}) as CaseOptions;
    const dockerfile = parseDockerfile(readFileSync(join(dir, 'Dockerfile'), 'utf8'), { file: 'Dockerfile' });
    const { plan, warnings } = await planBuild(dockerfile, {
      buildArgs: options.buildArgs ?? {},
      platforms: (options.platforms ?? ['linux/amd64']).map(parsePlatform),
      buildPlatform: AMD64,
      ...(options.target ? { target: options.target } : {}),
    });
    const text = renderText(plan) + warnings.map((w) => `warning: ${w.message}\n`).join('');
    const json = renderJson(plan);
    if (process.env.UPDATE_GOLDEN) {
      writeFileSync(join(dir, 'expected.txt'), text);
      writeFileSync(join(dir, 'expected.json'), json);
    }
    expect(text).toBe(readFileSync(join(dir, 'expected.txt'), 'utf8'));
    expect(json).toBe(readFileSync(join(dir, 'expected.json'), 'utf8'));
  });
});
