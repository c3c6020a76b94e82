// One registry endpoint's HTTP exchange: authorization from challenges, deadlines, retries with
// exponential backoff on 429/5xx, broken connections and timeouts, registry errors with diagnostics.
import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { Authorizer } from './auth.js';
import type { Credentials } from './credentials.js';
import type { Endpoint } from './endpoints.js';
import { TsbuildError } from '../errors.js';
import { readErrorText, readLimited } from './bodies.js';
import { isTemporaryStatus, registryStatusError, RegistryError } from './errors.js';

export interface RetryOptions {
  /** Retries after the first attempt (default 4). */
  maxRetries?: number;
  /** First backoff delay in ms, doubled each retry (default 200). */
  retryBaseMs?: number;
}

export interface TimeoutOptions {
  /**
   * A request fails when no bytes arrive for this long (default 30 s, or
   * `$TSBUILD_REGISTRY_IDLE_TIMEOUT` in seconds).
   */
  idleTimeoutMs?: number;
  /**
   * A request and its whole answer must complete within this (default 120 s, or
   * `$TSBUILD_REGISTRY_TIMEOUT` in seconds); blob transfers, which may be large, have only the idle timeout.
   */
  requestTimeoutMs?: number;
  /** Aborts every request (Ctrl-C, SIGTERM); requests then reject with the signal's reason. */
  signal?: AbortSignal;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

type RequestBody = string | Buffer | NodeJS.ReadableStream | AsyncIterable<Uint8Array> | null;

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** A path below the endpoint (`/v2/...`) or an absolute URL (upload locations). */
  url: string;
  headers?: Record<string, string>;
  /** Called for every attempt so a retry can send a fresh stream. */
  body?: () => RequestBody | Promise<RequestBody>;
  /** Token scopes the request needs. */
  scopes: string[];
  /** What the request is about, for error messages (`manifest x:y`, `blob sha256:...`). */
  what: string;
  /** Never resend (the body cannot be replayed); the caller recovers instead. */
  once?: boolean;
  /** A blob transfer: only the idle timeout applies, not the total deadline. */
  streaming?: boolean;
}

export type RegistryResponse = Dispatcher.ResponseData;

/** The code of the error a request's total deadline aborts it with. */
const REQUEST_TIMEOUT = 'TSBUILD_REQUEST_TIMEOUT';

const RETRYABLE_CODES = new Set([
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED', REQUEST_TIMEOUT,
]);

