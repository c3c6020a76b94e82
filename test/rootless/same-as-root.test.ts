// The same Dockerfile built by root and by an ordinary user (rootless, subordinate ids) gives the
// same image, byte for byte, with SOURCE_DATE_EPOCH: RUN, COPY --chown, setuid files, whiteouts
// from `rm` in a later layer, a cache mount, a secret mount, a non-root USER and multi-stage.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliPath, ensureUnprivilegedUser, userSession, type UnprivilegedUser, type UserSession } from '../helpers/unprivileged-user.js';
import { describeResult, saveBusyboxBase, userContext } from './fixture.js';

const DOCKERFILE = `FROM base:1 AS builder
RUN mkdir -p /out && echo built > /out/artifact && chown 1:1 /out/artifact && chmod 0640 /out/artifact
FROM base:1
COPY --chown=1234:5678 data.txt /data.txt
COPY --from=builder /out/artifact /artifact
RUN cp /bin/busybox /suid && chmod 4755 /suid && mkdir -m 2775 /sgid-dir && chown 2:3 /sgid-dir
RUN mkdir -p /gone/deep && echo a > /gone/deep/f && echo b > /keep && mkdir /opaque && echo c > /opaque/old
RUN rm -rf /gone /etc/group /opaque && mkdir /opaque && echo d > /opaque/new
RUN --mount=type=cache,target=/cache echo cached > /cache/x && cp /cache/x /from-cache
RUN --mount=type=secret,id=tok wc -c < /run/secrets/tok > /secret-length
USER 1:1
RUN id -u > /tmp/uid-as-user && ls -ln /data.txt > /tmp/data-owner
`;

let user: UnprivilegedUser;
let session: UserSession;
let context: string;
let secret: string;

beforeAll(async () => {
  user = ensureUnprivilegedUser('tsbuild-rootless', { subordinateIds: true });
  const base = await saveBusyboxBase();
  session = userSession(user, 'same');
  expect(session.tsbuild(['load', '-i', base]).status).toBe(0);
  context = userContext(session, 'ctx', { Dockerfile: DOCKERFILE, 'data.txt': 'data\n' });
  secret = join(context, 'token');
  writeFileSync(secret, 's3cret');
  execFileSync('chown', [`${user.uid}:${user.gid}`, secret]);
  // Root gets the same base in a store of its own.
  rootStore = mkdtempSync(join(tmpdir(), 'tsbuild-rootless-rootstore-'));
  execFileSync(process.execPath, [cliPath, 'load', '-i', base], { env: rootEnv(), stdio: 'ignore' });
});

let rootStore: string;
function rootEnv(): NodeJS.ProcessEnv {
  return { ...process.env, TSBUILD_ROOT: rootStore, SOURCE_DATE_EPOCH: '1700000000', CI: '' };
}

const buildArgs = (): string[] => ['build', '-q', '--progress', 'plain', '--secret', `id=tok,src=${secret}`, '-t', 'demo/same', context];

describe('rootless output equals root output', () => {
  it('builds the same image digest as root', () => {
    const rootless = session.tsbuild(buildArgs(), { env: { SOURCE_DATE_EPOCH: '1700000000' } });
    expect(rootless.status, describeResult(rootless)).toBe(0);
    const asRoot = spawnSync(process.execPath, [cliPath, ...buildArgs()], { encoding: 'utf8', env: rootEnv() });
    expect(asRoot.status, describeResult(asRoot)).toBe(0);
    const digest = /sha256:[0-9a-f]{64}/;
    expect(rootless.stdout).toMatch(digest);
    if (rootless.stdout.trim() !== asRoot.stdout.trim()) {
      // Say what differs: the file listings of both images.
      const listRootless = listing(session.tsbuild(['save', 'demo/same', '-o', join(session.tmp, 'rootless.tar')]), join(session.tmp, 'rootless.tar'));
      execFileSync(process.execPath, [cliPath, 'save', 'demo/same', '-o', join(rootStore, 'root.tar')], { env: rootEnv() });
      const listRoot = listing(undefined, join(rootStore, 'root.tar'));
      expect(listRootless).toEqual(listRoot);
    }
    expect(rootless.stdout.trim()).toBe(asRoot.stdout.trim());
  });

  it('ran the steps with the owners the Dockerfile says (files inside show as in the image)', () => {
    const shown = session.tsbuild(['run', '--rm', '--network', 'none', 'demo/same', 'sh', '-c',
      'cat /tmp/uid-as-user; stat -c "%u:%g %a %n" /data.txt /artifact /suid /sgid-dir; cat /secret-length /from-cache; ls /gone /etc/group 2>&1; ls /opaque']);
    expect(shown.status, describeResult(shown)).toBe(0);
    expect(shown.stdout.split('\n')).toEqual([
      '1',
      '1234:5678 644 /data.txt',
      '1:1 640 /artifact',
      '0:0 4755 /suid',
      '2:3 2775 /sgid-dir',
      '6',
      'cached',
      expect.stringMatching(/\/gone: No such file or directory/),
      expect.stringMatching(/\/etc\/group: No such file or directory/),
      'new',
      '',
    ]);
  });
});

/** `tar -tv` of every layer of an OCI archive, for a readable difference. */
function listing(saved: { status: number | null } | undefined, archive: string): string[] {
  if (saved) expect(saved.status).toBe(0);
  const dir = mkdtempSync(join(tmpdir(), 'tsbuild-rootless-list-'));
  execFileSync('tar', ['-xf', archive, '-C', dir]);
  const blobs = execFileSync('sh', ['-c', `for b in ${dir}/blobs/sha256/*; do tar -tvzf "$b" 2>/dev/null; done`], { encoding: 'utf8' });
  return blobs.split('\n').sort();
}
