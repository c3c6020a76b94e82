// Ported from moby/buildkit frontend/dockerfile/dockerfile_args_test.go.
import assert from 'node:assert/strict';
import type { CaseOptions, FrontendCase } from '../case.js';
import { exportedFile } from '../harness.js';

const source = 'dockerfile_args_test.go';

const targetStage = `
FROM alpine AS base
WORKDIR /out
RUN echo -n "value:$TARGETSTAGE" > /out/first
ARG TARGETSTAGE
RUN echo -n "value:$TARGETSTAGE" > /out/second

FROM scratch AS foo
COPY --from=base /out/ /

FROM scratch
COPY --from=base /out/ /
`;

const builtinArgs = `
FROM busybox AS build
ARG FOO
ARG BAR
ARG BAZ=bazcontent
RUN echo -n $HTTP_PROXY::$NO_PROXY::$FOO::$BAR::$BAZ > /out
FROM scratch
COPY --from=build /out /

`;

function builtinArgsCase(variant: string, buildArgs: Record<string, string>, expected: string): FrontendCase {
  return { name: `testBuiltinArgs/${variant}`, source, dockerfile: builtinArgs, options: { buildArgs }, exported: { out: expected } };
}

const defaultEnvWithArgs = `
ARG image=idlebox
FROM busy\${image#idle} AS build
ARG my_arg
ENV my_arg "my_arg=\${my_arg:-def_val}"
ENV my_trimmed_arg "\${my_arg%%e*}"
COPY myscript.sh myscript.sh
RUN ./myscript.sh $my_arg $my_trimmed_arg
FROM scratch
COPY --from=build /out /out
`;

function defaultEnvCase(variant: string, options: CaseOptions, expected: string): FrontendCase {
  return {
    name: `testDefaultEnvWithArgs/${variant}`,
    source,
    files: { 'myscript.sh': { content: '#!/usr/bin/env sh\necho -n $my_arg $* > /out\n', mode: 0o700 } },
    dockerfile: defaultEnvWithArgs,
    options,
    exported: { out: expected },
  };
}

export const argsCases: FrontendCase[] = [
  {
    name: 'testGlobalArg',
    source,
    options: { buildArgs: { tag: 'latest' } },
    dockerfile: `
ARG tag=nosuchtag
FROM busybox:\${tag}
`,
  },
  {
    name: 'testGlobalArgErrors/unset',
    source,
    dockerfile: `
ARG FOO=\${FOO:?"custom error"}
FROM busybox
`,
    error: ['FOO: custom error'],
  },
  {
    name: 'testGlobalArgErrors/set',
    source,
    options: { buildArgs: { FOO: 'bar' } },
    dockerfile: `
ARG FOO=\${FOO:?"custom error"}
FROM busybox
`,
  },
  {
    name: 'testArgDefaultExpansion/unset',
    source,
    dockerfile: `
FROM scratch
ARG FOO
ARG BAR=\${FOO:?"foo missing"}
`,
    error: ['FOO: foo missing'],
  },
  {
    name: 'testArgDefaultExpansion/FOO',
    source,
    options: { buildArgs: { FOO: '123' } },
    dockerfile: `
FROM scratch
ARG FOO
ARG BAR=\${FOO:?"foo missing"}
`,
  },
  {
    name: 'testArgDefaultExpansion/BAR',
    source,
    options: { buildArgs: { BAR: '123' } },
    dockerfile: `
FROM scratch
ARG FOO
ARG BAR=\${FOO:?"foo missing"}
`,
  },
  {
    name: 'testMultiArgs',
    source,
    dockerfile: `
ARG a1="foo bar" a2=box
ARG a3="$a2-foo"
FROM busy$a2 AS build
ARG a3 a4="123 456" a1
RUN echo -n "$a1:$a3:$a4" > /out
FROM scratch
COPY --from=build /out .
`,
    exported: { out: 'foo bar:box-foo:123 456' },
  },
  {
    name: 'testQuotedMetaArgs',
    source,
    dockerfile: `
ARG a1="box"
ARG a2="$a1-foo"
FROM busy$a1 AS build
ARG a2
ARG a3="bar-$a2"
RUN echo -n $a3 > /out
FROM scratch
COPY --from=build /out .
`,
    exported: { out: 'bar-box-foo' },
  },
  {
    name: 'testTargetStageNameArg/foo',
    source,
    options: { target: 'foo' },
    dockerfile: targetStage,
    exported: { first: 'value:', second: 'value:foo' },
  },
  {
    name: 'testTargetStageNameArg/default',
    source,
    dockerfile: targetStage,
    exported: { first: 'value:', second: 'value:default' },
  },
  {
    name: 'testTargetStageNameArg/final',
    source,
    dockerfile: `${targetStage}
	FROM scratch AS final
	COPY --from=base /out/ /
	`,
    exported: { first: 'value:', second: 'value:final' },
  },
  builtinArgsCase('first', { FOO: 'foocontents', http_proxy: 'hpvalue', NO_PROXY: 'npvalue' }, 'hpvalue::npvalue::foocontents::::bazcontent'),
  {
    // The Go test's second build changes only proxy args, which are not part of the cache key.
    name: 'testBuiltinArgs/proxy-change-cached',
    source,
    dockerfile: builtinArgs,
    options: { buildArgs: { FOO: 'foocontents', http_proxy: 'hpvalue', NO_PROXY: 'npvalue' } },
    then: [{ dockerfile: builtinArgs, options: { buildArgs: { FOO: 'foocontents', http_proxy: 'hpvalue2' } } }],
    verify(_first, [second]) {
      assert.ok(second && !second.error, `second build failed: ${second?.error?.message}`);
      assert.equal(exportedFile(second, 'out'), 'hpvalue::npvalue::foocontents::::bazcontent');
    },
  },
  builtinArgsCase('third', { FOO: 'foocontents2', http_proxy: 'hpvalue2' }, 'hpvalue2::::foocontents2::::bazcontent'),
  defaultEnvCase('nil', {}, 'my_arg=def_val my_arg=def_val my_arg=d'),
  defaultEnvCase('empty', { buildArgs: { my_arg: '' } }, 'my_arg=def_val my_arg=def_val my_arg=d'),
  defaultEnvCase('override', { buildArgs: { my_arg: 'override' } }, 'my_arg=override my_arg=override my_arg=ov'),
  {
    name: 'testEmptyStringArgInEnv',
    source,
    dockerfile: `
FROM busybox AS build
ARG FOO
ARG BAR=
RUN env > env.txt

FROM scratch
COPY --from=build env.txt .
`,
    verify(outcome) {
      const env = exportedFile(outcome, 'env.txt') ?? '';
      assert.match(env, /BAR=/);
      assert.doesNotMatch(env, /FOO=/);
    },
  },
  {
    name: 'testEnvEmptyFormatting',
    source,
    dockerfile: `
FROM busybox AS build
ENV myenv foo%sbar
RUN [ "$myenv" = 'foo%sbar' ]
`,
  },
];
