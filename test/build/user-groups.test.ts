// The process's supplementary groups include its primary group, as BuildKit sets them since the
// fix for CVE-2023-25173 (so a process keeps its group when it drops to it), checked in /proc/self/status (what `id` reads).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, newRoot, removeTempDirs, unpackImage, writeContext } from './helpers.js';

let root: string;
beforeAll(async () => {
  root = await newRoot();
});
afterAll(removeTempDirs);

describe.each(['builtin', 'runc'] as const)('USER groups (%s)', (runtime) => {
  it('lists the primary group among the supplementary ones', async () => {
    const dockerfile = [
      'FROM busybox',
      `RUN mkdir -m 777 /out && echo ${runtime} > /dev/null`,
      "RUN echo 'app:x:1000:1000::/home/app:/bin/sh' >> /etc/passwd && printf 'app:x:1000:\\nextra:x:2000:app\\n' >> /etc/group",
      'USER app',
      'RUN grep ^Groups: /proc/self/status > /out/named',
      'USER 1234:5678',
      'RUN grep ^Groups: /proc/self/status > /out/numeric',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({}), dockerfile, { runtime });
    const rootfs = unpackImage(root, result.digest);
    expect(readFileSync(join(rootfs, 'out/named'), 'utf8')).toBe('Groups:\t1000 2000 \n');
    expect(readFileSync(join(rootfs, 'out/numeric'), 'utf8')).toBe('Groups:\t5678 \n');
  });
});
