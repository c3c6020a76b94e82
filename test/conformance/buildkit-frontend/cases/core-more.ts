// More of moby/buildkit frontend/dockerfile/dockerfile_core_test.go: a COPY through a dangling
// symlink, the supplementary groups of USER, the sandbox hostname, and --target's did-you-mean.
import assert from 'node:assert/strict';
import type { FrontendCase } from '../case.js';
import { tarOf } from './tar.js';

const source = 'dockerfile_core_test.go';

export const coreMoreCases: FrontendCase[] = [
  {
    name: 'testSymlinkDestination',
    source,
    files: {
      foo: { content: 'content0', mode: 0o600 },
      't.tar': { content: tarOf([{ name: 'symlink', type: 'symlink', linkname: '../tmp/symlink-target', mode: 0o755 }]), mode: 0o600 },
    },
    dockerfile: 'FROM scratch\nADD t.tar /\nCOPY foo /symlink/\n',
    exported: { 'tmp/symlink-target/foo': 'content0' },
  },
  {
    // tonistiigi/fsutil#46; containerd 3eda46af.
    name: 'testUserAdditionalGids',
    source,
    dockerfile: [
      'FROM busybox',
      'SHELL ["/bin/sh", "-euxc"]',
      'RUN [ "$(id)" = "uid=0(root) gid=0(root) groups=0(root),10(wheel)" ]',
      'USER 1234',
      'RUN [ "$(id)" = "uid=1234 gid=0(root) groups=0(root)" ]',
      'USER 1234:1234',
      'RUN [ "$(id)" = "uid=1234 gid=1234 groups=1234" ]',
      'USER daemon',
      'RUN [ "$(id)" = "uid=1(daemon) gid=1(daemon) groups=1(daemon)" ]',
      '',
    ].join('\n'),
  },
  {
    // moby/buildkit#1301. The "meta" variants set the frontend's `hostname` attribute, which
    // docker and buildx do not expose; the build arg is what users set.
    name: 'testDockerfileCheckHostname/arg',
    source,
    options: { buildArgs: { BUILDKIT_SANDBOX_HOSTNAME: 'foo' } },
    dockerfile: 'FROM busybox\nRUN cat /etc/hosts | grep foo\nRUN echo $HOSTNAME | grep foo\n\tRUN echo $(hostname) | grep foo\n\t',
  },
  {
    name: 'testTargetMistype',
    source,
    options: { target: 'bulid' },
    dockerfile: 'FROM scratch AS build\nCOPY Dockerfile /out\nFROM scratch\nCOPY --from=build /out /\n',
    error: ['target stage "bulid" could not be found (did you mean build?)'],
  },
  {
    name: 'testStepNames',
    source,
    dockerfile: 'FROM busybox AS base\nWORKDIR /out\nRUN echo "base" > base\nFROM scratch\nCOPY --from=base --chmod=0644 /out /out\n',
    verify(outcome) {
      const names = new Set(outcome.events.flatMap((event) => ('name' in event && typeof event.name === 'string' ? [event.name] : [])));
      assert.ok(names.has('[base 3/3] RUN echo "base" > base'), `missing run step: ${[...names].join(' | ')}`);
      assert.ok(names.has('[stage-1 1/1] COPY --from=base --chmod=0644 /out /out'), `missing copy step: ${[...names].join(' | ')}`);
    },
  },
];
