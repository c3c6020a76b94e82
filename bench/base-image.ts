// The offline base image every scenario starts FROM: a busybox rootfs (Debian's busybox-static)
// packed with umoci and pushed by skopeo to a throwaway docker-registry on 127.0.0.1, so all
// three builders pull the same image over plain HTTP with the same FROM line.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { makeBusyboxRootfs } from '../test/helpers/busybox.js';
import { runChecked } from './command.js';

export const BASE_REPOSITORY = 'bench/busybox';

export interface LocalRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  /** The FROM reference of the busybox image in this registry. */
  baseImage: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForRegistry(host: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://${host}/v2/`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not answer on ${host}`);
}

/** Starts docker-registry on a free loopback port with its storage under `workDir`. */
export async function startRegistry(workDir: string): Promise<Omit<LocalRegistry, 'baseImage'>> {
  const host = `127.0.0.1:${await freePort()}`;
  const config = path.join(workDir, 'registry.yml');
  mkdirSync(path.join(workDir, 'registry'), { recursive: true });
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(workDir, 'registry')}\nhttp:\n  addr: ${host}\n`,
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  await waitForRegistry(host, child);
  return {
    host,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('close', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Packs a busybox rootfs as an OCI image (umoci) and pushes it to `host` (skopeo). */
export async function publishBusybox(workDir: string, host: string): Promise<string> {
  const layout = path.join(workDir, 'busybox-layout');
  const bundle = path.join(workDir, 'busybox-bundle');
  await runChecked('umoci', ['init', '--layout', layout]);
  await runChecked('umoci', ['new', '--image', `${layout}:latest`]);
  await runChecked('umoci', ['unpack', '--image', `${layout}:latest`, bundle]);
  await makeBusyboxRootfs(path.join(bundle, 'rootfs'));
  await runChecked('umoci', ['repack', '--image', `${layout}:latest`, bundle]);
  await runChecked('umoci', ['config', '--image', `${layout}:latest`, '--config.cmd', '/bin/sh']);
  const reference = `${host}/${BASE_REPOSITORY}:latest`;
  await runChecked('skopeo', [
    'copy',
    '--quiet',
    '--format',
    'v2s2',
    '--dest-tls-verify=false',
    `oci:${layout}:latest`,
    `docker://${reference}`,
  ]);
  return reference;
}

export async function startRegistryWithBase(workDir: string): Promise<LocalRegistry> {
  const registry = await startRegistry(workDir);
  try {
    return { ...registry, baseImage: await publishBusybox(workDir, registry.host) };
  } catch (err) {
    await registry.stop();
    throw err;
  }
}
