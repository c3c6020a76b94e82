// Platforms with an OS version (`windows(10.0.20348.1006)/amd64`) as BuildKit builds them
// (dockerfile_platform_test.go testPlatformWithOSVersion, testMaintainBaseOSVersion): TARGETOSVERSION,
// TARGETPLATFORM in containerd's FormatAll, os.version in the config and the index, a base chosen
// by OS version, and a base's os.version kept when the target names none.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, newRoot, readBlob, readConfig, readInRootfs, removeTempDirs, tempDir, writeContext } from './helpers.js';

let root: string;
beforeAll(async () => {
  root = await newRoot();
});
afterAll(removeTempDirs);

const DOCKERFILE = `
FROM osv/base:latest AS reg
FROM scratch AS base
ARG TARGETOSVERSION
COPY <<EOF /osversion
\${TARGETOSVERSION}
EOF
ARG TARGETPLATFORM
COPY <<EOF /targetplatform
\${TARGETPLATFORM}
EOF
`;

describe('platforms with an OS version', () => {
  it('builds each OS version, and a later FROM picks the manifest of the version asked for', async () => {
    const dest = tempDir('tsbuild-osv-out-');
    const platforms = ['windows(1.2.3)/amd64', 'windows(1.1.0)/amd64'];
    const { result } = await buildImage(root, writeContext({}), DOCKERFILE, {
      platforms, target: 'base', outputs: [{ type: 'local', dest }, { type: 'image', push: false, names: ['osv/base:latest'] }],
    });
    for (const [platform, version] of [['windows(1.2.3)/amd64', '1.2.3'], ['windows(1.1.0)/amd64', '1.1.0']] as const) {
      const dir = join(dest, platform.replace('/', '_'));
      expect(readInRootfs(dir, 'osversion')).toBe(`${version}\n`);
      expect(readInRootfs(dir, 'targetplatform')).toBe(`${platform}\n`);
    }
    const index = JSON.parse(readBlob(root, result.digest).toString()) as { manifests: { platform?: Record<string, string> }[] };
    expect(index.manifests.map((m) => m.platform?.['os.version'])).toEqual(['1.2.3', '1.1.0']);

    for (const version of ['1.2.3', '1.1.0']) {
      const out = tempDir('tsbuild-osv-reg-');
      await buildImage(root, writeContext({}), DOCKERFILE, { platforms: [`windows(${version})/amd64`], target: 'reg', outputs: [{ type: 'local', dest: out }] });
      expect(readInRootfs(out, 'osversion')).toBe(`${version}\n`);
    }
  });

  it('writes os.version to the config, and a child for windows/amd64 keeps its base\'s', async () => {
    const { result } = await buildImage(root, writeContext({}), 'FROM scratch\nCOPY <<EOF /platform\nx\nEOF\n', {
      platforms: ['windows(10.0.20348.1006)/amd64'], tags: ['osv/maintain:latest'],
    });
    expect(readConfig(root, result.digest)['os.version']).toBe('10.0.20348.1006');
    const child = await buildImage(root, writeContext({}), 'FROM osv/maintain:latest\nCOPY <<EOF /other\nhello\nEOF\n', { platforms: ['windows/amd64'] });
    const config = readConfig(root, child.result.digest);
    expect([config.os, config.architecture, config['os.version']]).toEqual(['windows', 'amd64', '10.0.20348.1006']);
  });
});
