// Ported from moby/buildkit frontend/dockerfile/dockerfile_resources_test.go: `--memory` as the
// RUN step's cgroup memory limit. The Go test reads cgroup v2's memory.max (BuildKit skips it on
// cgroup v1); here the step reads the limit of whichever hierarchy the host has.
import type { FrontendCase } from '../case.js';

export const resourcesCases: FrontendCase[] = [
  {
    name: 'testLinuxResources',
    source: 'dockerfile_resources_test.go',
    dockerfile: [
      'FROM alpine AS base',
      'RUN mkdir /out && (cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes) > /out/memory',
      'FROM scratch',
      'COPY --from=base /out /',
      '',
    ].join('\n'),
    options: { runLimits: { memoryBytes: 67108864 } },
    exported: { memory: '67108864\n' },
  },
];
