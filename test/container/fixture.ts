// Shared fixture of the `tsbuild run` end-to-end tests: a temp root holding a busybox image
// imported by the built CLI, variants with ENTRYPOINT/CMD/Env/VOLUME config, and a CLI runner.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeImage } from '../../src/oci/image.js';
import { LocalImages } from '../../src/oci/local-images.js';
import type { ContainerConfig } from '../../src/spec/types.js';
import { makeBusyboxRootfs } from '../helpers/busybox.js';

export const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface RunFixture {
  work: string;
  root: string;
  /** Runs the built CLI against the fixture's root (or `root`) and collects its output. */
  tsbuild(args: string[], options?: { root?: string; env?: NodeJS.ProcessEnv; input?: string }): Promise<CliResult>;
  /** Starts the built CLI without waiting for it. */
  start(args: string[]): ChildProcess;
  /** Entries of `<root>/containers` (empty when it does not exist). */
  containers(root?: string): string[];
}

/** Image names the fixture creates, all over the same busybox layer. */
export const IMAGES = {
  busybox: 'busybox',
  entrypoint: 'test/entrypoint:1',
  env: 'test/env:1',
  volume: 'test/volume:1',
  user: 'test/user:1',
} as const;

export async function makeRunFixture(): Promise<RunFixture> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" before these tests`);
  const work = mkdtempSync(join(tmpdir(), 'tsbuild-run-test-'));
  const root = join(work, 'root');
  const rootfs = join(work, 'rootfs');
  await makeBusyboxRootfs(rootfs);
  mkdirSync(join(rootfs, 'data'));
  writeFileSync(join(rootfs, 'data', 'seed'), 'from the image\n');
  appendFileSync(join(rootfs, 'etc', 'group'), 'staff:x:50:nobody,daemon\n');
  const imported = spawnSync(process.execPath, [cli, 'import', rootfs, IMAGES.busybox], { env: { ...process.env, TSBUILD_ROOT: root }, encoding: 'utf8' });
  if (imported.status !== 0) throw new Error(`tsbuild import failed: ${imported.stderr}`);
  await addVariant(root, IMAGES.entrypoint, { Entrypoint: ['echo', 'ep'], Cmd: ['cmd'] });
  await addVariant(root, IMAGES.env, { Env: ['PATH=/usr/bin:/bin', 'A=image', 'B=image', 'KEEP=image'] });
  await addVariant(root, IMAGES.volume, { Volumes: { '/data': {} }, Cmd: ['sh'] });
  await addVariant(root, IMAGES.user, { User: 'daemon', WorkingDir: '/var/app', StopSignal: 'SIGINT' });
  const env = (extra: NodeJS.ProcessEnv = {}, at = root) => ({ ...process.env, TSBUILD_ROOT: at, ...extra });
  return {
    work,
    root,
    tsbuild: (args, options = {}) => collect(spawn(process.execPath, [cli, ...args], { env: env(options.env, options.root) }), options.input),
    start: (args) => spawn(process.execPath, [cli, ...args], { env: env() }),
    containers: (at = root) => (existsSync(join(at, 'containers')) ? readdirSync(join(at, 'containers')).sort() : []),
  };
}

/** The busybox image's layer under a new config. */
async function addVariant(root: string, name: string, config: ContainerConfig): Promise<void> {
  const images = await LocalImages.open(root);
  const base = await images.resolve(IMAGES.busybox);
  const descriptor = await writeImage(images.store, { config: { ...base.config, config }, layers: base.manifest.layers });
  await images.names.set(name, descriptor);
}

export function collect(child: ChildProcess, input?: string): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin?.end(input ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Polls `probe` every 100 ms until it gives a value (120 s at most, naming `what`). */
export async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
