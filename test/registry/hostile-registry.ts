// A tiny registry that answers with whatever a test scripts: crafted manifests, endless or
// trickling bodies. It logs every request (method, path, headers) and counts the body bytes it
// managed to send, so a test can assert what the client asked for and how much it read.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface HostileRegistry {
  /** `127.0.0.1:<port>`, usable as a registry name (loopback = plain http). */
  host: string;
  log: { method: string; path: string; headers: IncomingMessage['headers'] }[];
  /** Body bytes written to sockets that were accepted by the kernel, per path. */
  sent: Map<string, number>;
  /** Adds a route for an exact path (query excluded); the first match wins. */
  route(method: string, path: string | RegExp, handler: Route): void;
  stop(): Promise<void>;
}

export async function startHostileRegistry(bindAddress = '127.0.0.1'): Promise<HostileRegistry> {
  const routes: { method: string; path: string | RegExp; handler: Route }[] = [];
  const log: HostileRegistry['log'] = [];
  const sent = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    log.push({ method: req.method ?? '', path, headers: req.headers });
    const write = res.write.bind(res) as (chunk: Buffer | string, cb?: () => void) => boolean;
    res.write = ((chunk: Buffer | string, ...rest: unknown[]) => {
      sent.set(path, (sent.get(path) ?? 0) + Buffer.byteLength(chunk));
      return write(chunk, rest.find((r) => typeof r === 'function') as (() => void) | undefined);
    }) as typeof res.write;
    const match = routes.find((r) => (r.method === req.method || (r.method === 'GET' && req.method === 'HEAD'))
      && (typeof r.path === 'string' ? r.path === path : r.path.test(path)));
    if (match) return match.handler(req, res);
    if (path === '/v2/' || path === '/v2') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'NOT_FOUND', message: path }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, bindAddress, resolve));
  const { port } = server.address() as { port: number };
  return {
    host: `${bindAddress}:${port}`,
    log,
    sent,
    route: (method, path, handler) => void routes.push({ method, path, handler }),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves `body` with a Content-Length and Docker-Content-Digest (when given). */
export function fixed(body: Buffer | string, headers: Record<string, string> = {}): Route {
  return (req, res) => {
    res.writeHead(200, { 'content-length': String(Buffer.byteLength(body)), ...headers });
    if (req.method === 'HEAD') res.end();
    else res.end(body);
  };
}
