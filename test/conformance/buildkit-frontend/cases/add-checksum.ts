// Ported from moby/buildkit frontend/dockerfile/dockerfile_add_test.go (testAddChecksum and the
// tests without tar archives). The URL of the test server is passed as build arg PORT instead of
// being formatted into the Dockerfile.
import { createHash } from 'node:crypto';
import type { FrontendCase } from '../case.js';
import { httpFiles } from '../session.js';

const source = 'dockerfile_add_test.go';
const content = 'content1';
const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
const emptyDigest = `sha256:${createHash('sha256').update('').digest('hex')}`;

function checksumCase(variant: string, dockerfile: string, error?: (string | RegExp)[]): FrontendCase {
  return {
    name: `testAddChecksum/${variant}`,
    source,
    prepare: () => httpFiles({ '/foo': content }),
    dockerfile,
    ...(error ? { error } : { exported: { 'tmp/foo': content } }),
  };
}

export const addChecksumCases: FrontendCase[] = [
  {
    name: 'testAddURLChmod',
    source,
    prepare: () => httpFiles({ '/foo': content }),
    options: { buildArgs: { mode: '400' } },
    dockerfile: `
FROM busybox AS build
ARG PORT
ADD --chmod=644 http://127.0.0.1:$PORT/foo /tmp/foo1
ADD --chmod=755 http://127.0.0.1:$PORT/foo /tmp/foo2
ADD --chmod=0413 http://127.0.0.1:$PORT/foo /tmp/foo3
ARG mode
ADD --chmod=\${mode} http://127.0.0.1:$PORT/foo /tmp/foo4
RUN stat -c "%04a" /tmp/foo1 >> /dest && \\
	stat -c "%04a" /tmp/foo2 >> /dest && \\
	stat -c "%04a" /tmp/foo3 >> /dest && \\
	stat -c "%04a" /tmp/foo4 >> /dest
FROM scratch
COPY --from=build /dest /dest
`,
    exported: { dest: '0644\n0755\n0413\n0400\n' },
  },
  ...['64a', '10000'].map((mode): FrontendCase => ({
    name: `testAddInvalidChmod/${mode}`,
    source,
    files: { foo: 'foo-contents' },
    dockerfile: `\nFROM scratch\nADD --chmod=${mode} foo /\n`,
    error: [`invalid chmod parameter: '${mode}'. it should be octal string and between 0 and 07777`],
  })),
  {
    name: 'testDockerfileAddChownExpand',
    source,
    files: { foo: 'foo-contents' },
    options: { buildArgs: { group: 'nobody' } },
    dockerfile: `
FROM busybox
ARG group
ENV owner 1000
ADD --chown=\${owner}:\${group} foo /
RUN [ "$(stat -c "%u %G" /foo)" == "1000 nobody" ]
`,
  },
  checksumCase('Valid', `
FROM scratch
ARG PORT
ADD --checksum=${digest} http://127.0.0.1:$PORT/foo /tmp/foo
`),
  checksumCase('DigestFromEnv', `
FROM scratch
ARG PORT
ENV DIGEST=${digest}
ENV LINK=http://127.0.0.1:$PORT/foo
ADD --checksum=\${DIGEST} \${LINK} /tmp/foo
`),
  checksumCase('DigestMismatch', `
FROM scratch
ARG PORT
ADD --checksum=${emptyDigest} http://127.0.0.1:$PORT/foo /tmp/foo
`, [/./]),
  checksumCase('DigestWithKnownButUnsupportedAlgoName', `
FROM scratch
ARG PORT
ADD --checksum=md5:7e55db001d319a94b0b713529a756623 http://127.0.0.1:$PORT/foo /tmp/foo
`, [/./]),
  checksumCase('DigestWithUnknownAlgoName', `
FROM scratch
ARG PORT
ADD --checksum=unknown:${digest.slice(7)} http://127.0.0.1:$PORT/foo /tmp/foo
`, [/./]),
  checksumCase('DigestWithoutAlgoName', `
FROM scratch
ARG PORT
ADD --checksum=${digest.slice(7)} http://127.0.0.1:$PORT/foo /tmp/foo
`, [/./]),
];
