// Builds a minimal busybox root filesystem from Debian's busybox-static package: /bin/busybox,
// one symlink per applet, /etc/passwd and /etc/group. Shared by every area's tests.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false',
  '',
].join('\n');
const GROUP = ['root:x:0:', 'daemon:x:1:', 'nogroup:x:65534:', ''].join('\n');

/**
 * Fills `dir` (created if needed) with a busybox rootfs. `amd64` uses the host's /bin/busybox
 * (package busybox-static); `arm64` fetches busybox-static:arm64 with `apt-get download`
 * (adding the arm64 dpkg architecture if needed) and caches it under the temp dir.
 */
export async function makeBusyboxRootfs(dir: string, arch: 'amd64' | 'arm64' = 'amd64'): Promise<void> {
  const binary = arch === 'amd64' ? hostBusybox() : arm64Busybox();
  for (const sub of ['bin', 'etc', 'root', 'tmp', 'home', 'var', 'dev', 'proc', 'sys', 'usr/bin']) {
    mkdirSync(join(dir, sub), { recursive: true });
  }
  chmodSync(join(dir, 'tmp'), 0o1777);
  chmodSync(join(dir, 'root'), 0o700);
  copyFileSync(binary, join(dir, 'bin', 'busybox'));
  chmodSync(join(dir, 'bin', 'busybox'), 0o755);
  for (const applet of appletNames()) {
    if (applet === 'busybox') continue;
    const link = join(dir, 'bin', applet);
    if (!existsSync(link)) symlinkSync('busybox', link);
  }
  writeFileSync(join(dir, 'etc', 'passwd'), PASSWD);
  writeFileSync(join(dir, 'etc', 'group'), GROUP);
}

function hostBusybox(): string {
  const path = '/bin/busybox';
  if (!existsSync(path)) throw new Error('busybox-static is not installed: /bin/busybox is missing (apt-get install busybox-static)');
  return path;
}

/** Applets of the host busybox (the arm64 build of the same Debian version has the same list). */
function appletNames(): string[] {
  return execFileSync(hostBusybox(), ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

function arm64Busybox(): string {
  const cache = join(tmpdir(), 'tsbuild-test-busybox-arm64');
  const extracted = join(cache, 'root', 'bin', 'busybox');
  if (existsSync(extracted)) return extracted;
  mkdirSync(cache, { recursive: true });
  let deb = findDeb(cache);
  if (!deb) {
    const foreign = execFileSync('dpkg', ['--print-foreign-architectures'], { encoding: 'utf8' });
    if (!foreign.split('\n').includes('arm64')) {
      execFileSync('dpkg', ['--add-architecture', 'arm64']);
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    }
    execFileSync('apt-get', ['download', '-qq', 'busybox-static:arm64'], { cwd: cache, stdio: 'ignore' });
    deb = findDeb(cache);
    if (!deb) throw new Error('apt-get download busybox-static:arm64 produced no .deb');
  }
  execFileSync('dpkg-deb', ['-x', join(cache, deb), join(cache, 'root')]);
  return extracted;
}

function findDeb(dir: string): string | undefined {
  return readdirSync(dir).find((name) => name.startsWith('busybox-static') && name.endsWith('.deb'));
}
