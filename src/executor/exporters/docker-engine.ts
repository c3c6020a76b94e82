// The local Docker engine, as `--load` and `type=docker` without `dest` reach it: `POST
// /images/load` with a docker-archive, over the socket DOCKER_HOST names (`unix://` or `tcp://`)
// or /var/run/docker.sock, as buildx's docker driver does.
import { request, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { TsbuildError } from '../../errors.js';
import { isObject } from '../../spec/index.js';

const DEFAULT_SOCKET = '/var/run/docker.sock';
/** How long an engine may read nothing of the image (or leave /_ping unanswered) by default. */
const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/** Which engine `--load` reaches, and how long it waits for it. */
export interface DockerEngineOptions {
  /** As DOCKER_HOST writes it (`unix:///run/docker.sock`, `tcp://host:2375`); default DOCKER_HOST, else the default socket. */
  host?: string;
  /** The load fails when the engine reads nothing of the image for this long (default 120 s); /_ping gets as long to answer. */
  idleTimeoutMs?: number;
}

export interface DockerEngine {
  /** As the user would write it: `unix:///var/run/docker.sock`. */
  address: string;
  connection: Pick<RequestOptions, 'socketPath' | 'host' | 'port'>;
  idleTimeoutMs: number;
}

/** The engine `options` or DOCKER_HOST names, or the default socket. */
export function dockerEngine(options: DockerEngineOptions = {}, env: NodeJS.ProcessEnv = process.env): DockerEngine {
  const host = options.host || env.DOCKER_HOST || `unix://${DEFAULT_SOCKET}`;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  if (host.startsWith('unix://')) return { address: host, connection: { socketPath: host.slice('unix://'.length) }, idleTimeoutMs };
  const tcp = /^tcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(host);
  if (tcp) return { address: host, connection: { host: tcp[1], port: Number(tcp[2] ?? 2375) }, idleTimeoutMs };
  throw new TsbuildError('USAGE', `DOCKER_HOST=${host}: only unix:// and tcp:// (without TLS) engines can be loaded into`);
}

/** Resolves when the engine answers `/_ping`; the error says where it looked and what to do instead. */
export async function pingDockerEngine(engine: DockerEngine): Promise<void> {
  try {
    const ping = request({ ...engine.connection, method: 'GET', path: '/_ping' });
    ping.setTimeout(engine.idleTimeoutMs, () => ping.destroy(new Error(`no answer in ${seconds(engine.idleTimeoutMs)}`)));
    const response = await send(ping);
    const body = await readBody(response);
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${body.trim()}`);
  } catch (error) {
    throw new TsbuildError(
      'NOT_FOUND',
      `no Docker engine at ${engine.address} (${(error as Error).message}): set DOCKER_HOST, or write an archive with -o type=docker,dest=FILE`,
      { cause: error },
    );
  }
}

/** Streams the docker-archive `write` produces into the engine's `docker load`; returns its messages ("Loaded image: x"). */
export async function loadIntoDockerEngine(engine: DockerEngine, write: (body: NodeJS.WritableStream) => Promise<void>): Promise<string[]> {
  const upload = request({
    ...engine.connection, method: 'POST', path: '/images/load?quiet=1', headers: { 'Content-Type': 'application/x-tar' },
  });
  const answered = send(upload);
  answered.catch(() => undefined); // read below, after the body is written
  await uploadWhileRead(engine, upload, write);
  const response = await answered;
  const lines = (await readBody(response)).split('\n').filter((line) => line.trim() !== '');
  const messages: string[] = [];
  for (const line of lines) {
    const event = engineEvent(line);
    if (event.error || response.statusCode !== 200) {
      throw new TsbuildError('STORE', `the Docker engine at ${engine.address} refused the image: ${event.error ?? event.message ?? line}`);
    }
    if (event.stream?.trim()) messages.push(event.stream.trim());
  }
  return messages;
}

/**
 * Writes the archive into the load request; fails when the engine reads nothing of it for its idle
 * timeout (an engine that stopped reading would hold the build forever). Once all of it is sent,
 * the engine may take its time: loading a big image answers only at the end.
 */
async function uploadWhileRead(engine: DockerEngine, upload: ClientRequest, write: (body: NodeJS.WritableStream) => Promise<void>): Promise<void> {
  const stalled = new TsbuildError(
    'STORE',
    `the Docker engine at ${engine.address} read nothing of the image for ${seconds(engine.idleTimeoutMs)}: not loaded (the build's image is in tsbuild's store)`,
  );
  let timedOut = false;
  upload.setTimeout(engine.idleTimeoutMs, () => {
    timedOut = true;
    upload.destroy(stalled);
  });
  try {
    await write(upload);
  } catch (error) {
    throw timedOut ? stalled : error;
  } finally {
    upload.setTimeout(0);
  }
}

function seconds(ms: number): string {
  return `${ms / 1000}s`;
}

function send(req: ClientRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
    if (req.method === 'GET') req.end();
  });
}

/** An engine's answers are a few lines: more than this is cut (the rest is not read). */
const MAX_ANSWER_BYTES = 1024 * 1024;

async function readBody(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= MAX_ANSWER_BYTES) {
      response.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

/** One line of the engine's load answer; a line that is not a JSON object is a message as it stands. */
function engineEvent(line: string): { stream?: string; error?: string; message?: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { message: line };
  }
  if (!isObject(value)) return { message: line };
  const text = (key: string) => (typeof value[key] === 'string' ? value[key] : undefined);
  return { stream: text('stream'), error: text('error'), message: text('message') };
}
