// Ported from testGitQueryString (moby/buildkit frontend/dockerfile/dockerfile_addgit_test.go):
// git URLs with a query string (`?ref=`, `?tag=`, `?branch=`, `?commit=`, `?subdir=`,
// `?keep-git-dir=`, `?submodules=`) as the build context (`context_*`) and as an ADD source
// (`add_*`). The repositories are made once and served over dumb HTTP for every case.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../build/helpers.js';
import type { FrontendCase, Prepared } from '../case.js';
import { runShell, staticDirectory } from '../session.js';

const source = 'dockerfile_addgit_test.go';

interface Served {
  url: string;
  commitV2: string;
  commitLatest: string;
}

let served: Promise<Served> | undefined;

/** The Go test's two repositories, served as long as the run lasts (the servers do not keep it alive). */
function repositories(): Promise<Served> {
  return (served ??= (async () => {
    const subDir = tempDir('tsbuild-bkfe-gitsub-');
    await runShell(subDir, 'git init -q', 'echo 123 >file', 'git add file', 'git commit -q -m initial', 'git update-server-info');
    const sub = await staticDirectory(subDir);
    const dir = tempDir('tsbuild-bkfe-gitq-');
    await runShell(dir, 'git init -q', 'echo base >foo');
    writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
    await runShell(dir,
      `git -c protocol.allow=always submodule add -q ${sub.vars!.URL}/.git submod`,
      'git add Dockerfile foo submod', 'git commit -q -m initial', 'git tag v0.0.1', 'git branch base',
      'echo feature >foo', 'mkdir sub', 'echo subfeature >sub/foo', 'cp Dockerfile sub/', 'git add foo sub', 'git commit -q -m feature', 'git branch feature',
      'git checkout -q -B master base', 'echo v0.0.2 >foo', 'git add foo', 'git commit -q -m v0.0.2', 'git tag v0.0.2',
      'echo latest >foo', 'git add foo', 'git commit -q -m latest', 'git tag latest', 'git update-server-info');
    const main = await staticDirectory(dir);
    return { url: main.vars!.URL!, commitV2: await runShell(dir, 'git rev-parse v0.0.2'), commitLatest: await runShell(dir, 'git rev-parse latest') };
  })());
}

const DOCKERFILE = 'FROM scratch AS withgit\nCOPY .git/HEAD out\n\nFROM scratch as withsubmod\nCOPY submod/file out\n\nFROM scratch\nCOPY foo out\n';

interface QueryCase {
  name: string;
  url: (s: Served) => string;
  target?: string;
  expectOut?: (s: Served) => string;
  expectErr?: string;
}

const out = (text: string) => () => text;

