// One registry endpoint's HTTP exchange: authorization from challenges, retries with
// exponential backoff on 429/5xx and broken connections, registry errors with diagnostics.
import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { Authorizer } from './auth.js';
import type { Credentials } from './credentials.js';
import type { Endpoint } from './endpoints.js';
import { isTemporaryStatus, registryStatusError, RegistryError } from './errors.js';

export interface RetryOptions {
  /** Retries after the first attempt (default 4). */
  maxRetries?: number;
  /** First backoff delay in ms, doubled each retry (default 200). */
  retryBaseMs?: number;
}

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
}

export type RegistryResponse = Dispatcher.ResponseData;

const RETRYABLE_CODES = new Set([
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

/** True for errors worth retrying: resets, timeouts, and temporary registry errors. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof RegistryError) return error.temporary;
  const code = (error as { code?: string }).code;
  return code !== undefined && RETRYABLE_CODES.has(code);
}

export class Transport {
  readonly authorizer: Authorizer;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;

  constructor(
    readonly endpoint: Endpoint,
    credentials: () => Promise<Credentials | undefined>,
    private readonly dispatcher: Dispatcher,
    retry: RetryOptions = {},
  ) {
    this.authorizer = new Authorizer(endpoint.registry, credentials, dispatcher);
    this.maxRetries = retry.maxRetries ?? 4;
    this.retryBaseMs = retry.retryBaseMs ?? 200;
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
        const text = await response.body.text().catch(() => '');
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
    const body = req.method === 'HEAD' ? '' : await response.body.text().catch(() => '');
    throw registryStatusError(this.registry, response.statusCode, req.what, body);
  }

  private async attempt(req: RegistryRequest): Promise<{ response: RegistryResponse; authorized: boolean }> {
    const headers: Record<string, string> = { 'user-agent': 'tsbuild', ...req.headers };
    const authorization = await this.authorizer.authorization(req.scopes);
    if (authorization) headers['authorization'] = authorization;
    const body = req.body ? await req.body() : null;
    const response = await request(this.resolve(req.url), {
      method: req.method,
      headers,
      body: body as Dispatcher.DispatchOptions['body'],
      dispatcher: this.dispatcher,
    });
    return { response, authorized: authorization !== undefined };
  }

  private async backoff(attempt: number, hintMs?: number): Promise<void> {
    const exponential = this.retryBaseMs * 2 ** attempt;
    const delay = Math.min(hintMs ?? exponential * (0.75 + Math.random() / 2), 10_000);
    await sleep(delay);
  }

  private networkError(req: RegistryRequest, error: unknown): unknown {
    if (error instanceof RegistryError) return error;
    const detail = error instanceof Error ? error.message : String(error);
    return new RegistryError(`${this.registry}: ${req.what}: ${detail} (${this.endpoint.baseUrl})`, {
      registry: this.registry,
      temporary: isRetryable(error),
      cause: error,
    });
  }
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const seconds = value === undefined ? NaN : Number(value);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
