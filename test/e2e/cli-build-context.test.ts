// `tsbuild build --build-context name=VALUE` through the built CLI, with every kind of VALUE buildx
// takes: a directory, docker-image:// from a real registry, oci-layout:// of a layout directory the
// CLI exported, and an http URL (one file named `context`).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushBusyboxBase } from '../helpers/registry-base.js';
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repo, 'dist/cli.js');
let work: string;
let env: NodeJS.ProcessEnv;
let registry: TestRegistry;
let registryBase: string;
let files: Server;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tsbuild-cli-named-'));
  registry = await startRegistry();
  registryBase = await pushBusyboxBase(registry, work);
  env = { ...process.env, TSBUILD_ROOT: join(work, 'root'), CI: '1' };
  execFileSync(process.execPath, [cli, 'import', join(work, 'rootfs'), 'base:1'], { env, stdio: 'ignore' });
  files = createServer((_req, res) => void res.writeHead(200).end('over-http'));
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => files?.close(resolve));
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function build(args: string[], dockerfile: string) {
  const context = mkdtempSync(join(work, 'ctx-'));
  writeFileSync(join(context, 'Dockerfile'), dockerfile);
  const out = mkdtempSync(join(work, 'out-'));
  const child = spawn(process.execPath, [cli, 'build', '--progress', 'plain', '--output', `type=local,dest=${out}`, ...args, context], { env });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { out, status, stderr };
}

describe('tsbuild build --build-context', () => {
  it('takes a directory, docker-image://, oci-layout:// and an http URL', async () => {
    const dir = mkdtempSync(join(work, 'named-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'f'), 'from-dir');
    const layout = join(work, 'layout');
    const exported = await build(['--output', `type=oci,dest=${layout},tar=false`, '-t', 'laid:out'], 'FROM base:1\nRUN echo -n from-layout > /l\n');
    expect(exported.status, exported.stderr).toBe(0);
    const url = `http://127.0.0.1:${(files.address() as AddressInfo).port}/x`;
    const dockerfile = [
      'FROM scratch',
      'COPY --from=dir /sub/f /dir',
      'COPY --from=img /bin/busybox /busybox',
      'COPY --from=laid /l /layout',
      'COPY --from=web /context /web',
    ].join('\n');
    const result = await build([
      '--build-context', `dir=${dir}`,
      '--build-context', `img=docker-image://${registryBase}`,
      '--build-context', `laid=oci-layout://${layout}:out`,
      '--build-context', `web=${url}`,
    ], dockerfile);
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(result.out, 'dir'), 'utf8')).toBe('from-dir');
    expect(readFileSync(join(result.out, 'busybox')).length).toBeGreaterThan(100_000);
    expect(readFileSync(join(result.out, 'layout'), 'utf8')).toBe('from-layout');
    expect(readFileSync(join(result.out, 'web'), 'utf8')).toBe('over-http');
  });

  it('refuses an unknown scheme and a missing directory with a usage error, no stack trace', async () => {
    const scheme = await build(['--build-context', 'x=ftp://host/y'], 'FROM scratch\n');
    expect(scheme.status).toBe(2);
    expect(scheme.stderr).toContain('unsupported context source ftp');
    const missing = await build(['--build-context', `x=${join(work, 'nope')}`], 'FROM scratch\nCOPY --from=x /a /a\n');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain(join(work, 'nope'));
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