const queryCases: QueryCase[] = [
  { name: 'tag with invalid commit', url: (s) => `${s.url}/.git?tag=v0.0.2&commit=${s.commitLatest}`, expectErr: 'expected checksum to match' },
  { name: 'old style ref', url: (s) => `${s.url}/.git#v0.0.2`, expectOut: out('v0.0.2\n') },
  { name: 'querystring ref', url: (s) => `${s.url}/.git?ref=base`, expectOut: out('base\n') },
  { name: 'querystring branch', url: (s) => `${s.url}/.git?branch=base`, expectOut: out('base\n') },
  { name: 'querystring invalid branch', url: (s) => `${s.url}/.git?branch=invalid`, expectErr: 'repository does not contain ref' },
  { name: 'tag as branch', url: (s) => `${s.url}/.git?branch=v0.0.2`, expectErr: 'repository does not contain ref' },
  { name: 'allowed mixed refs', url: (s) => `${s.url}/.git?tag=v0.0.2#refs/tags/v0.0.2`, expectOut: out('v0.0.2\n') },
  { name: 'v2 by commit', url: (s) => `${s.url}/.git?commit=${s.commitLatest}`, expectOut: out('latest\n') },
  { name: 'v2 by commit (wrong short)', url: (s) => `${s.url}/.git?commit=${s.commitV2.slice(0, 8)}`, expectErr: 'expected checksum to match' },
  { name: 'v2 by commit (short)', url: (s) => `${s.url}/.git?commit=${s.commitLatest.slice(0, 8)}`, expectOut: out('latest\n') },
  { name: 'v2 ref by commit', url: (s) => `${s.url}/.git?ref=${s.commitV2}`, expectOut: out('v0.0.2\n') },
  { name: 'v2 ref by commit (short)', url: (s) => `${s.url}/.git?ref=${s.commitV2.slice(0, 8)}`, expectErr: 'repository does not contain ref' },
  { name: 'tag with commit', url: (s) => `${s.url}/.git?tag=v0.0.2&commit=${s.commitV2}`, expectOut: out('v0.0.2\n') },
  { name: 'commit with commit', url: (s) => `${s.url}/.git?ref=${s.commitV2}&commit=${s.commitV2}`, expectOut: out('v0.0.2\n') },
  { name: 'latest with commit', url: (s) => `${s.url}/.git?commit=${s.commitLatest}`, expectOut: out('latest\n') },
  { name: 'mismatch refs', url: (s) => `${s.url}/.git?tag=v0.0.2#refs/heads/master`, expectErr: 'ref conflicts' },
  { name: 'sub old-style', url: (s) => `${s.url}/.git#feature:sub`, expectOut: out('subfeature\n') },
  { name: 'sub query', url: (s) => `${s.url}/.git?subdir=sub&ref=feature`, expectOut: out('subfeature\n') },
  { name: 'withgit', url: (s) => `${s.url}/.git?keep-git-dir=true`, expectOut: (s) => `${s.commitLatest}\n`, target: 'withgit' },
  { name: 'withgitandtag', url: (s) => `${s.url}/.git?tag=v0.0.2&keep-git-dir=true`, expectOut: (s) => `${s.commitV2}\n`, target: 'withgit' },
  { name: 'withgit-default', url: (s) => `${s.url}/.git`, expectErr: '.git/HEAD": not found', target: 'withgit' },
  { name: 'withgit-valueless', url: (s) => `${s.url}/.git?keep-git-dir&submodules`, expectOut: (s) => `${s.commitLatest}\n`, target: 'withgit' },
  { name: 'withgit-forbidden', url: (s) => `${s.url}/.git?keep-git-dir=false`, expectErr: '.git/HEAD": not found', target: 'withgit' },
  { name: 'withsubmod', url: (s) => `${s.url}/.git`, expectOut: out('123\n'), target: 'withsubmod' },
  { name: 'withsubmodset', url: (s) => `${s.url}/.git?submodules=true`, expectOut: out('123\n'), target: 'withsubmod' },
  { name: 'withsubmodempty', url: (s) => `${s.url}/.git?submodules`, expectOut: out('123\n'), target: 'withsubmod' },
  { name: 'withoutsubmod', url: (s) => `${s.url}/.git?submodules=false`, expectErr: 'submod/file": not found', target: 'withsubmod' },
];

/** The repositories' URL and commits as vars (nothing to dispose: the servers are shared). */
async function prepare(): Promise<Prepared> {
  const s = await repositories();
  return { options: {}, vars: { URL: s.url, V2: s.commitV2, LATEST: s.commitLatest }, dispose: () => Promise.resolve() };
}

const servedOf = (vars: Record<string, string>): Served => ({ url: vars.URL!, commitV2: vars.V2!, commitLatest: vars.LATEST! });

function addDockerfile(url: string): string {
  return `FROM scratch AS main\nADD ${url} /repo/\n\nFROM scratch as withsubmod\nCOPY --from=main /repo/submod/file /repo/foo\n\nFROM scratch AS withgit\nCOPY --from=main /repo/.git/HEAD /repo/foo\n\nFROM main\n`;
}

function casesOf(tc: QueryCase): FrontendCase[] {
  const target = tc.target ? { target: tc.target } : {};
  const expect = (file: string): Pick<FrontendCase, 'error' | 'verify'> => (tc.expectErr
    ? { error: [tc.expectErr] }
    : {
      verify(outcome, _later, vars) {
        assert.equal(readFileSync(join(outcome.dest, file), 'utf8'), tc.expectOut!(servedOf(vars)));
      },
    });
  return [
    { name: `testGitQueryString/context_${tc.name}`, source, prepare, input: (vars) => ({ context: tc.url(servedOf(vars)) }), options: target, ...expect('out') },
    {
      name: `testGitQueryString/add_${tc.name}`, source, prepare,
      // The ADD's URL is only known once the repositories are served: the Dockerfile comes from stdin.
      input: (vars) => ({ context: '.', file: '-', stdin: addDockerfile(tc.url(servedOf(vars))) }),
      options: target,
      ...expect('repo/foo'),
    },
  ];
}

export const gitQueryCases: FrontendCase[] = queryCases.flatMap(casesOf);
