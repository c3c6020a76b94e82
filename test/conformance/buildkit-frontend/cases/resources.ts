// Ported from moby/buildkit frontend/dockerfile/dockerfile_resources_test.go: the frontend
// attributes `shm-size` (bytes) and `ulimit` (docker's `name=soft:hard`), tsbuild's --shm-size and
// --ulimit; and `--memory` as the RUN step's cgroup memory limit. The Go test of the last reads
// cgroup v2's memory.max (BuildKit skips it on cgroup v1); here the step reads the limit of
// whichever hierarchy the host has.
import { parseUlimits } from '../../../../src/spec/index.js';
import type { FrontendCase } from '../case.js';

export const resourcesCases: FrontendCase[] = [
  {
    name: 'testShmSize',
    source: 'dockerfile_resources_test.go',
    dockerfile: 'FROM busybox AS base\nRUN mount | grep /dev/shm > /shmsize\nFROM scratch\nCOPY --from=base /shmsize /\n',
    options: { shmSize: 134217728 },
    exported: { shmsize: /size=131072k/ },
  },
  {
    name: 'testUlimit',
    source: 'dockerfile_resources_test.go',
    dockerfile: 'FROM busybox AS base\nRUN ulimit -n > /ulimit\nFROM scratch\nCOPY --from=base /ulimit /\n',
    options: { ulimits: parseUlimits(['nofile=1062:1062']) },
    exported: { ulimit: '1062\n' },
  },
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
