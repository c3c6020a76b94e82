// Every example in examples/ builds as its README says, offline, from the local busybox base.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/executor/build.js';
import type { BuildEvent } from '../../src/executor/events.js';
import { DiskContentStore } from '../../src/oci/disk-store.js';
import { ImageNames } from '../../src/oci/image-names.js';
import { importRootfs } from '../../src/oci/image-import.js';
import { rootLayout } from '../../src/oci/root.js';
import { makeBusyboxRootfs } from '../helpers/busybox.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
let root: string;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'tsbuild-examples-'));
  root = path.join(work, 'root');
  const rootfs = path.join(work, 'rootfs');
  await makeBusyboxRootfs(rootfs);
  const store = await DiskContentStore.open(root);
  await new ImageNames(rootLayout(root)).set('busybox:1.36', await importRootfs(store, rootfs));
});

async function buildExample(name: string, extra: Parameters<typeof build>[0] extends infer O ? Partial<O> : never = {}) {
  const logs: string[] = [];
  const dest = path.join(work, `${name}-out`);
  const result = await build({
    context: path.join(examples, name), root, outputs: [{ type: 'local', dest }],
    onEvent: (e: BuildEvent) => e.type === 'step.log' && logs.push(e.text), ...extra,
  });
  return { result, dest, logs: logs.join('\n') };
}

describe('examples', () => {
  it('multi-stage copies the builder stage output into the final image', async () => {
    const { result, dest } = await buildExample('multi-stage');
    expect(await readFile(path.join(dest, 'app/built.txt'), 'utf8')).toBe('hello from amd64\nhello from the build context\n');
    expect(result.config.config?.User).toBe('nobody');
  });

  it('cross-compile runs the build stage on the build platform for the target', async () => {
    const { dest, result } = await buildExample('cross-compile');
    expect(await readFile(path.join(dest, 'usr/local/bin/app'), 'utf8')).toContain('app for linux/amd64, built on linux/amd64');
    expect(result.config.config?.Entrypoint).toEqual(['/usr/local/bin/app']);
  });

  it('static-site checks the page and sets up httpd', async () => {
    const { dest, result } = await buildExample('static-site');
    expect(await readFile(path.join(dest, 'www/index.html'), 'utf8')).toContain('<title>tsbuild static site</title>');
    expect(result.config.config?.ExposedPorts).toEqual({ '8080/tcp': {} });
    expect(result.config.config?.Healthcheck?.Test?.[0]).toBe('CMD-SHELL');
  });

  it('secrets-and-cache uses the secret and refills from the cache mount on a rebuild', async () => {
    const token = path.join(work, 'token');
    await writeFile(token, 's3cr3t');
    const secrets = [{ id: 'token', src: token }];
    const first = await buildExample('secrets-and-cache', { secrets });
    expect(first.logs).toContain('authenticated with a 6-byte token');
    expect(first.logs).toContain('downloading');
    // A step that runs again keeps the cache mount; --no-cache would empty it, as BuildKit does.
    const dockerfile = await readFile(path.join(examples, 'secrets-and-cache/Dockerfile'), 'utf8');
    const rerun = dockerfile.replace('RUN --mount=type=cache', 'ARG REFRESH\nRUN --mount=type=cache');
    const second = await buildExample('secrets-and-cache', { secrets, dockerfileContents: rerun, buildArgs: { REFRESH: '1' } });
    expect(second.logs).toContain('cache hit');
    const emptied = await buildExample('secrets-and-cache', { secrets, noCache: true });
    expect(emptied.logs).toContain('downloading');
    await expect(buildExample('secrets-and-cache', { noCache: true })).rejects.toThrow(/secret token is required|Dockerfile:5/);
  });
});
