// More of moby/buildkit frontend/dockerfile/dockerfile_copy_test.go: ownership of copied and
// existing directories, overrides, wildcards, relative destinations, unicode names and symbolic
// --chmod modes.
import type { FrontendCase } from '../case.js';
import { ADDUSER } from './bases.js';

const source = 'dockerfile_copy_test.go';

/** The Go test's ownership check: `stat -c %u:%g` of `path` must be `expected`. */
const owner = (expected: string, path: string) =>
  `e="${expected}"; p="${path}"; a=\`stat -c "%u:%g" "$p"\`; if [ "$a" != "$e" ]; then echo "incorrect ownership on $p. expected $e, got $a"; exit 1; fi`;

const checks = (pairs: [string, string][]) => `RUN ${pairs.map(([e, p]) => owner(e, p)).join(' \\\n && ')}\n`;

const chownExistingDir = [
  'FROM busybox AS source',
  'RUN touch /file && chown 100:200 /file \\',
  ' && mkdir -p /dir/subdir \\',
  ' && touch /dir/subdir/nestedfile \\',
  ' && chown 100:200 /dir \\',
  ' && chown 101:201 /dir/subdir \\',
  ' && chown 102:202 /dir/subdir/nestedfile',
  'FROM busybox AS test_base',
  'RUN mkdir -p /existingdir/existingsubdir \\',
  ' && touch /existingdir/existingfile \\',
  ' && chown 500:600 /existingdir \\',
  ' && chown 501:601 /existingdir/existingsubdir \\',
  ' && chown 501:601 /existingdir/existingfile',
  'FROM test_base AS copy_from',
  'COPY --from=source /file .',
  'COPY --from=source /dir /dir',
  'COPY --from=source /dir/. /existingdir',
  checks([
    ['100:200', '/file'], ['0:0', '/dir'], ['101:201', '/dir/subdir'], ['102:202', '/dir/subdir/nestedfile'],
    ['500:600', '/existingdir'], ['501:601', '/existingdir/existingsubdir'], ['501:601', '/existingdir/existingfile'],
    ['101:201', '/existingdir/subdir'], ['102:202', '/existingdir/subdir/nestedfile'],
  ]),
  'FROM test_base AS copy_from_chowned',
  'COPY --from=source --chown=300:400 /file .',
  'COPY --from=source --chown=300:400 /dir /dir',
  'COPY --from=source --chown=300:400 /dir/. /existingdir',
  checks([
    ['300:400', '/file'], ['300:400', '/dir'], ['300:400', '/dir/subdir'], ['300:400', '/dir/subdir/nestedfile'],
    ['500:600', '/existingdir'], ['501:601', '/existingdir/existingsubdir'], ['501:601', '/existingdir/existingfile'],
    ['300:400', '/existingdir/subdir'], ['300:400', '/existingdir/subdir/nestedfile'],
  ]),
].join('\n');

/** testChmodNonOctal's table: source, destination, symbolic mode, directory. */
const chmodCases: [string, string, string, boolean][] = [
  ['file', 'f1', 'go-w', false],
  ['file', 'f2', 'u=rw,g=r,o=r', false],
  ['file', 'f3', 'a+X', false],
  ['dir', 'd1', 'go-w', true],
  ['dir', 'd2', 'u+rw,g+r,o-x,o+w', true],
  ['dir', 'd3', 'a+X', true],
];