/** True for errors worth retrying: resets, timeouts, and temporary registry errors. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof RegistryError) return error.temporary;
  const code = (error as { code?: string }).code;
  return code !== undefined && RETRYABLE_CODES.has(code);
}

export class Transport {
  readonly authorizer: Authorizer;
  readonly timeouts: Required<Omit<TimeoutOptions, 'signal'>>;
  private readonly signal: AbortSignal | undefined;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;

  constructor(
    readonly endpoint: Endpoint,
    credentials: () => Promise<Credentials | undefined>,
    private readonly dispatcher: Dispatcher,
    options: RetryOptions & TimeoutOptions = {},
  ) {
    this.timeouts = resolveTimeouts(options);
    this.signal = options.signal;
    this.authorizer = new Authorizer(endpoint.registry, credentials, dispatcher, this.timeouts);
    this.maxRetries = options.maxRetries ?? 4;
    this.retryBaseMs = options.retryBaseMs ?? 200;
  }

  get registry(): string {
    return this.endpoint.registry;
  }

  resolve(url: string): URL {
    return new URL(url, this.endpoint.baseUrl);
  }

  /** Sends `req`, answering auth challenges and retrying temporary failures; returns any final status. */
  async send(req: RegistryRequest): Promise<RegistryResponse> {
    let reauthorized = false;
    for (let attempt = 0; ; attempt++) {
      let response: RegistryResponse;
      let authorized: boolean;
      try {
        ({ response, authorized } = await this.attempt(req));
      } catch (error) {
        if (!req.once && attempt < this.maxRetries && isRetryable(error)) {
          await this.backoff(attempt);
          continue;
        }
        throw this.networkError(req, error);
      }
      const status = response.statusCode;
      if (status === 401 && !reauthorized) {
        const text = await readErrorText(response.body);
        // Another host's challenge is not ours to answer with this registry's credentials.
        if (!this.isOwnOrigin(req.url)) throw registryStatusError(this.registry, status, `${req.what} (at ${this.resolve(req.url).host})`, text);
        reauthorized = true;
        const challenge = response.headers['www-authenticate'];
        const retry = await this.authorizer.onChallenge(Array.isArray(challenge) ? challenge[0] : challenge, req.scopes, authorized);
        if (retry && !req.once) {
          attempt--;
          continue;
        }
        throw registryStatusError(this.registry, status, req.what, text);
      }
      if (!req.once && isTemporaryStatus(status) && attempt < this.maxRetries) {
        await response.body.dump();
        await this.backoff(attempt, retryAfterMs(response.headers['retry-after']));
        continue;
      }
      return response;
    }
  }

  /** Sends `req` and fails with a RegistryError unless the status is one of `expected`. */
  async expect(req: RegistryRequest, ...expected: number[]): Promise<RegistryResponse> {
    const response = await this.send(req);
    if (expected.includes(response.statusCode)) return response;
    const body = req.method === 'HEAD' ? '' : await readErrorText(response.body);
    throw registryStatusError(this.registry, response.statusCode, req.what, body);
  }

  /**
   * Sends `req` and reads its whole answer, at most `limit` bytes (chunked answers too), within
   * the request deadline; timeouts and broken connections while reading are retried like the
   * request itself.
   */
  async fetch(req: RegistryRequest, limit: number, ...expected: number[]): Promise<{ response: RegistryResponse; bytes: Buffer }> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.expect(req, ...expected);
      try {
        const bytes = await readLimited(response.body, limit, () => new RegistryError(
          `${this.registry}: ${req.what} is larger than the ${formatLimit(limit)} limit`, { registry: this.registry },
        ));
        return { response, bytes };
      } catch (error) {
        if (!req.once && attempt < this.maxRetries && isRetryable(error)) {
          await this.backoff(attempt);
          continue;
        }
        throw this.networkError(req, error);
      }
    }
  }

  /**
   * A GET of another origin (a redirect to a CDN), with this endpoint's timeouts but never its
   * credentials: those belong to the host that challenged for them.
   */
  requestElsewhere(url: URL, headers: Record<string, string>): Promise<RegistryResponse> {
    return request(url, {
      method: 'GET', headers, dispatcher: this.dispatcher, signal: this.signal,
      headersTimeout: this.timeouts.idleTimeoutMs, bodyTimeout: this.timeouts.idleTimeoutMs,
    });
  }

  private async attempt(req: RegistryRequest): Promise<{ response: RegistryResponse; authorized: boolean }> {
    const url = this.resolve(req.url);
    const headers: Record<string, string> = { 'user-agent': 'tsbuild', ...req.headers };
    // Credentials go only to the origin that challenged for them, as docker's client does: an
    // upload Location on another host gets none.
    const authorization = this.isOwnOrigin(req.url) ? await this.authorizer.authorization(req.scopes) : undefined;
    if (authorization) headers['authorization'] = authorization;
    const body = req.body ? await req.body() : null;
    this.signal?.throwIfAborted();
    const deadline = req.streaming ? undefined : startDeadline(this.timeouts.requestTimeoutMs);
    const signals = [deadline?.signal, this.signal].filter((signal): signal is AbortSignal => signal !== undefined);
    try {
      const response = await request(url, {
        method: req.method,
        headers,
        body: body as Dispatcher.DispatchOptions['body'],
        dispatcher: this.dispatcher,
        headersTimeout: this.timeouts.idleTimeoutMs,
        bodyTimeout: this.timeouts.idleTimeoutMs,
        signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
      });
      if (deadline) response.body.once('close', deadline.clear);
      return { response, authorized: authorization !== undefined };
    } catch (error) {
      deadline?.clear();
      throw error;
    }
  }

  /** True when `url` is on this endpoint's origin (scheme, host and port), the one credentials are for. */
  private isOwnOrigin(url: string): boolean {
    return this.resolve(url).origin === this.resolve('/').origin;
  }

  private async backoff(attempt: number, hintMs?: number): Promise<void> {
    const exponential = this.retryBaseMs * 2 ** attempt;
    const delay = Math.min(hintMs ?? exponential * (0.75 + Math.random() / 2), 10_000);
    await sleep(delay, undefined, { signal: this.signal }).catch((error: unknown) => {
      this.signal?.throwIfAborted();
      throw error;
    });
  }

  private networkError(req: RegistryRequest, error: unknown): unknown {
    if (error instanceof TsbuildError) return error;
    const detail = describeNetworkError(error, this.timeouts);
    return new RegistryError(`${this.registry}: ${req.what}: ${detail} (${this.endpoint.baseUrl})`, {
      registry: this.registry,
      temporary: isRetryable(error),
      cause: error,
    });
  }
}

function describeNetworkError(error: unknown, timeouts: Transport['timeouts']): string {
  const code = (error as { code?: string }).code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return `no data for ${timeouts.idleTimeoutMs / 1000} s (idle timeout; $TSBUILD_REGISTRY_IDLE_TIMEOUT)`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A timer that aborts a request with a retryable REQUEST_TIMEOUT error. */
function startDeadline(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    const error = Object.assign(new Error(`not complete after ${ms / 1000} s (request timeout; $TSBUILD_REGISTRY_TIMEOUT)`), { code: REQUEST_TIMEOUT });
    controller.abort(error);
  }, ms);
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** Options first, then the environment (seconds), then the defaults. */
function resolveTimeouts(options: TimeoutOptions, env: NodeJS.ProcessEnv = process.env): Transport['timeouts'] {
  const seconds = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text === '') return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new TsbuildError('USAGE', `$${name} must be a positive number of seconds, not "${text}"`);
    return value * 1000;
  };
  return {
    idleTimeoutMs: options.idleTimeoutMs ?? seconds('TSBUILD_REGISTRY_IDLE_TIMEOUT') ?? DEFAULT_IDLE_TIMEOUT_MS,
    requestTimeoutMs: options.requestTimeoutMs ?? seconds('TSBUILD_REGISTRY_TIMEOUT') ?? DEFAULT_REQUEST_TIMEOUT_MS,
  };
}

function formatLimit(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const seconds = value === undefined ? NaN : Number(value);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
