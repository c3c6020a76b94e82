// Ported from moby/buildkit frontend/dockerfile/dockerfile_add_test.go (testAddChecksum). The URL
// of the test server is passed as build arg PORT instead of being formatted into the Dockerfile.
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