const chmodNonOctal = [
  'FROM alpine as base',
  'RUN <<eot',
  '\tset -ex',
  '\tmkdir /input',
  '\ttouch /input/file',
  '\tchmod 666 /input/file',
  '\tmkdir /input/dir',
  '\tchmod 124 /input/dir',
  '\tmkdir /expected',
  'eot',
  ...chmodCases.map(([src, dst, mode, isDir]) => isDir
    ? `RUN mkdir -p /input/dirs/${dst} && cp -a /input/${src} /input/dirs/${dst}/${dst}\nRUN cp -a /input/dirs/${dst}/. /expected/ && chmod ${mode} /expected/${dst}`
    : `RUN cp -a /input/${src} /expected/${dst} && chmod ${mode} /expected/${dst}`),
  'FROM scratch as result',
  ...chmodCases.map(([src, dst, mode, isDir]) => isDir
    ? `COPY --from=base --chmod=${mode} /input/dirs/${dst} /`
    : `COPY --from=base --chmod=${mode} /input/${src} /${dst}`),
  'FROM base',
  'COPY --from=result / /actual/',
  ...chmodCases.map(([, dst]) => `RUN [ "$(stat -c %A /actual/${dst})" = "$(stat -c %A /expected/${dst})" ]`),
  '',
].join('\n');

