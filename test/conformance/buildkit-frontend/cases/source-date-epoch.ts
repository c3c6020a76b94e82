// Ported from moby/buildkit frontend/dockerfile/dockerfile_source_date_epoch_test.go. The Go
// tests read the OCI exporter's output; the same config (created, history) is read here from the
// build result. Layer annotations (`buildkit/rewritten-timestamp`) are BuildKit's own and not checked.
import assert from 'node:assert/strict';
import type { BuildOutcome, FrontendCase, Prepared } from '../case.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../build/helpers.js';
import { httpFiles, runShell, staticDirectory } from '../session.js';
import { tarOf } from './tar.js';

const source = 'dockerfile_source_date_epoch_test.go';

function createdAt(outcome: BuildOutcome, seconds: number): void {
  const expected = new Date(seconds * 1000).getTime();
  assert.equal(outcome.config?.created && new Date(outcome.config.created).getTime(), expected, `created is ${outcome.config?.created}`);
}

/** `files` at `/context.tar` (var URL), served with a Last-Modified when given. */
async function tarContext(entries: Parameters<typeof tarOf>[0], lastModified?: number): Promise<Prepared> {
  const served = await httpFiles({ '/context.tar': tarOf(entries) }, lastModified);
  return { ...served, options: {}, vars: { URL: `http://127.0.0.1:${served.options.buildArgs!.PORT}/context.tar` } };
}

export const sourceDateEpochCases: FrontendCase[] = [
  {
    name: 'testSourceDateEpochContextGit',
    source,
    prepare: async () => {
      const dir = tempDir('tsbuild-bkfe-sde-git-');
      writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY Dockerfile /\n');
      const date = '2023-11-14T22:15:01Z'; // 1700000101
      await runShell(dir, 'git init -q', 'git add Dockerfile', `GIT_AUTHOR_DATE=${date} GIT_COMMITTER_DATE=${date} git commit -q -m msg`, 'git update-server-info');
      return staticDirectory(dir);
    },
    input: (vars) => ({ context: `${vars.URL}/.git` }),
    options: { buildArgs: { SOURCE_DATE_EPOCH: 'context' } },
    verify: (outcome) => createdAt(outcome, 1700000101),
  },
  {
    name: 'testSourceDateEpochContextHTTPLastModified',
    source,
    prepare: () => tarContext([
      { name: 'Dockerfile', type: 'file', content: 'FROM scratch\nCOPY foo /\n', mode: 0o644, mtime: 1700000202 - 3600 },
      { name: 'foo', type: 'file', content: 'bar', mode: 0o644, mtime: 1700000202 },
    ], 1700000201),
    input: (vars) => ({ context: vars.URL! }),
    options: { buildArgs: { SOURCE_DATE_EPOCH: 'context' } },
    verify: (outcome) => createdAt(outcome, 1700000201),
  },
  {
    // The layer's `buildkit/rewritten-timestamp` annotation is BuildKit's; the epoch and created are checked.
    name: 'testSourceDateEpochContextHTTPArchive',
    source,
    prepare: () => tarContext([
      { name: 'Dockerfile', type: 'file', content: 'FROM busybox\nARG SOURCE_DATE_EPOCH\nRUN echo -n "$SOURCE_DATE_EPOCH" >/epoch\n', mode: 0o644, mtime: 1700000302 - 3600 },
      { name: 'foo', type: 'file', content: 'bar', mode: 0o644, mtime: 1700000302 },
    ]),
    input: (vars) => ({ context: vars.URL! }),
    options: { buildArgs: { SOURCE_DATE_EPOCH: 'context' } },
    exported: { epoch: '1700000302' },
    verify: (outcome) => createdAt(outcome, 1700000302),
  },
  {
    // The layer's `buildkit/rewritten-timestamp` annotation is BuildKit's; the epoch and created are checked.
    name: 'testSourceDateEpochStageHTTPArchive',
    source,
    prepare: () => httpFiles({ '/src.tar': tarOf([{ name: 'foo', type: 'file', content: 'bar', mode: 0o644, mtime: 1700000402 }]) }),
    dockerfile: [
      'ARG SOURCE_DATE_EPOCH=mysource', 'FROM scratch AS mysource', 'ARG PORT', 'ADD http://127.0.0.1:${PORT}/src.tar /',
      'FROM busybox', 'ARG SOURCE_DATE_EPOCH', 'RUN echo -n "$SOURCE_DATE_EPOCH" >/epoch', '',
    ].join('\n'),
    exported: { epoch: '1700000402' },
    verify: (outcome) => createdAt(outcome, 1700000402),
  },
  {
    name: 'testSourceDateEpochWithoutExporter',
    source,
    options: { buildArgs: { SOURCE_DATE_EPOCH: '1445412480' } },
    dockerfile: `
FROM scratch
ENTRYPOINT foo bar
COPY Dockerfile .
`,
    verify(outcome) {
      createdAt(outcome, 1445412480);
      for (const entry of outcome.config?.history ?? []) {
        assert.equal(entry.created && new Date(entry.created).getTime(), 1445412480_000, `history ${entry.created_by}: ${entry.created}`);
      }
    },
  },
  {
    name: 'testSourceDateEpochDockerfileDefault',
    source,
    dockerfile: `
ARG SOURCE_DATE_EPOCH=1700000001
FROM scratch
COPY Dockerfile .
`,
    verify: (outcome) => createdAt(outcome, 1700000001),
  },
  {
    name: 'testSourceDateEpochDockerfileDefaultOverride',
    source,
    options: { buildArgs: { SOURCE_DATE_EPOCH: '1700000002' } },
    dockerfile: `
ARG SOURCE_DATE_EPOCH=1700000001
FROM scratch
COPY Dockerfile .
`,
    verify: (outcome) => createdAt(outcome, 1700000002),
  },
  {
    name: 'testSourceDateEpochDockerfileDefaultInvalid',
    source,
    dockerfile: `
ARG SOURCE_DATE_EPOCH=not-a-timestamp
FROM scratch
COPY Dockerfile .
`,
    error: ['invalid SOURCE_DATE_EPOCH: not-a-timestamp'],
  },
  {
    name: 'testSourceDateEpochStageInvalid',
    source,
    dockerfile: `
ARG SOURCE_DATE_EPOCH=mysource
FROM scratch AS mysource
COPY Dockerfile /Dockerfile
FROM scratch
`,
    error: ['SOURCE_DATE_EPOCH stage does not meet source-only requirements'],
  },
];
