// BuildKit's testCopyChmod (parents made with the --chmod mode), testCopySocket (a socket in the
// context arrives as an empty regular file) and the lowercase `dockerfile` fallback.
import { lstatSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/executor/build.js';
import { buildImage, newRoot, removeTempDirs, unpackImage, writeContext } from './helpers.js';

let root: string;
beforeAll(async () => {
  root = await newRoot();
});
afterAll(removeTempDirs);

describe('COPY fidelity', () => {
  it('--chmod gives the parents it creates its mode', async () => {
    const dockerfile = [
      'FROM busybox',
      'COPY --chmod=777 foo /parent/foo',
      'COPY --chmod=770 foo /parent/sub/foo',
      'COPY --chmod=u+rw foo /symbolic/foo',
      'RUN stat -c "%04a" /parent /parent/sub /symbolic > /perms',
    ].join('\n');
    const { result } = await buildImage(root, writeContext({ foo: 'foo' }), dockerfile);
    expect(readFileSync(join(unpackImage(root, result.digest), 'perms'), 'utf8')).toBe('0777\n0770\n0755\n');
  });

  it('copies a socket in the context as an empty regular file', async () => {
    const context = writeContext({ 'a.txt': 'a' });
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(join(context, 'socket.sock'), resolve));
    try {
      const { result } = await buildImage(root, context, 'FROM busybox\nCOPY . /ctx/\n');
      const copied = lstatSync(join(unpackImage(root, result.digest), 'ctx/socket.sock'));
      expect(copied.isFile()).toBe(true);
      expect(copied.size).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('finds a lowercase dockerfile when there is no Dockerfile', async () => {
    const context = writeContext({ 'a.txt': 'a' });
    writeFileSync(join(context, 'dockerfile'), 'FROM busybox\nCOPY a.txt /from-lowercase\n');
    rmSync(join(context, 'Dockerfile'), { force: true });
    const result = await build({ context, root, runtime: 'builtin' });
    expect(readFileSync(join(unpackImage(root, result.digest), 'from-lowercase'), 'utf8')).toBe('a');
  });
});
