// Shared setup of the rootless tests: the busybox base saved by root as an OCI archive the
// unprivileged user can load, and a context dir the user owns.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../helpers/busybox.js';
import { cliPath, giveToUser, type UnprivilegedUser, type UserSession } from '../helpers/unprivileged-user.js';

/** An OCI archive of `base:1` (busybox, owned by root), readable by everybody. */
export async function saveBusyboxBase(options: { extra?: (rootfs: string) => void } = {}): Promise<string> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first`);
  const work = mkdtempSync(join(tmpdir(), 'tsbuild-rootless-base-'));
  chmodSync(work, 0o755);
  const rootfs = join(work, 'rootfs');
  await makeBusyboxRootfs(rootfs);
  options.extra?.(rootfs);
  const env = { ...process.env, TSBUILD_ROOT: join(work, 'store'), TMPDIR: work };
  execFileSync(process.execPath, [cliPath, 'import', rootfs, 'base:1'], { env, stdio: 'ignore' });
  const archive = join(work, 'base.tar');
  execFileSync(process.execPath, [cliPath, 'save', 'base:1', '-o', archive], { env, stdio: 'ignore' });
  chmodSync(archive, 0o644);
  return archive;
}

/** A build context owned by the user, under its HOME, holding `files`. */
export function userContext(session: UserSession, name: string, files: Record<string, string>): string {
  const context = join(session.home, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(context, path, '..'), { recursive: true });
    writeFileSync(join(context, path), content);
  }
  giveToUser(session.user, context);
  return context;
}

export function describeResult(result: { status: number | null; stdout: string; stderr: string }): string {
  return `status ${String(result.status)}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

export type { UnprivilegedUser };
