// Ported from moby/buildkit frontend/dockerfile/dockerfile_git_http_test.go: a git repository
// (served over dumb HTTP) or an HTTP URL (a tarball, or a Dockerfile) as the build context,
// given as the CLI's context argument; BuildKit's `filename` attribute is `-f`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../build/helpers.js';
import type { FrontendCase, Prepared } from '../case.js';
import { httpFiles, runShell, staticDirectory } from '../session.js';
import { tarOf } from './tar.js';

const source = 'dockerfile_git_http_test.go';

const gitDockerfile = 'FROM busybox AS build\nRUN echo -n fromgit > foo\nFROM scratch\nCOPY --from=build foo bar\n';

/** Two commits: branch `first` has the Dockerfile copying `bar`, the default branch also `bar2`. */
async function twoCommitRepository(format: 'sha1' | 'sha256'): Promise<Prepared> {
  const dir = tempDir('tsbuild-bkfe-gitctx-');
  writeFileSync(join(dir, 'Dockerfile'), gitDockerfile);
  await runShell(dir, `git init -q${format === 'sha256' ? ' --object-format=sha256' : ''}`, 'git add Dockerfile', 'git commit -q -m initial', 'git branch first');
  writeFileSync(join(dir, 'Dockerfile'), `${gitDockerfile}COPY --from=build foo bar2\n`);
  await runShell(dir, 'git add Dockerfile', 'git commit -q -m second', 'git update-server-info');
  return staticDirectory(dir);
}

function fromGit(name: string, format: 'sha1' | 'sha256'): FrontendCase[] {
  return [
    {
      name: `${name}/branch`,
      source,
      prepare: () => twoCommitRepository(format),
      input: (vars) => ({ context: `${vars.URL}/.git#first` }),
      exported: { bar: 'fromgit', bar2: null },
    },
    {
      name: `${name}/default-branch`,
      source,
      prepare: () => twoCommitRepository(format),
      input: (vars) => ({ context: `${vars.URL}/.git` }),
      exported: { bar: 'fromgit', bar2: 'fromgit' },
    },
  ];
}

/** `files` served at `/path`; var URL is the server's address. */
async function served(files: Record<string, string | Buffer>): Promise<Prepared> {
  const prepared = await httpFiles(files);
  return { ...prepared, options: {}, vars: { URL: `http://127.0.0.1:${prepared.options.buildArgs!.PORT}` } };
}

const httpDockerfile = 'FROM busybox\nRUN echo -n "foo-contents" > /foo\nFROM scratch\nCOPY --from=0 /foo /foo\n';

export const gitHttpCases: FrontendCase[] = [
  ...fromGit('testDockerfileFromGitSHA1', 'sha1'),
  ...fromGit('testDockerfileFromGitSHA256', 'sha256'),
  {
    name: 'testDockerfileFromHTTP',
    source,
    prepare: () => served({
      '/myurl': tarOf([
        { name: 'mydockerfile', type: 'file', content: 'FROM scratch\nCOPY foo bar\n', mode: 0o600 },
        { name: 'foo', type: 'file', content: 'foo-contents', mode: 0o600 },
      ]),
    }),
    input: (vars) => ({ context: `${vars.URL}/myurl`, file: 'mydockerfile' }),
    exported: { bar: 'foo-contents' },
  },
  {
    name: 'testHTTPDockerfile',
    source,
    prepare: () => served({ '/df': httpDockerfile }),
    // The file name is bogus: a URL that is not an archive is the Dockerfile whatever -f names.
    input: (vars) => ({ context: `${vars.URL}/df`, file: 'mydockerfile' }),
    exported: { foo: 'foo-contents' },
  },
];
