// Ported from moby/buildkit frontend/dockerfile/dockerfile_source_date_epoch_test.go. The Go
// tests read the OCI exporter's output; the same config (created, history) is read here from the
// build result. Layer annotations (`buildkit/rewritten-timestamp`) are BuildKit's own and not checked.
import assert from 'node:assert/strict';
import type { BuildOutcome, FrontendCase } from '../case.js';
import { httpFiles } from '../session.js';
import { tarOf } from './tar.js';

const source = 'dockerfile_source_date_epoch_test.go';

function createdAt(outcome: BuildOutcome, seconds: number): void {
  const expected = new Date(seconds * 1000).getTime();
  assert.equal(outcome.config?.created && new Date(outcome.config.created).getTime(), expected, `created is ${outcome.config?.created}`);
}

export const sourceDateEpochCases: FrontendCase[] = [
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
