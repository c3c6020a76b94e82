// Ported from moby/buildkit frontend/dockerfile/dockerfile_core_test.go, dockerfile_cmd_test.go,
// dockerfile_workdir_test.go and dockerfile_multistage_test.go.
import assert from 'node:assert/strict';
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { FrontendCase } from '../case.js';
import { exportedFile } from '../harness.js';
import { ADDUSER } from './bases.js';

const core = 'dockerfile_core_test.go';
const cmd = 'dockerfile_cmd_test.go';
const workdir = 'dockerfile_workdir_test.go';
const multistage = 'dockerfile_multistage_test.go';

const outOfOrder = (src: string) => `
FROM busybox AS target
COPY --from=build ${src} /out
FROM alpine AS build
COPY /Dockerfile /d2
FROM target
`;

export const coreCases: FrontendCase[] = [
  {
    name: 'testWorkdirCreatesDir',
    source: workdir,
    dockerfile: `
FROM scratch
WORKDIR /foo
WORKDIR /
`,
    verify: (outcome) => assert.ok(lstatSync(join(outcome.dest, 'foo')).isDirectory(), '/foo is not a directory'),
  },
  {
    name: 'testWorkdirUser',
    source: workdir,
    dockerfile: `
FROM busybox
RUN ${ADDUSER}
USER user
WORKDIR /mydir
RUN [ "$(stat -c "%U %G" /mydir)" == "user user" ]
`,
  },
  {
    name: 'testWorkdirCopyIgnoreRelative',
    source: workdir,
    dockerfile: `
FROM scratch AS base
WORKDIR /foo
COPY Dockerfile /
FROM scratch
# relative path still loaded as absolute
COPY --from=base Dockerfile .
`,
  },
  {
    name: 'testWorkdirExists',
    source: workdir,
    dockerfile: `
FROM busybox
RUN ${ADDUSER}
RUN mkdir /mydir && chown user:user /mydir
WORKDIR /mydir
RUN [ "$(stat -c "%U %G" /mydir)" == "user user" ]
`,
  },
  {
    name: 'testMultiStageImplicitFrom/image',
    source: multistage,
    dockerfile: `
FROM scratch
COPY --from=busybox /etc/passwd test
`,
    exported: { test: /root/ },
  },
  {
    name: 'testMultiStageImplicitFrom/masked',
    source: multistage,
    dockerfile: `
FROM busybox AS golang
RUN mkdir -p /usr/bin && echo -n foo > /usr/bin/go

FROM scratch
COPY --from=golang /usr/bin/go go
`,
    exported: { go: /foo/ },
  },
  {
    name: 'testMultiStageCaseInsensitive',
    source: multistage,
    files: { foo: 'foo-contents' },
    options: { target: 'Stage1' },
    dockerfile: `
FROM scratch AS STAge0
COPY foo bar
FROM scratch AS staGE1
COPY --from=staGE0 bar baz
FROM scratch
COPY --from=stage1 baz bax
`,
    exported: { baz: /foo-contents/ },
  },
  ...['/', '/d2'].map((src): FrontendCase => ({
    name: `testOutOfOrderStage/${src}`,
    source: multistage,
    dockerfile: outOfOrder(src),
    error: ['cannot copy from stage', 'needs to be defined before current stage'],
  })),
  {
    name: 'testEmptyStages',
    source: multistage,
    dockerfile: 'ARG foo=bar',
    error: ['dockerfile contains no stages to build'],
  },
  {
    name: 'testIgnoreEntrypoint',
    source: cmd,
    dockerfile: `
FROM busybox
ENTRYPOINT ["/nosuchcmd"]
RUN ["ls"]
`,
  },
  {
    name: 'testInvalidJSONCommands/run',
    source: cmd,
    dockerfile: `
FROM alpine
RUN ["echo", "hello"]this is invalid
`,
    error: ['this is invalid'],
  },
  {
    name: 'testInvalidJSONCommands/entrypoint',
    source: cmd,
    dockerfile: `
FROM alpine
ENTRYPOINT []random string
`,
    verify: (outcome) => assert.deepEqual(outcome.config?.config?.Entrypoint, ['/bin/sh', '-c', '[]random string']),
  },
  {
    name: 'testDockerfileInvalidInstruction',
    source: cmd,
    dockerfile: `
FROM scratch
FNTRYPOINT ["/bin/sh", "-c", "echo invalidinstruction"]
`,
    error: ['unknown instruction: FNTRYPOINT', 'did you mean ENTRYPOINT?'],
  },
  {
    name: 'testCmdShell',
    source: cmd,
    options: { tags: ['bkfe/cmdshell:latest'] },
    dockerfile: `
FROM scratch
CMD ["test"]
`,
    then: [{
      dockerfile: `
FROM bkfe/cmdshell:latest
SHELL ["ls"]
ENTRYPOINT my entrypoint
`,
    }],
    verify(_first, [second]) {
      assert.ok(second && !second.error, `the child build failed: ${second?.error?.message}`);
      assert.equal(second.config?.config?.Cmd, undefined);
      assert.deepEqual(second.config?.config?.Entrypoint, ['ls', 'my entrypoint']);
    },
  },
  {
    name: 'testDockerfileDirs',
    source: core,
    files: { foo: 'bar' },
    dockerfile: `
FROM busybox
COPY foo /foo2
COPY foo /
RUN echo -n bar > foo3
RUN test -f foo
RUN cmp -s foo foo2
RUN cmp -s foo foo3
`,
  },
  {
    name: 'testSymlinkedDockerfile',
    source: core,
    files: { 'Dockerfile.web': 'FROM scratch\nENV foo bar\n', Dockerfile: { symlink: 'Dockerfile.web' } },
  },
  {
    name: 'testContextChangeDirToFile',
    source: core,
    files: { 'foo/bar': 'contents' },
    dockerfile: 'FROM scratch\nCOPY foo /\n',
    then: [{ files: { foo: 'contents2' }, dockerfile: 'FROM scratch\nCOPY foo /\n' }],
    verify(_first, [second]) {
      assert.ok(second && !second.error, `the second build failed: ${second?.error?.message}`);
      assert.equal(exportedFile(second, 'foo'), 'contents2');
    },
  },
  {
    name: 'testExposeExpansion',
    source: core,
    dockerfile: `
FROM scratch
ARG PORTS="3000 4000/udp"
EXPOSE $PORTS
EXPOSE 5000
`,
    verify: (outcome) => assert.deepEqual(Object.keys(outcome.config?.config?.ExposedPorts ?? {}).sort(), ['3000/tcp', '4000/udp', '5000/tcp']),
  },
  {
    name: 'testLabels',
    source: core,
    options: { labels: { bar: 'baz' } },
    dockerfile: `
FROM scratch
LABEL foo=bar
`,
    verify: (outcome) => assert.deepEqual(outcome.config?.config?.Labels, { foo: 'bar', bar: 'baz' }),
  },
  {
    name: 'testDockerfileLowercase',
    source: core,
    files: { dockerfile: 'FROM scratch\n' },
  },
  {
    // The `id -G` lists assume the busybox image's `wheel` group (the harness's seed adds it).
    name: 'testUser',
    source: core,
    dockerfile: `
FROM busybox AS base
RUN mkdir -m 0777 /out
RUN id -un > /out/rootuser

# Make sure our defaults work
RUN [ "$(id -u):$(id -g)/$(id -un):$(id -gn)" = '0:0/root:root' ]

# TODO decide if "args.user = strconv.Itoa(syscall.Getuid())" is acceptable behavior for changeUser in sysvinit instead of "return nil" when "USER" isn't specified (so that we get the proper group list even if that is the empty list, even in the default case of not supplying an explicit USER to run as, which implies USER 0)
USER root
RUN [ "$(id -G):$(id -Gn)" = '0 10:root wheel' ]

# Setup dockerio user and group
RUN echo 'dockerio:x:1001:1001::/bin:/bin/false' >> /etc/passwd && \\
	echo 'dockerio:x:1001:' >> /etc/group

# Make sure we can switch to our user and all the information is exactly as we expect it to be
USER dockerio
RUN [ "$(id -u):$(id -g)/$(id -un):$(id -gn)/$(id -G):$(id -Gn)" = '1001:1001/dockerio:dockerio/1001:dockerio' ]

# Switch back to root and double check that worked exactly as we might expect it to
USER root
RUN [ "$(id -u):$(id -g)/$(id -un):$(id -gn)/$(id -G):$(id -Gn)" = '0:0/root:root/0 10:root wheel' ] && \\
        # Add a "supplementary" group for our dockerio user
	echo 'supplementary:x:1002:dockerio' >> /etc/group

# ... and then go verify that we get it like we expect
USER dockerio
RUN [ "$(id -u):$(id -g)/$(id -un):$(id -gn)/$(id -G):$(id -Gn)" = '1001:1001/dockerio:dockerio/1001 1002:dockerio supplementary' ]
USER 1001
RUN [ "$(id -u):$(id -g)/$(id -un):$(id -gn)/$(id -G):$(id -Gn)" = '1001:1001/dockerio:dockerio/1001 1002:dockerio supplementary' ]

# super test the new "user:group" syntax
USER dockerio:dockerio
RUN [ "$(id -u):$(id -g)/$(id -un):$(id -gn)/$(id -G):$(id -Gn)" = '1001:1001/dockerio:dockerio/1001:dockerio' ]
USER 1001:dockerio
RUN [ "$(id -u):$(id -g)/$(id -un):$(id -gn)/$(id -G):$(id -Gn)" = '1001:1001/dockerio:dockerio/1001:dockerio' ]
USER dockerio:1001
RUN [ "$(id -u):$(id -g)/$(id -un):$(id -gn)/$(id -G):$(id -Gn)" = '1001:1001/dockerio:dockerio/1001:dockerio' ]
USER 1001:1001
RUN [ "$(id -u):$(id -g)/$(id -un):$(id -gn)/$(id -G):$(id -Gn)" = '1001:1001/dockerio:dockerio/1001:dockerio' ]
USER dockerio:supplementary
RUN [ "$(id -u):$(id -g)/$(id -un):$(id -gn)/$(id -G):$(id -Gn)" = '1001:1002/dockerio:supplementary/1002:supplementary' ]
USER dockerio:1002
RUN [ "$(id -u):$(id -g)/$(id -un):$(id -gn)/$(id -G):$(id -Gn)" = '1001:1002/dockerio:supplementary/1002:supplementary' ]
USER 1001:supplementary
RUN [ "$(id -u):$(id -g)/$(id -un):$(id -gn)/$(id -G):$(id -Gn)" = '1001:1002/dockerio:supplementary/1002:supplementary' ]
USER 1001:1002
RUN [ "$(id -u):$(id -g)/$(id -un):$(id -gn)/$(id -G):$(id -Gn)" = '1001:1002/dockerio:supplementary/1002:supplementary' ]

# make sure unknown uid/gid still works properly
USER 1042:1043
RUN [ "$(id -u):$(id -g)/$(id -un):$(id -gn)/$(id -G):$(id -Gn)" = '1042:1043/1042:1043/1043:1043' ]
USER daemon
RUN id -un > /out/daemonuser
FROM scratch
COPY --from=base /out /
USER nobody
`,
    exported: { rootuser: 'root\n', daemonuser: 'daemon\n' },
    verify: (outcome) => assert.equal(outcome.config?.config?.User, 'nobody'),
  },
];
