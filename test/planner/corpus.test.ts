// Planner over the shared real-world corpus: every Linux Dockerfile plans for two platforms.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseDockerfile } from '../../src/parser/index.js';
import { planBuild, runChecks } from '../../src/planner/index.js';
import { AMD64, ARM64 } from './helpers.js';

// Plans every Linux Dockerfile of the shared real-world corpus (../shared/corpus, present on
// developer machines and in CI beside the clone); each must plan without error.
const corpus = fileURLToPath(new URL('../../../shared/corpus/real-world/', import.meta.url));
const present = existsSync(join(corpus, 'index.json'));
const files = present
  ? (JSON.parse(readFileSync(join(corpus, 'index.json'), 'utf8')) as { files: { file: string }[] }).files
      .map((f) => f.file)
      .filter((f) => !/windows/i.test(f))
  : [];

describe.runIf(present)('real-world corpus', () => {
  test('has Linux Dockerfiles', () => expect(files.length).toBeGreaterThan(40));

  test.each(files)('%s plans for linux/amd64 and linux/arm64', async (file) => {
    const dockerfile = parseDockerfile(readFileSync(join(corpus, file), 'utf8'), { file });
    const { plan } = await planBuild(dockerfile, { buildArgs: {}, platforms: [AMD64, ARM64], buildPlatform: AMD64 });
    expect(Object.keys(plan.targets)).toEqual(['linux/amd64', 'linux/arm64']);
    for (const step of Object.values(plan.steps)) {
      for (const input of step.inputs) expect(plan.steps[input], `${step.id} input`).toBeDefined();
    }
    await expect(runChecks(dockerfile)).resolves.toHaveProperty('findings');
  });
});
