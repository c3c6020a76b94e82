// More of moby/buildkit frontend/dockerfile/dockerfile_onbuild_test.go: ONBUILD triggers that read
// other stages and images, and a cache mount. The images the Go tests push to a registry are
// built into the case's root under the same names.
import type { FrontendCase, Prepared } from '../case.js';
import { ALPINE, buildImageAs } from './namedcontext.js';

const source = 'dockerfile_onbuild_test.go';
const noOptions: Prepared = { options: {}, dispose: () => Promise.resolve() };
const BASE = 'localhost:5000/buildkit/testonbuilddeps:base';
const BASE2 = 'localhost:5000/buildkit/testonbuilddeps:base2';

export const onbuildMoreCases: FrontendCase[] = [
  {
    name: 'testOnBuildNewDeps/copy-from-image',
    source,
    prepare: async (root) => {
      await buildImageAs(root, 'alpine:latest', ALPINE);
      await buildImageAs(root, BASE, 'FROM busybox\nONBUILD COPY --from=alpine /etc/alpine-release /out/alpine-release2\n');
      return noOptions;
    },
    dockerfile: `\tFROM ${BASE} AS base\n\tRUN cat /out/alpine-release2 > /out/alpine-release3\n\tFROM scratch\n\tCOPY --from=base /out /\n\t`,
    exported: { 'alpine-release3': /^.{6,}/s },
  },
  {
    name: 'testOnBuildNewDeps/nested',
    source,
    prepare: async (root) => {
      await buildImageAs(root, 'alpine:latest', ALPINE);
      await buildImageAs(root, BASE, 'FROM busybox\nONBUILD COPY --from=alpine /etc/alpine-release /out/alpine-release2\n');
      await buildImageAs(root, BASE2, 'FROM alpine\nONBUILD RUN --mount=type=bind,target=/in,from=inputstage mkdir /out && cat /in/foo > /out/bar && cat /in/out/alpine-release2 > /out/bar2\n');
      return noOptions;
    },
    dockerfile: `\tFROM ${BASE} AS inputstage\n\tRUN cat /out/alpine-release2 > /out/alpine-release4\n\tRUN echo -n foo > /foo\n\tFROM ${BASE2} AS base\n\tRUN echo -n bar3 > /out/bar3\n\tFROM scratch\n\tCOPY --from=base /out /\n\t`,
    exported: { bar: 'foo' },
  },
  {
    name: 'testOnBuildWithCacheMount',
    source,
    prepare: async (root) => {
      await buildImageAs(root, 'localhost:5000/buildkit/testonbuild:base', 'FROM busybox\nONBUILD RUN --mount=type=cache,target=/cache echo -n 42 >> /cache/foo && echo -n 11 >> /bar\n');
      return noOptions;
    },
    dockerfile: 'FROM localhost:5000/buildkit/testonbuild:base\nRUN --mount=type=cache,target=/cache [ "$(cat /cache/foo)" = "42" ] && [ "$(cat /bar)" = "11" ]\n',
  },
];
