// A STAND-IN for the GitHub Actions cache service (v2), written for the tests: the twirp JSON
// calls of ACTIONS_RESULTS_URL (CreateCacheEntry, FinalizeCacheEntryUpload,
// GetCacheEntryDownloadURL) with bearer-token checks, and signed blob URLs that take Azure block
// blob uploads (Put Block, Put Block List) and downloads. It follows the protocol as BuildKit's
// go-actions-cache and @actions/cache speak it; it is not GitHub's service, and tsbuild's gha
// backend is untested against GitHub itself.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Entry {
  key: string;
  version: string;
  id: string;
  signature: string;
  blocks: Map<string, Buffer>;
  content?: Buffer;
  finalized: boolean;
  order: number;
}

export interface GhaCacheStandIn {
  /** ACTIONS_RESULTS_URL */
  url: string;
  /** ACTIONS_RUNTIME_TOKEN: a JWT-shaped token whose `ac` claim grants `scopes`. */
  token: string;
  /** Finalized entry keys, oldest first. */
  keys(): string[];
  /** Signed blob URLs point at `url` from now on (a fault proxy in front of the stand-in). */
  advertise(url: string): void;
  /** Replaces a finalized entry's bytes (the attack tests' lying service). */
  tamper(key: string, content: Buffer): void;
  stop(): Promise<void>;
}

const SERVICE = '/twirp/github.actions.results.api.v1.CacheService/';

export async function startGhaCacheStandIn(scopes = [{ Scope: 'refs/heads/main', Permission: 3 }]): Promise<GhaCacheStandIn> {
  const entries = new Map<string, Entry>();
  let order = 0;
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ac: JSON.stringify(scopes) })}.stand-in`;
  let base = '';
  let advertised = '';

  const json = (res: ServerResponse, status: number, value: object) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  const twirpError = (res: ServerResponse, status: number, code: string, msg: string) => json(res, status, { code, msg });

  async function twirp(method: string, body: Record<string, unknown>, res: ServerResponse) {
    const key = String(body.key ?? '');
    const version = String(body.version ?? '');
    switch (method) {
      case 'CreateCacheEntry': {
        if (entries.has(key)) return twirpError(res, 409, 'already_exists', `cache entry ${key} exists`);
        const entry: Entry = { key, version, id: randomBytes(8).toString('hex'), signature: randomBytes(8).toString('hex'), blocks: new Map(), finalized: false, order: 0 };
        entries.set(key, entry);
        return json(res, 200, { ok: true, signed_upload_url: `${advertised || base}/blobs/${entry.id}?sv=2020-10-02&sig=${entry.signature}` });
      }
      case 'FinalizeCacheEntryUpload': {
        const entry = entries.get(key);
        if (!entry || entry.version !== version || !entry.content || entry.content.length !== Number(body.size_bytes)) {
          return json(res, 200, { ok: false });
        }
        entry.finalized = true;
        entry.order = ++order;
        return json(res, 200, { ok: true, entry_id: entry.id });
      }
      case 'GetCacheEntryDownloadURL': {
        const finalized = [...entries.values()].filter((e) => e.finalized && e.version === version);
        const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : [];
        const match = finalized.find((e) => e.key === key)
          ?? restoreKeys.map((prefix) => finalized.filter((e) => e.key.startsWith(prefix)).sort((a, b) => b.order - a.order)[0]).find(Boolean);
        if (!match) return json(res, 200, { ok: false });
        return json(res, 200, { ok: true, matched_key: match.key, signed_download_url: `${advertised || base}/blobs/${match.id}?sv=2020-10-02&sig=${match.signature}` });
      }
      default:
        return twirpError(res, 404, 'bad_route', `no method ${method}`);
    }
  }

  function blob(req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse) {
    const entry = [...entries.values()].find((e) => `/blobs/${e.id}` === url.pathname);
    if (!entry || url.searchParams.get('sig') !== entry.signature) return res.writeHead(403).end('AuthenticationFailed');
    if (req.method === 'GET') {
      if (!entry.finalized || !entry.content) return res.writeHead(404).end('BlobNotFound');
      return res.writeHead(200, { 'content-length': entry.content.length }).end(entry.content);
    }
    if (req.method !== 'PUT' || entry.finalized) return res.writeHead(409).end();
    const comp = url.searchParams.get('comp');
    if (comp === 'block') {
      entry.blocks.set(url.searchParams.get('blockid') ?? '', body);
      return res.writeHead(201).end();
    }
    if (comp === 'blocklist') {
      const ids = [...body.toString('utf8').matchAll(/<Latest>([^<]*)<\/Latest>/g)].map((m) => m[1]!);
      if (ids.some((id) => !entry.blocks.has(id))) return res.writeHead(400).end('InvalidBlockList');
      entry.content = Buffer.concat(ids.map((id) => entry.blocks.get(id)!));
      return res.writeHead(201).end();
    }
    if (req.headers['x-ms-blob-type'] === 'BlockBlob') {
      entry.content = body;
      return res.writeHead(201).end();
    }
    return res.writeHead(400).end('InvalidQueryParameterValue');
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      const body = Buffer.concat(chunks);
      if (url.pathname.startsWith(SERVICE)) {
        if (req.headers.authorization !== `Bearer ${token}`) return twirpError(res, 401, 'unauthenticated', 'bad token');
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        } catch {
          return twirpError(res, 400, 'malformed', 'not JSON');
        }
        void twirp(url.pathname.slice(SERVICE.length), parsed, res);
        return;
      }
      blob(req, url, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    token,
    advertise: (url) => {
      advertised = url.replace(/\/$/, '');
    },
    keys: () => [...entries.values()].filter((e) => e.finalized).sort((a, b) => a.order - b.order).map((e) => e.key),
    tamper(key, content) {
      const entry = entries.get(key);
      if (!entry?.finalized) throw new Error(`no finalized entry ${key}`);
      entry.content = content;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
