import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../src/parser/index.js';
import { planBuild } from '../../src/planner/index.js';
import { assertSupportedSteps, assertSupportedSyntax } from '../../src/executor/unsupported.js';

const platform = { os: 'linux', architecture: 'amd64' };

describe('unsupported features are refused with the line', () => {
  it.each(['docker/dockerfile:1', 'docker/dockerfile:1.7-labs', 'docker.io/docker/dockerfile:1.4', 'docker/dockerfile-upstream:master'])(
    'accepts # syntax=%s', (syntax) => {
      expect(() => assertSupportedSyntax(parseDockerfile(`# syntax=${syntax}\nFROM scratch\n`))).not.toThrow();
    },
  );

  it('refuses another frontend', () => {
    const dockerfile = parseDockerfile('# syntax=example.com/my/frontend:2\nFROM scratch\n', { file: 'app/Dockerfile' });
    expect(() => assertSupportedSyntax(dockerfile)).toThrow('app/Dockerfile:1: the frontend "# syntax=example.com/my/frontend:2"');
  });

  it('refuses RUN --security=insecure', async () => {
    const dockerfile = parseDockerfile('FROM scratch\nRUN --security=insecure true\n');
    const { plan } = await planBuild(dockerfile, { buildArgs: {}, platforms: [platform], buildPlatform: platform });
    expect(() => assertSupportedSteps(plan)).toThrow(/Dockerfile:2: RUN --security=insecure is not supported/);
  });
});
