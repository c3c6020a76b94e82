// Ported from moby/buildkit frontend/dockerfile/dockerfile_platform_test.go. The Go tests push to
// a registry and read it back; here the image goes to the root's store under a tag (`tags`) and
// the next build starts FROM that tag, which is the same resolution path without the network.
import assert from 'node:assert/strict';
import type { FrontendCase } from '../case.js';
import { exportedFile } from '../harness.js';

const source = 'dockerfile_platform_test.go';

const osVersionDockerfile = `
FROM bkfe/platformwithosversion:latest AS reg
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

export const platformCases: FrontendCase[] = [
  {
    name: 'testPlatformArgsImplicit',
    source,
    files: { foo: 'd0', foo2: 'd1' },
    dockerfile: `
FROM scratch AS build-linux
COPY foo bar
FROM build-\${TARGETOS}
COPY foo2 bar2
`,
    exported: { bar: 'd0', bar2: 'd1' },
  },
  {
    name: 'testPlatformArgsExplicit',
    source,
    options: { platforms: ['darwin/ppc64le'], buildArgs: { TARGETOS: 'freebsd' } },
    dockerfile: `
FROM --platform=$BUILDPLATFORM busybox AS build
ARG TARGETPLATFORM
ARG TARGETOS
RUN mkdir /out && echo -n $TARGETPLATFORM > /out/platform && echo -n $TARGETOS > /out/os
FROM scratch
COPY --from=build out .
`,
    exported: { platform: 'darwin/ppc64le', os: 'freebsd' },
  },
  {
    name: 'testPlatformWithOSVersion',
    source,
    options: { platforms: ['windows(1.2.3)/bar', 'windows(1.1.0)/bar'], target: 'base', tags: ['bkfe/platformwithosversion:latest'] },
    dockerfile: osVersionDockerfile,
    exported: {
      'windows(1.2.3)_bar/osversion': '1.2.3\n',
      'windows(1.2.3)_bar/targetplatform': 'windows(1.2.3)/bar\n',
      'windows(1.1.0)_bar/osversion': '1.1.0\n',
      'windows(1.1.0)_bar/targetplatform': 'windows(1.1.0)/bar\n',
    },
    then: [
      { dockerfile: osVersionDockerfile, options: { platforms: ['windows(1.2.3)/bar'], target: 'reg' } },
      { dockerfile: osVersionDockerfile, options: { platforms: ['windows(1.1.0)/bar'], target: 'reg' } },
    ],
    verify(_first, later) {
      assert.equal(later[0] && exportedFile(later[0], 'osversion'), '1.2.3\n');
      assert.equal(later[1] && exportedFile(later[1], 'osversion'), '1.1.0\n');
    },
  },
  {
    name: 'testMaintainBaseOSVersion',
    source,
    options: { platforms: ['windows(10.0.20348.1006)/amd64'], tags: ['bkfe/maintainbaseosversion:latest'] },
    dockerfile: `
FROM scratch
ARG TARGETPLATFORM
COPY <<EOF /platform
\${TARGETPLATFORM}
EOF
`,
    then: [{
      options: { platforms: ['windows/amd64'] },
      dockerfile: `
FROM bkfe/maintainbaseosversion:latest
COPY <<EOF /other
hello
EOF
`,
    }],
    verify(first, [second]) {
      assert.equal((first.config as { 'os.version'?: string } | undefined)?.['os.version'], '10.0.20348.1006');
      assert.ok(second && !second.error, `the child build failed: ${second?.error?.message}`);
      assert.equal((second.config as { 'os.version'?: string } | undefined)?.['os.version'], '10.0.20348.1006');
    },
  },
];
