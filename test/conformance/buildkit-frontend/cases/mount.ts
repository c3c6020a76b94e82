// Ported from moby/buildkit frontend/dockerfile/dockerfile_mount_test.go.
import assert from 'node:assert/strict';
import type { FrontendCase } from '../case.js';
import { exportedFile } from '../harness.js';

const source = 'dockerfile_mount_test.go';

function mountDuplicate(text: string, variant: string): FrontendCase {
  return {
    name: `testMountDuplicate/${variant}`,
    source,
    files: { 'a.txt': text, 'b.txt': 'bar\n' },
    dockerfile: `
FROM busybox AS base
RUN --mount=source=.,target=/tmp/test \\
  --mount=source=b.txt,target=/tmp/b.txt \\
  cat /tmp/test/a.txt /tmp/b.txt > /combined.txt
FROM scratch
COPY --from=base /combined.txt /
`,
    exported: { 'combined.txt': `${text}bar\n` },
  };
}

const rwCacheDockerfile = `
from busybox AS build
copy cachebust /
run mkdir out && echo foo > out/foo
from busybox as second
RUN --mount=from=build,src=out,target=/out,rw touch /out/bar && cat /dev/urandom | head -c 100 | sha256sum > /unique
from scratch
COPY --from=second /unique /unique
`;

export const mountCases: FrontendCase[] = [
  {
    name: 'testMountContext',
    source,
    files: { testfile: 'contents0' },
    dockerfile: `
FROM busybox
RUN --mount=target=/context [ "$(cat /context/testfile)" == "contents0" ]
`,
  },
  {
    name: 'testMountTmpfs',
    source,
    dockerfile: `
FROM busybox
RUN --mount=target=/mytmp,type=tmpfs touch /mytmp/foo
RUN [ ! -f /mytmp/foo ]
`,
  },
  {
    name: 'testMountInvalid/flag',
    source,
    dockerfile: `
FROM scratch
RUN --mont=target=/mytmp,type=tmpfs /bin/true
`,
    error: ['unknown flag: --mont', 'did you mean mount?'],
  },
  {
    name: 'testMountInvalid/key',
    source,
    dockerfile: `
FROM scratch
RUN --mount=typ=tmpfs /bin/true
`,
    error: ["unexpected key 'typ'", 'did you mean type?'],
  },
  {
    name: 'testMountInvalid/type',
    source,
    dockerfile: `
FROM scratch
RUN --mount=type=tmp /bin/true
`,
    error: ['unsupported mount type "tmp"', 'did you mean tmpfs?'],
  },
  {
    name: 'testMountRWCache',
    source,
    files: { cachebust: '0' },
    dockerfile: rwCacheDockerfile,
    then: [{ files: { cachebust: '1' }, dockerfile: rwCacheDockerfile }],
    verify(first, [second]) {
      assert.ok(second && !second.error, `second build failed: ${second?.error?.message}`);
      assert.equal(exportedFile(second, 'unique'), exportedFile(first, 'unique'), 'the RUN with the same mounted content re-ran');
    },
  },
  {
    name: 'testCacheMountUser',
    source,
    dockerfile: `
FROM busybox
RUN --mount=type=cache,target=/mycache,uid=1001,gid=1002,mode=0751 [ "$(stat -c "%u %g %f" /mycache)" == "1001 1002 41e9" ]
`,
  },
  {
    name: 'testCacheMountDefaultID',
    source,
    dockerfile: `
FROM busybox
RUN --mount=type=cache,target=/mycache touch /mycache/foo
RUN --mount=type=cache,target=/mycache2 [ ! -f /mycache2/foo ]
RUN --mount=type=cache,target=/mycache [ -f /mycache/foo ]
`,
  },
  {
    name: 'testMountEnvVar',
    source,
    dockerfile: `
FROM busybox
ENV SOME_PATH=/mycache
RUN --mount=type=cache,target=/mycache touch /mycache/foo
RUN --mount=type=cache,target=$SOME_PATH [ -f $SOME_PATH/foo ]
`,
  },
  {
    name: 'testMountArg',
    source,
    dockerfile: `
FROM busybox
ARG MNT_TYPE=cache
RUN --mount=type=$MNT_TYPE,target=/mycache2 touch /mycache2/foo
RUN --mount=type=cache,target=/mycache2 [ -f /mycache2/foo ]
`,
  },
  {
    name: 'testMountEnvAcrossStages',
    source,
    dockerfile: `
FROM busybox as stage1
ENV MNT_ID=mycache
ENV MNT_TYPE2=cache
RUN --mount=type=cache,id=mycache,target=/abcabc touch /abcabc/foo
RUN --mount=type=$MNT_TYPE2,id=$MNT_ID,target=/cbacba [ -f /cbacba/foo ]
FROM stage1
RUN --mount=type=$MNT_TYPE2,id=$MNT_ID,target=/whatever [ -f /whatever/foo ]
`,
  },
  {
    name: 'testMountMetaArg',
    source,
    dockerfile: `
ARG META_PATH=/tmp/meta
FROM busybox
ARG META_PATH
RUN --mount=type=cache,id=mycache,target=/tmp/meta touch /tmp/meta/foo
RUN --mount=type=cache,id=mycache,target=$META_PATH [ -f /tmp/meta/foo ]
`,
  },
  {
    name: 'testMountFromError',
    source,
    dockerfile: `
FROM busybox as test
RUN touch /tmp/test

FROM busybox
ENV ttt=test
RUN --mount=from=$ttt,type=cache,target=/tmp ls
`,
    error: ["'from' doesn't support variable expansion, define alias stage instead"],
  },
  {
    name: 'testMountTmpfsSize',
    source,
    dockerfile: `
FROM busybox AS base
RUN --mount=type=tmpfs,target=/dev/shm,size=128m mount | grep /dev/shm > /tmpfssize
FROM scratch
COPY --from=base /tmpfssize /
`,
    exported: { tmpfssize: /size=131072k/ },
  },
  mountDuplicate('foo\n', 'first'),
  mountDuplicate('updated\n', 'second'),
  {
    name: 'testCacheMountParallel',
    source,
    options: { noCache: true },
    dockerfile: `
FROM alpine AS b1
RUN --mount=type=cache,target=/foo/bar --mount=type=cache,target=/foo/bar/baz echo 1

FROM alpine AS b2
RUN --mount=type=cache,target=/foo/bar --mount=type=cache,target=/foo/bar/baz echo 2

FROM scratch
COPY --from=b1 /etc/passwd p1
COPY --from=b2 /etc/passwd p2
`,
    exported: { p1: /^root:/, p2: /^root:/ },
  },
  {
    name: 'testCacheMountSourceEscape',
    source,
    options: { noCache: true },
    dockerfile: `
FROM busybox AS init
RUN --mount=type=cache,id=sourceescape,target=/cache mkdir -p /cache/sel && echo benign > /cache/sel/benign.txt

FROM init AS link
RUN --mount=type=cache,id=sourceescape,target=/cache rm -rf /cache/sel && ln -s /etc /cache/sel

FROM link AS victim
RUN --mount=type=cache,id=sourceescape,source=sel,target=/victim cat /victim/hostname

FROM scratch
COPY --from=victim /etc/hostname /hostname
`,
    error: [/./],
  },
];
