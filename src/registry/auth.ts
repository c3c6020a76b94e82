// Registry authentication: answers `WWW-Authenticate` challenges with Basic credentials or
// Bearer tokens fetched from the challenge's realm, cached per scope set.
import { request, type Dispatcher } from 'undici';
import type { Credentials } from './credentials.js';
import { BodyLimit, readErrorText, readLimited } from './bodies.js';
import { parseJsonObject } from '../spec/index.js';
import { registryStatusError, RegistryError } from './errors.js';

export interface Challenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

/** Parses the first challenge of a `WWW-Authenticate` header. */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const scheme = (match[1] ?? '').toLowerCase();
  if (scheme !== 'basic' && scheme !== 'bearer') return undefined;
  const params: Record<string, string> = {};
  for (const param of (match[2] ?? '').matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[(param[1] ?? '').toLowerCase()] = (param[2] ?? param[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme, params };
}

/** `repository:<path>:pull` or `:pull,push`, the scopes Docker asks tokens for. */
export function repositoryScope(path: string, push: boolean): string {
  return `repository:${path}:${push ? 'pull,push' : 'pull'}`;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Authorization state for one registry endpoint, shared by every request to it. */
export class Authorizer {
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly registry: string,
    private readonly credentials: () => Promise<Credentials | undefined>,
    private readonly dispatcher: Dispatcher,
    private readonly timeouts: { idleTimeoutMs: number; requestTimeoutMs: number },
  ) {}

  /** The Authorization header for a request needing `scopes`, or undefined before any challenge. */
  async authorization(scopes: string[]): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      const creds = await this.credentials();
      return creds?.kind === 'basic' ? basicHeader(creds.username, creds.password) : undefined;
    }
    const key = [...scopes].sort().join(' ');
    let cached = this.tokens.get(key);
    if (cached && (await cached).expiresAt <= Date.now()) cached = undefined;
    if (!cached) {
      cached = this.fetchToken(challenge.params, scopes);
      this.tokens.set(key, cached);
      cached.catch(() => this.tokens.delete(key));
    }
    return `Bearer ${(await cached).token}`;
  }

  /**
   * Records a 401 challenge. Resolves to true when retrying with authorization may help: the
   * request went out without any (concurrent requests all race to the first challenge) and
   * there is something to send. A request already authorized was refused for good.
   */
  async onChallenge(header: string | undefined, scopes: string[], wasAuthorized: boolean): Promise<boolean> {
    const challenge = header ? parseChallenge(header) : undefined;
    if (!challenge) return false;
    this.challenge = challenge;
    if (wasAuthorized) {
      this.tokens.delete([...scopes].sort().join(' '));
      return false;
    }
    if (challenge.scheme === 'basic') return (await this.credentials())?.kind === 'basic';
    return true;
  }

  private async fetchToken(params: Record<string, string>, scopes: string[]): Promise<CachedToken> {
    const realm = params['realm'];
    if (!realm) throw new RegistryError(`${this.registry}: bearer challenge without a realm`, { registry: this.registry });
    const creds = await this.credentials();
    const url = new URL(realm);
    if (params['service']) url.searchParams.set('service', params['service']);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    const headers: Record<string, string> = {};
    let method: 'GET' | 'POST' = 'GET';
    let body: string | undefined;
    if (creds?.kind === 'basic') headers['authorization'] = basicHeader(creds.username, creds.password);
    if (creds?.kind === 'identity-token') {
      method = 'POST';
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({
        grant_type: 'refresh_token', refresh_token: creds.token, service: params['service'] ?? '',
        scope: scopes.join(' '), client_id: 'tsbuild',
      }).toString();
    }
    const what = `token for ${scopes.join(' ')}`;
    const failed = (error: unknown) => new RegistryError(`${this.registry}: ${what} from ${url.origin}: ${(error as Error).message}`, {
      registry: this.registry, temporary: true, cause: error,
    });
    const response = await request(method === 'POST' ? realm : url, {
      method, headers, body, dispatcher: this.dispatcher,
      headersTimeout: this.timeouts.idleTimeoutMs, bodyTimeout: this.timeouts.idleTimeoutMs,
      signal: AbortSignal.timeout(this.timeouts.requestTimeoutMs),
    }).catch((error: unknown) => {
      throw failed(error);
    });
    if (response.statusCode !== 200) {
      throw registryStatusError(this.registry, response.statusCode, what, await readErrorText(response.body));
    }
    const text = await readLimited(response.body, BodyLimit.token, () => new RegistryError(
      `${this.registry}: ${what}: the token server's answer is over ${BodyLimit.token / 1024} KiB`, { registry: this.registry },
    )).catch((error: unknown) => {
      throw error instanceof RegistryError ? error : failed(error);
    });
    let parsed: Record<string, unknown>;
    try {
      parsed = parseJsonObject(text, { where: `${this.registry}: token`, code: 'REGISTRY' }, 'token answer');
    } catch {
      throw new RegistryError(`${this.registry}: the token server's answer is not JSON`, { registry: this.registry });
    }
    const token = [parsed['token'], parsed['access_token']].find((value): value is string => typeof value === 'string' && value !== '');
    if (!token) throw new RegistryError(`${this.registry}: token server returned no token`, { registry: this.registry });
    const lifetime = typeof parsed['expires_in'] === 'number' && Number.isFinite(parsed['expires_in']) ? parsed['expires_in'] : 60;
    // Renew a little early; the spec's default lifetime is 60 s.
    return { token, expiresAt: Date.now() + Math.max(lifetime - 10, 5) * 1000 };
  }
}

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
