// `build --load` and `-o type=docker` without dest load the image into a real Docker engine
// (DOCKER_HOST), as buildx does; `--load` also keeps it in tsbuild's store, next to `-o type=local`.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBusyboxRootfs } from '../helpers/busybox.js';
import { startDockerd, type TestDockerd } from '../helpers/dockerd.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repo, 'dist/cli.js');
let work: string;
let dockerd: TestDockerd;
let context: string;
let env: NodeJS.ProcessEnv;

function tsbuild(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [cli, ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 1 << 28 });
}

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  work = mkdtempSync(join(tmpdir(), 'tsbuild-docker-load-'));
  dockerd = await startDockerd();
  await makeBusyboxRootfs(join(work, 'rootfs'));
  env = { ...process.env, TSBUILD_ROOT: join(work, 'root'), DOCKER_HOST: dockerd.host, CI: '' };
  expect(tsbuild(['import', join(work, 'rootfs'), 'base:1']).status).toBe(0);
  context = join(work, 'ctx');
  mkdirSync(context);
  writeFileSync(join(context, 'hello.txt'), 'hello\n');
  writeFileSync(join(context, 'Dockerfile'), 'FROM base:1\nCOPY hello.txt /hello.txt\nCMD ["cat", "/hello.txt"]\n');
}, 300_000);

afterAll(async () => {
  await dockerd?.stop();
});

/** The image IDs docker has under `name`. */
const dockerId = (name: string) => dockerd.docker(['images', '--no-trunc', '--format', '{{.ID}}', name]).trim();

describe('loading into the local Docker engine', () => {
  it('--load loads the image into Docker and keeps it in the store', () => {
    const built = tsbuild(['build', '--load', '-q', '-t', 'demo/loaded:1', context]);
    expect(built.status, built.stderr).toBe(0);
    const id = built.stdout.trim();
    expect(dockerId('demo/loaded:1')).toBe(id);
    expect(tsbuild(['images', '-q', '--no-trunc', 'demo/loaded:1']).stdout).toBe(`${id}\n`);
  });

  it('-o type=docker without dest loads into Docker', () => {
    const built = tsbuild(['build', '-q', '-o', 'type=docker', '-t', 'demo/direct:1', context]);
    expect(built.status, built.stderr).toBe(0);
    expect(dockerId('demo/direct:1')).toBe(built.stdout.trim());
  });

  it('--load with -o type=local writes the files, stores the image and loads it into Docker', () => {
    const out = join(work, 'local-out');
    const built = tsbuild(['build', '-q', '--load', '-o', `type=local,dest=${out}`, '-t', 'demo/both:1', context]);
    expect(built.status, built.stderr).toBe(0);
    expect(readFileSync(join(out, 'hello.txt'), 'utf8')).toBe('hello\n');
    expect(dockerId('demo/both:1')).toBe(built.stdout.trim());
    expect(tsbuild(['images', '-q', '--no-trunc', 'demo/both:1']).stdout).toBe(`${built.stdout.trim()}\n`);
  });

  it('without a reachable engine: -o type=docker fails clearly, --load warns and keeps the image', () => {
    const nowhere = { DOCKER_HOST: `unix://${join(work, 'no-such.sock')}` };
    const direct = tsbuild(['build', '--progress', 'plain', '-o', 'type=docker', '-t', 'demo/nowhere:1', context], nowhere);
    expect(direct.status).toBe(1);
    expect(direct.stderr).toMatch(/^error: no Docker engine at unix:\/\/.*no-such\.sock .*dest=/m);
    const loaded = tsbuild(['build', '--progress', 'plain', '--load', '-t', 'demo/nowhere:2', context], nowhere);
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(loaded.stderr).toMatch(/WARNING: .*no Docker engine at unix:\/\/.*no-such\.sock/);
    expect(tsbuild(['images', '-q', 'demo/nowhere:2']).stdout).toMatch(/^[0-9a-f]{12}\n$/);
  });

  it('a hostile engine that never stops answering is read only up to a bound: the build goes on with a warning', async () => {
    const socket = join(work, 'endless.sock');
    const chunk = Buffer.alloc(64 * 1024, 'x');
    // Its /_ping answers 500 with a body that never ends.
    const server = createServer((_request, response) => {
      response.writeHead(500);
      const pump = (): void => {
        while (response.write(chunk)) { /* until the socket is full */ }
      };
      response.on('drain', pump);
      pump();
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const built = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [cli, 'build', '--progress', 'plain', '--load', '-t', 'endless/app:1', context], {
          env: { ...env, DOCKER_HOST: `unix://${socket}` },
        });
        let stderr = '';
        child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
        child.on('close', (status) => resolve({ status, stderr }));
      });
      expect(built.status, built.stderr).toBe(0);
      expect(built.stderr).toMatch(/WARNING: .*Docker engine/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 120_000);
});
