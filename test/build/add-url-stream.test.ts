// `ADD <url>` streams the download to disk, hashing as it goes, and a SIGTERM in the middle of an
// endless download ends the build as cancelled (exit 130), without a stack trace or leftovers.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const MiB = 1024 * 1024;
const BIG = randomBytes(48 * MiB);

let server: Server;
let baseUrl: string;
let work: string;
let endlessSent = 0;

function endless(res: ServerResponse): void {
  const chunk = randomBytes(256 * 1024);
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    endlessSent += chunk.length;
    res.write(chunk);
  }, 20);
  res.on('close', () => clearInterval(timer));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tsbuild-add-url-'));
  server = createServer((req, res) => {
    if (req.url === '/big.bin') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      // Chunked, in pieces: the download must be hashed across chunk boundaries.
      for (let offset = 0; offset < BIG.length; offset += 1_000_003) res.write(BIG.subarray(offset, offset + 1_000_003));
      res.end();
    } else if (req.url === '/endless.bin') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      endless(res);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

function build(name: string, dockerfile: string, root: string) {
  const context = mkdtempSync(join(work, 'ctx-'));
  writeFileSync(join(context, 'Dockerfile'), dockerfile);
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'build', '--progress', 'plain', '-t', `add-url/${name}:1`, context], {
    env: { ...process.env, TSBUILD_ROOT: root },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (status, signal) => resolve({ status, signal, stderr }));
  });
  return { child, done };
}

describe('ADD <url> downloads', () => {
  it('streams a large chunked download and checks its --checksum', async () => {
    const sum = `sha256:${createHash('sha256').update(BIG).digest('hex')}`;
    const root = join(work, 'root-big');
    const { done } = build('big', `FROM scratch\nADD --checksum=${sum} ${baseUrl}/big.bin /big.bin\n`, root);
    const result = await done;
    expect(result.stderr).not.toMatch(/checksum mismatch|\n\s+at /);
    expect(result.status).toBe(0);
    const wrong = `sha256:${'0'.repeat(64)}`;
    const failed = await build('wrong', `FROM scratch\nADD --checksum=${wrong} ${baseUrl}/big.bin /big.bin\n`, root).done;
    expect(failed.stderr).toMatch(/Dockerfile:2: .*checksum mismatch: expected sha256:0{64}, got sha256:[a-f0-9]{64}/);
    expect(failed.status).toBe(1);
  }, 120_000);

  it('exits as cancelled on SIGTERM in the middle of an endless download, leaving no scratch files', async () => {
    const root = join(work, 'root-endless');
    const { child, done } = build('endless', `FROM scratch\nADD ${baseUrl}/endless.bin /endless.bin\n`, root);
    while (endlessSent < 4 * MiB) {
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGTERM');
    const result = await done;
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.status).toBe(130);
    expect(readdirSync(join(root, 'tmp')).filter((name) => name.startsWith('copy-'))).toEqual([]);
  }, 60_000);
});
