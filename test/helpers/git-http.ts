// A git repository served over plain ("dumb") HTTP on loopback, for ADD <git URL> tests.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface ServedRepository {
  server: Server;
  /** `http://127.0.0.1:<port>/repo.git` */
  url: string;
  /** The bare clone being served (under `<work>/served/repo.git`). */
  bareRepo: string;
}

/** Bare-clones `repo` into `<work>/served/repo.git` and serves `<work>/served` on 127.0.0.1. */
export async function serveGitRepository(repo: string, work: string): Promise<ServedRepository> {
  const bareRepo = join(work, 'served', 'repo.git');
  execFileSync('git', ['clone', '-q', '--bare', repo, bareRepo]);
  execFileSync('git', ['-C', bareRepo, 'update-server-info']);
  const server = createServer((req, res) => {
    const file = join(work, 'served', decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/'));
    if (!existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo.git`, bareRepo };
}
