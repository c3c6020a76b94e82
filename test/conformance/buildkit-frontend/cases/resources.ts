// From moby/buildkit frontend/dockerfile/dockerfile_resources_test.go: the frontend attributes
// `shm-size` (bytes) and `ulimit` (docker's `name=soft:hard`), tsbuild's --shm-size and --ulimit.
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
];
