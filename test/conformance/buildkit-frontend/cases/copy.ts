// Ported from moby/buildkit frontend/dockerfile/dockerfile_copy_test.go.
import assert from 'node:assert/strict';
import type { FrontendCase } from '../case.js';
import { exportedFile } from '../harness.js';

const source = 'dockerfile_copy_test.go';

const wildcardCache = `
FROM busybox AS base
COPY foo* files/
RUN cat /dev/urandom | head -c 100 | sha256sum > unique
COPY bar files/
FROM scratch
COPY --from=base unique /
`;

const wildcardFiles = { foo1: 'foo1-data', foo2: 'foo2-data', bar: 'bar-data' };

export const copyCases: FrontendCase[] = [
  {
    name: 'testDockerfileCopyFromArgs',
    source,
    dockerfile: '\nFROM scratch\nCOPY --from=$FOO . .\n',
    error: ['variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround'],
  },
  {
    name: 'testEmptyDestDir',
    source,
    files: { testfile: 'contents0' },
    dockerfile: '\nFROM busybox\nENV empty=""\nCOPY testfile $empty\nRUN [ "$(cat testfile)" == "contents0" ]\n',
  },
  {
    name: 'testPreserveDestDirSlash',
    source,
    files: { testfile: 'contents0' },
    dockerfile: '\nFROM busybox\nCOPY testfile /sample/\nRUN [ "$(cat /sample/testfile)" == "contents0" ]\n',
  },
  {
    name: 'testCopyLinkDotDestDir',
    source,
    files: { testfile: 'contents0' },
    dockerfile: '\nFROM busybox\nWORKDIR /var/www\nCOPY --link testfile .\nRUN [ "$(cat testfile)" == "contents0" ]\n',
  },
  {
    name: 'testCopyLinkEmptyDestDir',
    source,
    files: { testfile: 'contents0' },
    dockerfile: '\nFROM busybox\nWORKDIR /var/www\nENV empty=""\nCOPY --link testfile $empty\nRUN [ "$(cat testfile)" == "contents0" ]\n',
  },
  {
    name: 'testCopyWildcardCache',
    source,
    files: wildcardFiles,
    dockerfile: wildcardCache,
    then: [
      { files: { ...wildcardFiles, bar: 'bar-data-mod' }, dockerfile: wildcardCache },
      { files: { ...wildcardFiles, bar: 'bar-data-mod', foo2: 'foo2-data-mod' }, dockerfile: wildcardCache },
    ],
    verify(first, [second, third]) {
      assert.ok(second && third && !second.error && !third.error, 'a later build failed');
      assert.equal(exportedFile(second, 'unique'), exportedFile(first, 'unique'), 'changing bar re-ran the RUN before COPY bar');
      assert.notEqual(exportedFile(third, 'unique'), exportedFile(first, 'unique'), 'changing foo2 did not re-run the RUN');
    },
  },
  {
    name: 'testEmptyWildcard',
    source,
    files: { foo: 'contents0' },
    dockerfile: '\nFROM scratch\nCOPY foo nomatch* /\n',
    exported: { foo: 'contents0' },
  },
  {
    name: 'testCopyThroughSymlinkContext',
    source,
    files: { link: { symlink: 'sub' }, 'sub/foo': 'contents' },
    dockerfile: '\nFROM scratch\nCOPY link/foo .\n',
    exported: { foo: 'contents' },
  },
  {
    name: 'testCopyThroughSymlinkMultiStage',
    source,
    dockerfile: `
FROM busybox AS build
RUN mkdir -p /out/sub && ln -s /out/sub /sub && ln -s out/sub /sub2 && echo -n "data" > /sub/foo
FROM scratch
COPY --from=build /sub/foo .
COPY --from=build /sub2/foo bar
	`,
    exported: { foo: 'data' },
  },
  {
    name: 'testCopySocket',
    source,
    sockets: ['socket.sock'],
    dockerfile: '\nFROM scratch\nCOPY . /\n',
    exported: { 'socket.sock': '' },
  },
  {
    name: 'testCopyFollowAllSymlinks',
    source,
    files: { bar: 'bar-contents', 'foo/sub': { symlink: '../bar' } },
    dockerfile: '\nFROM scratch\nCOPY foo /\nCOPY foo/sub bar\n',
  },
  {
    name: 'testCopySymlinks',
    source,
    files: {
      bar: 'bar-contents',
      foo: { symlink: 'bar' },
      'sub/lfile': 'lfile-contents',
      'sub/l0': { symlink: 'subfile' },
      'sub/subfile': 'subfile-contents',
      'sub/l1': { symlink: 'second' },
      'sub/second': { symlink: 'baz' },
      'sub/baz': 'baz-contents',
    },
    dockerfile: '\nFROM scratch\nCOPY foo /\nCOPY sub/l* alllinks/\n',
    exported: { foo: 'bar-contents', 'alllinks/l0': 'subfile-contents', 'alllinks/lfile': 'lfile-contents', 'alllinks/l1': 'baz-contents' },
  },
  {
    name: 'testCopyChown',
    source,
    files: { foo: 'foo-contents', 'bar/sub': '' },
    options: { buildArgs: { group: 'nobody' } },
    dockerfile: `
FROM busybox AS base
ENV owner 1000
RUN mkdir -m 0777 /out
COPY --chown=daemon foo /
COPY --chown=1000:nobody bar /baz
ARG group
COPY --chown=\${owner}:\${group} foo /foobis
RUN stat -c "%U %G" /foo  > /out/fooowner
RUN stat -c "%u %G" /baz/sub  > /out/subowner
RUN stat -c "%u %G" /foobis  > /out/foobisowner
FROM scratch
COPY --from=base /out /
`,
    exported: { fooowner: 'daemon daemon\n', subowner: '1000 nobody\n', foobisowner: '1000 nobody\n' },
  },
];