export const copyMoreCases: FrontendCase[] = [
  {
    name: 'testCopyChownExistingDir',
    source,
    files: { 'Dockerfile.web': chownExistingDir, Dockerfile: { symlink: 'Dockerfile.web' } },
  },
  {
    name: 'testCopyChownExistingDir/copy_from',
    source,
    files: { 'Dockerfile.web': chownExistingDir, Dockerfile: { symlink: 'Dockerfile.web' } },
    options: { target: 'copy_from' },
  },
  {
    name: 'testCopyChownCreateDest',
    source,
    options: { buildArgs: { group: 'user' } },
    dockerfile: [
      'FROM busybox',
      'ARG group',
      'ENV owner user01',
      `RUN ${ADDUSER}`,
      // adduser -D user01: the next free ids.
      "RUN echo 'user01:x:1001:1001::/home/user01:/bin/sh' >> /etc/passwd && echo 'user01:x:1001:' >> /etc/group",
      'COPY --chown=user:user . /dest',
      'COPY --chown=${owner}:${group} . /dest01',
      'RUN [ "$(stat -c "%U %G" /dest)" == "user user" ]',
      'RUN [ "$(stat -c "%U %G" /dest01)" == "user01 user" ]',
      '',
    ].join('\n'),
  },
  {
    name: 'testCopyOverrideFiles',
    source,
    files: { 'sub/dir1/dir2/foo': 'foo-contents', 'files/foo.go': 'foo.go-contents' },
    dockerfile: 'FROM scratch AS base\nCOPY sub sub\nCOPY sub sub\nCOPY files/foo.go dest/foo.go\nCOPY files/foo.go dest/foo.go\nCOPY files dest\n',
    exported: { 'sub/dir1/dir2/foo': 'foo-contents', 'dest/foo.go': 'foo.go-contents' },
  },
  {
    name: 'testCopyVarSubstitution',
    source,
    files: { bar: 'bar-contents' },
    dockerfile: 'FROM scratch AS base\nENV FOO bar\nCOPY $FOO baz\n',
    exported: { baz: 'bar-contents' },
  },
  {
    name: 'testCopyWildcards',
    source,
    files: { 'foo.go': 'foo-contents', 'bar.go': 'bar-contents', 'sub/dir1/dir2/foo': 'foo-contents' },
    dockerfile: [
      'FROM scratch AS base',
      'COPY *.go /gofiles/',
      'COPY f*.go foo2.go',
      'COPY sub/* /subdest/',
      'COPY sub/*/dir2/foo /subdest2/',
      'COPY sub/*/dir2/foo /subdest3/bar',
      'COPY . all/',
      'COPY sub/dir1/ subdest4',
      'COPY sub/dir1/. subdest5',
      'COPY sub/dir1 subdest6',
      '',
    ].join('\n'),
    exported: {
      'gofiles/foo.go': 'foo-contents', 'gofiles/bar.go': 'bar-contents', 'foo2.go': 'foo-contents',
      'subdest/dir2/foo': 'foo-contents', 'subdest2/foo': 'foo-contents', 'subdest3/bar': 'foo-contents',
      'all/foo.go': 'foo-contents', 'subdest4/dir2/foo': 'foo-contents', 'subdest5/dir2/foo': 'foo-contents',
      'subdest6/dir2/foo': 'foo-contents',
    },
  },
  {
    name: 'testCopyRelative',
    source,
    files: { foo: 'hello' },
    dockerfile: [
      'FROM busybox',
      'WORKDIR /test1',
      'WORKDIR test2',
      `RUN sh -c "[ "$PWD" = '/test1/test2' ]"`,
      'COPY foo ./',
      `RUN sh -c "[ $(cat /test1/test2/foo) = 'hello' ]"`,
      'ADD foo ./bar/baz',
      `RUN sh -c "[ $(cat /test1/test2/bar/baz) = 'hello' ]"`,
      'COPY foo ./bar/baz2',
      `RUN sh -c "[ $(cat /test1/test2/bar/baz2) = 'hello' ]"`,
      'WORKDIR ..',
      'COPY foo ./',
      `RUN sh -c "[ $(cat /test1/foo) = 'hello' ]"`,
      'COPY foo /test3/',
      `RUN sh -c "[ $(cat /test3/foo) = 'hello' ]"`,
      'WORKDIR /test4',
      'COPY . .',
      `RUN sh -c "[ $(cat /test4/foo) = 'hello' ]"`,
      'WORKDIR /test5/test6',
      'COPY foo ../',
      `RUN sh -c "[ $(cat /test5/foo) = 'hello' ]"`,
      '',
    ].join('\n'),
  },
  {
    name: 'testCopyUnicodePath',
    source,
    files: { 'test-äöü.txt': 'foo', 'test-%C3%A4%C3%B6%C3%BC.txt': 'bar', 'test+aou.txt': 'baz' },
    dockerfile: 'FROM alpine\nCOPY test-äöü.txt /\nCOPY test-%C3%A4%C3%B6%C3%BC.txt /\nCOPY test+aou.txt /\n',
    exported: { 'test-äöü.txt': 'foo', 'test-%C3%A4%C3%B6%C3%BC.txt': 'bar', 'test+aou.txt': 'baz' },
  },
  {
    name: 'testChmodNonOctal',
    source,
    dockerfile: chmodNonOctal,
  },
  {
    name: 'testCopyChmod',
    source,
    files: { foo: { content: 'foo-contents', mode: 0o600 }, bar: { content: 'bar-contents', mode: 0o700 } },
    options: { buildArgs: { mode: '755' } },
    dockerfile: [
      'FROM busybox AS base',
      'RUN mkdir -m 0777 /out',
      'COPY --chmod=0644 foo /',
      'COPY --chmod=777 bar /baz',
      'COPY --chmod=0 foo /foobis',
      'COPY --chmod=777 foo /parent/foo',
      'COPY --chmod=770 foo /parent/sub/foo',
      'ARG mode',
      'COPY --chmod=${mode} foo /footer',
      'RUN stat -c "%04a" /foo  > /out/fooperm',
      'RUN stat -c "%04a" /baz  > /out/barperm',
      'RUN stat -c "%04a" /foobis  > /out/foobisperm',
      'RUN stat -c "%04a" /parent  > /out/parentperm',
      'RUN stat -c "%04a" /parent/sub  > /out/subparentperm',
      'RUN stat -c "%04a" /footer  > /out/footerperm',
      'FROM scratch',
      'COPY --from=base /out /',
      '',
    ].join('\n'),
    exported: { fooperm: '0644\n', barperm: '0777\n', foobisperm: '0000\n', parentperm: '0777\n', subparentperm: '0770\n', footerperm: '0755\n' },
  },
  ...['64a', '10000'].map((mode): FrontendCase => ({
    name: `testCopyInvalidChmod/${mode}`,
    source,
    files: { foo: { content: 'foo-contents', mode: 0o600 } },
    dockerfile: `FROM scratch\nCOPY --chmod=${mode} foo /\n`,
    error: [`invalid chmod parameter: '${mode}'. it should be octal string and between 0 and 07777`],
  })),
];
