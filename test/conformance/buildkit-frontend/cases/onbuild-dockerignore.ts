// Ported from moby/buildkit frontend/dockerfile/dockerfile_onbuild_test.go and
// dockerfile_dockerignore_test.go. The ONBUILD tests push base images to a registry; here they go
// to the root's store under a tag and the next build starts FROM it.
import assert from 'node:assert/strict';
import type { FrontendCase } from '../case.js';
import { exportedFile } from '../harness.js';

const onbuild = 'dockerfile_onbuild_test.go';
const dockerignore = 'dockerfile_dockerignore_test.go';

function laterBuildsSucceeded(later: { error?: Error }[]): void {
  later.forEach((outcome, i) => assert.ok(!outcome.error, `build ${i + 2} failed: ${outcome.error?.message}`));
}

export const onbuildDockerignoreCases: FrontendCase[] = [
  {
    name: 'testOnBuildCleared',
    source: onbuild,
    options: { tags: ['bkfe/onbuildcleared:base'] },
    dockerfile: `
FROM busybox
ONBUILD RUN mkdir -p /out && echo -n 11 >> /out/foo
`,
    then: [
      { options: { tags: ['bkfe/onbuildcleared:child'] }, dockerfile: '\n\tFROM bkfe/onbuildcleared:base\n\t' },
      { dockerfile: '\n\tFROM bkfe/onbuildcleared:child AS base\n\tFROM scratch\n\tCOPY --from=base /out /\n\t' },
    ],
    verify(_first, later) {
      laterBuildsSucceeded(later);
      assert.equal(later[1] && exportedFile(later[1], 'foo'), '11');
    },
  },
  {
    name: 'testOnBuildWithChildStage',
    source: onbuild,
    options: { tags: ['bkfe/onbuildstage:base'] },
    dockerfile: `
FROM busybox
ONBUILD RUN mkdir -p /out && echo -n yes >> /out/didrun
`,
    then: [{
      dockerfile: `
FROM bkfe/onbuildstage:base AS base
RUN [ -f /out/didrun ] && touch /step1
RUN rm /out/didrun
RUN [ ! -f /out/didrun ] && touch /step2
FROM base AS child
RUN [ ! -f /out/didrun ] && touch /step3
FROM scratch
COPY --from=child /step* /
`,
    }],
    verify(_first, later) {
      laterBuildsSucceeded(later);
      for (const step of ['step1', 'step2', 'step3']) assert.notEqual(later[0] && exportedFile(later[0], step), undefined, `${step} is missing`);
    },
  },
  {
    name: 'testOnBuildInheritedStageRun',
    source: onbuild,
    dockerfile: `
FROM busybox AS base
ONBUILD RUN mkdir -p /out && echo -n 11 >> /out/foo
FROM base AS mid
RUN cp /out/foo /out/bar
FROM scratch
COPY --from=mid /out/bar /
`,
    exported: { bar: '11' },
  },
  {
    name: 'testOnBuildInheritedStageWithFrom',
    source: onbuild,
    dockerfile: `
FROM alpine AS src
RUN mkdir -p /in && echo -n 12 > /in/file
FROM busybox AS base
ONBUILD COPY --from=src /in/file /out/foo
FROM base AS mid
RUN cp /out/foo /out/bar
FROM scratch
COPY --from=mid /out/bar /
`,
    exported: { bar: '12' },
  },
  {
    name: 'testDockerignore',
    source: dockerignore,
    files: {
      foo: 'foo-contents', bar: 'bar-contents', baz: 'baz-contents', bay: 'bay-contents',
      '.dockerignore': '\nba*\nDockerfile\n!bay\n.dockerignore\n',
    },
    dockerfile: '\nFROM scratch\nCOPY . .\n',
    exported: { foo: 'foo-contents', bar: null, baz: null, Dockerfile: null, '.dockerignore': null, bay: 'bay-contents' },
  },
  {
    name: 'testDockerignoreInvalid',
    source: dockerignore,
    files: { '.dockerignore': '!\n' },
    dockerfile: '\nFROM scratch\nCOPY . .\n',
    error: [/./],
  },
  {
    name: 'testDockerignoreOverride/Dockerfile',
    source: dockerignore,
    files: {
      'Dockerfile.dockerignore': '\nbar\n',
      Dockerfile2: '\nFROM busybox\nCOPY . .\nRUN [ ! -f foo ] && [ -f bar ]\n',
      'Dockerfile2.dockerignore': '\nfoo\n',
      foo: 'contents0',
      bar: 'contents0',
    },
    dockerfile: '\nFROM busybox\nCOPY . .\nRUN [ -f foo ] && [ ! -f bar ]\n',
  },
  {
    name: 'testDockerignoreOverride/Dockerfile2',
    source: dockerignore,
    files: {
      'Dockerfile.dockerignore': '\nbar\n',
      Dockerfile2: '\nFROM busybox\nCOPY . .\nRUN [ ! -f foo ] && [ -f bar ]\n',
      'Dockerfile2.dockerignore': '\nfoo\n',
      foo: 'contents0',
      bar: 'contents0',
    },
    dockerfile: '\nFROM busybox\nCOPY . .\nRUN [ -f foo ] && [ ! -f bar ]\n',
    options: { dockerfile: 'Dockerfile2' },
  },
];
