// Starts a real CNCF distribution registry (`docker-registry serve`) on a free loopback port with
// a temp storage dir; optionally with htpasswd basic auth or token auth from a test issuer.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTokenIssuer, type TokenIssuer } from './token-issuer.js';

export interface TestRegistry {
  /** `127.0.0.1:<port>`: the registry name in references. */
  host: string;
  url: string;
  /** Set for auth variants. */
  username?: string;
  password?: string;
  issuer?: TokenIssuer;
  stop(): Promise<void>;
}

export type RegistryAuth = 'none' | 'htpasswd' | 'token';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const USERNAME = 'tester';
const PASSWORD = 'pa55-word';

/** `bindAddress` lets tests reach it through a non-loopback address (insecure-registry tests). */
export async function startRegistry(auth: RegistryAuth = 'none', bindAddress = '127.0.0.1'): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'tsbuild-registry-'));
  const port = await freePort();
  const host = `${bindAddress}:${port}`;
  let issuer: TokenIssuer | undefined;
  let authYaml = '';
  if (auth === 'htpasswd') {
    const line = execFileSync('htpasswd', ['-Bbn', USERNAME, PASSWORD], { encoding: 'utf8' });
    await writeFile(join(dir, 'htpasswd'), line.trim() + '\n');
    authYaml = `auth:\n  htpasswd:\n    realm: tsbuild-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (auth === 'token') {
    issuer = await startTokenIssuer(dir, { username: USERNAME, password: PASSWORD, service: 'tsbuild-test-registry' });
    authYaml = [
      'auth:', '  token:', `    realm: ${issuer.realm}`, `    service: ${issuer.service}`,
      `    issuer: ${issuer.issuer}`, `    rootcertbundle: ${issuer.certPath}`, '',
    ].join('\n');
  }
  const config = [
    'version: 0.1', 'log:', '  level: error', '  accesslog:', '    disabled: true', 'storage:',
    '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`, '  delete:', '    enabled: true',
    'http:', `  addr: ${host}`, authYaml,
  ].join('\n');
  await writeFile(join(dir, 'config.yml'), config);
  const child = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitUntilListening(`http://${host}/v2/`, child, () => stderr);
  const registry: TestRegistry = {
    host,
    url: `http://${host}`,
    issuer,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      await issuer?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  if (auth !== 'none') Object.assign(registry, { username: USERNAME, password: PASSWORD });
  return registry;
}

async function waitUntilListening(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${stderr()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(50);
    }
  }
  child.kill();
  throw new Error(`docker-registry did not start at ${url}: ${stderr()}`);
}
