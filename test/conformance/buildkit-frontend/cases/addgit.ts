// Ported from moby/buildkit frontend/dockerfile/dockerfile_addgit_test.go: ADD of a git repository
// served over dumb HTTP (a work tree after `git update-server-info`, at `/.git`). The server's port
// and the commits are build args instead of being templated into the Dockerfile. The Go test's
// `apk add git` + `git status -s` (a clean kept checkout) needs the internet; `.git/HEAD` stands in.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';
import { tempDir } from '../../../build/helpers.js';
import type { FrontendCase, Prepared } from '../case.js';

const source = 'dockerfile_addgit_test.go';

/** A repository with one commit (and tag) per `tags`, served statically; build args PORT and V<n> = commit of tag n. */
async function servedRepository(tags: string[], objectFormat?: 'sha256'): Promise<Prepared> {
  const dir = tempDir('tsbuild-bkfe-git-');
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=test', '-c', 'user.name=test', ...args], { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q', ...(objectFormat ? [`--object-format=${objectFormat}`] : []));
  const commits: Record<string, string> = {};
  tags.forEach((tag, i) => {
    execFileSync('sh', ['-c', `echo foo of ${tag} >foo`], { cwd: dir });
    git('add', 'foo');
    git('commit', '-q', '-m', tag);
    git('tag', tag);
    commits[`V${i + 1}`] = git('rev-parse', tag);
  });
  git('update-server-info');
  const server = createServer((request, response) => {
    const file = join(dir, normalize(decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/')));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) return void response.writeHead(404).end();
    response.writeHead(200).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { options: { buildArgs: { PORT: String(port), ...commits } }, dispose: () => new Promise((resolve) => server.close(() => resolve())) };
}

const REPO = 'ARG PORT\nARG REPO="http://127.0.0.1:${PORT}/.git"';

function addGitVariants(name: string, objectFormat?: 'sha256'): FrontendCase[] {
  const variant = (suffix: string, spec: Omit<FrontendCase, 'name' | 'source'>): FrontendCase => ({
    name: `${name}/${suffix}`, source, prepare: () => servedRepository(['v0.0.1', 'v0.0.2', 'v0.0.3'], objectFormat), ...spec,
  });
  return [
    variant('basic', {
      dockerfile: [
        'FROM alpine', REPO, 'ARG V2',
        'ADD ${REPO}#v0.0.1 /x',
        'RUN cd /x && [ "$(cat foo)" = "foo of v0.0.1" ]',
        'ARG TAG="v0.0.2"',
        'ADD --keep-git-dir=true --chown=4242:8484 --checksum=${V2} ${REPO}#${TAG} /buildkit-chowned',
        'USER 4242',
        'RUN cd /buildkit-chowned && [ "$(cat foo)" = "foo of v0.0.2" ] && [ "$(stat -c %u foo)" = "4242" ] && [ "$(stat -c %g foo)" = "8484" ] && [ -f .git/HEAD ]',
        '',
      ].join('\n'),
    }),
    variant('checksum-without-git-dir', {
      dockerfile: [
        'FROM alpine', REPO, 'ARG V3', 'ARG TAG="v0.0.3"',
        'ADD --checksum=${V3} ${REPO}#${TAG} /nogitdir',
        'RUN [ -f /nogitdir/foo ]',
        'RUN [ "$(cat /nogitdir/foo)" = "foo of v0.0.3" ]',
        'RUN [ ! -d /nogitdir/.git ]',
        '',
      ].join('\n'),
    }),
    variant('commit-as-ref', {
      dockerfile: [
        'FROM alpine', REPO, 'ARG V3', 'ARG COMMIT="${V3}"',
        'ADD --keep-git-dir=true --checksum=${V3} ${REPO}#${COMMIT} /commitdir',
        'RUN [ -f /commitdir/foo ]',
        'RUN [ "$(cat /commitdir/foo)" = "foo of v0.0.3" ]',
        'RUN [ -d /commitdir/.git ]',
        '',
      ].join('\n'),
    }),
    variant('checksum-mismatch', {
      dockerfile: ['FROM alpine', REPO, 'ARG V2', 'ARG TAG="v0.0.3"', 'ADD --checksum=${V2} ${REPO}#${TAG} /faildir', ''].join('\n'),
      error: ['expected checksum to match'],
    }),
    variant('checksum-garbage', {
      dockerfile: ['FROM alpine', REPO, 'ARG TAG="v0.0.3"', 'ADD --checksum=foobar ${REPO}#${TAG} /faildir', ''].join('\n'),
      error: ['invalid checksum', 'expected hex commit hash'],
    }),
  ];
}

export const addGitCases: FrontendCase[] = [
  ...addGitVariants('testAddGitSHA1'),
  ...addGitVariants('testAddGitSHA256', 'sha256'),
  {
    // --checksum does not change the cache key: the second build reuses the first one's RUN.
    name: 'testAddGitChecksumCache',
    source,
    prepare: () => servedRepository(['v0.0.1', 'v0.0.2']),
    // `ARG V2` in both: the checksum's build arg is in scope of the RUN of each (its key names it).
    dockerfile: ['FROM alpine AS src', REPO, 'ARG V2', 'ADD --keep-git-dir ${REPO}#v0.0.2 /repo', 'RUN head -c 16 /dev/urandom | base64 > /repo/unique.txt', 'FROM scratch', 'COPY --from=src /repo/unique.txt /', ''].join('\n'),
    then: [{
      dockerfile: ['FROM alpine AS src', REPO, 'ARG V2', 'ADD --keep-git-dir --checksum=${V2} ${REPO}#v0.0.2 /repo', 'RUN head -c 16 /dev/urandom | base64 > /repo/unique.txt', 'FROM scratch', 'COPY --from=src /repo/unique.txt /', ''].join('\n'),
    }],
    verify(first, [second]) {
      assert.ok(second && !second.error, `second build failed: ${second?.error?.message}`);
      const read = (dest: string) => readFileSync(join(dest, 'unique.txt'), 'utf8');
      assert.equal(read(second.dest), read(first.dest), 'cache should be matched and unique file content should be the same');
    },
  },
];
