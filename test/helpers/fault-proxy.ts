// An HTTP proxy in front of a test registry that injects faults: error statuses for the first N
// matching requests, dropped connections, bodies cut short, or a flipped byte in a body.
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';

export type FaultAction =
  | { kind: 'status'; status: number; retryAfter?: number; code?: string }
  /** Closes the connection before answering. */
  | { kind: 'drop' }
  /** Forwards the response but closes the connection after `afterBytes` bytes of body. */
  | { kind: 'truncate'; afterBytes: number }
  /** Forwards the response with the byte at `offset` of the body inverted. */
  | { kind: 'corrupt'; offset: number }
  /** Answers 307 pointing at the same path under `to` (e.g. the registry itself, like a CDN). */
  | { kind: 'redirect'; to: string }
  /**
   * Holds matching requests until `count` of them wait at once, then forwards them all (logged as
   * `gate-full`); a request held `timeoutMs` goes on alone (`gate-timeout`). Shows concurrency.
   */
  | { kind: 'gate'; count: number; timeoutMs: number };

export interface Fault {
  method?: string;
  /** Matched against the request path (with query). */
  path: RegExp;
  action: FaultAction;
  /** How many matching requests to spoil (default: all). */
  times?: number;
  /** Matching requests to let through before spoiling any. */
  skip?: number;
}

export interface FaultProxy {
  host: string;
  /** Method, path, Range header, injected fault and the headers of every request seen. */
  log: { method: string; path: string; range: string | undefined; faulted: string | undefined; headers: IncomingHttpHeaders }[];
  /** The most requests under way at once since the last clearFaults(). */
  peakInFlight(): number;
  addFault(fault: Fault): void;
  clearFaults(): void;
  stop(): Promise<void>;
}

type ArmedFault = Fault & { left: number; toSkip: number };

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const [host = '127.0.0.1', port = '80'] = target.split(':');
  const upstream = { host, port: Number(port) };
  const faults: ArmedFault[] = [];
  const log: FaultProxy['log'] = [];
  const gates = new Map<FaultAction, { entry: FaultProxy['log'][number]; release: () => void }[]>();
  let inFlight = 0;
  let peak = 0;
  const server = createServer((req, res) => {
    peak = Math.max(peak, ++inFlight);
    res.once('close', () => inFlight--);
    const path = req.url ?? '/';
    const action = takeFault(faults, req.method ?? '', path);
    const entry: FaultProxy['log'][number] = { method: req.method ?? '', path, range: req.headers.range, faulted: action?.kind, headers: req.headers };
    log.push(entry);
    if (action?.kind === 'drop') req.socket.destroy();
    else if (action?.kind === 'gate') {
      const waiting = gates.get(action) ?? [];
      gates.set(action, waiting);
      const timer = setTimeout(() => {
        waiting.splice(waiting.findIndex((w) => w.entry === entry), 1);
        entry.faulted = 'gate-timeout';
        forward(upstream, req, res, undefined);
      }, action.timeoutMs);
      waiting.push({ entry, release: () => { clearTimeout(timer); forward(upstream, req, res, undefined); } });
      if (waiting.length >= action.count) {
        for (const held of waiting.splice(0)) {
          held.entry.faulted = 'gate-full';
          held.release();
        }
      }
    }
    else if (action?.kind === 'redirect') {
      req.resume();
      res.writeHead(307, { location: `${action.to}${path}` }).end();
    } else if (action?.kind === 'status') answerStatus(req, res, action);
    else forward(upstream, req, res, action);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: proxyPort } = server.address() as { port: number };
  return {
    host: `127.0.0.1:${proxyPort}`,
    log,
    addFault: (fault) => faults.push({ ...fault, left: fault.times ?? Infinity, toSkip: fault.skip ?? 0 }),
    peakInFlight: () => peak,
    clearFaults: () => {
      faults.splice(0);
      peak = inFlight;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The action for this request, consuming one use of the first matching fault. */
function takeFault(faults: ArmedFault[], method: string, path: string): FaultAction | undefined {
  const fault = faults.find((f) => f.left > 0 && f.path.test(path) && (!f.method || f.method === method));
  if (!fault) return undefined;
  if (fault.toSkip > 0) {
    fault.toSkip--;
    return undefined;
  }
  fault.left--;
  return fault.action;
}

function answerStatus(req: IncomingMessage, res: ServerResponse, action: Extract<FaultAction, { kind: 'status' }>): void {
  req.resume();
  req.on('end', () => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (action.retryAfter !== undefined) headers['retry-after'] = String(action.retryAfter);
    res.writeHead(action.status, headers);
    res.end(JSON.stringify({ errors: [{ code: action.code ?? 'UNAVAILABLE', message: 'injected fault' }] }));
  });
}

/** Relays the request upstream (Host header kept, so upload Locations point back at the proxy). */
function forward(upstream: { host: string; port: number }, req: IncomingMessage, res: ServerResponse, action: FaultAction | undefined): void {
  const outgoing = request({ ...upstream, method: req.method, path: req.url, headers: req.headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    let seen = 0;
    up.on('data', (chunk: Buffer) => {
      if (action?.kind === 'truncate' && seen + chunk.length > action.afterBytes) {
        res.write(chunk.subarray(0, Math.max(action.afterBytes - seen, 0)), () => res.socket?.destroy());
        up.destroy();
        return;
      }
      if (action?.kind === 'corrupt' && action.offset >= seen && action.offset < seen + chunk.length) {
        chunk = Buffer.from(chunk);
        chunk[action.offset - seen] = (chunk[action.offset - seen] ?? 0) ^ 0xff;
      }
      seen += chunk.length;
      res.write(chunk);
    });
    up.on('end', () => res.end());
  });
  outgoing.on('error', () => res.socket?.destroy());
  req.pipe(outgoing);
}
