// A small Docker token-auth server for tests: checks Basic credentials and issues RS256 JWTs
// (x5c header) signed by a throwaway key whose self-signed cert the registry trusts.
import { execFileSync } from 'node:child_process';
import { createSign, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';

export interface TokenRequest {
  service: string | null;
  scopes: string[];
  /** The Basic user, or undefined for anonymous requests. */
  user: string | undefined;
}

export interface TokenIssuer {
  realm: string;
  service: string;
  issuer: string;
  certPath: string;
  /** Every token request served, in order. */
  requests: TokenRequest[];
  stop(): Promise<void>;
}

export interface TokenIssuerOptions {
  username: string;
  password: string;
  service: string;
  /** Grant `pull` to anonymous requests (like Docker Hub's public repositories). */
  anonymousPull?: boolean;
}

/** The OAuth2 refresh token (Docker's `identitytoken`) the issuer accepts for `username`. */
export const TEST_REFRESH_TOKEN = 'tsbuild-test-refresh-token';

const ISSUER = 'tsbuild-test-issuer';

interface SigningKey {
  keyPem: string;
  certDer: string;
}

/** Generates a key and self-signed cert in `dir` and serves `/token` on a free loopback port. */
export async function startTokenIssuer(dir: string, options: TokenIssuerOptions): Promise<TokenIssuer> {
  const keyPath = join(dir, 'issuer-key.pem');
  const certPath = join(dir, 'issuer-cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath,
    '-days', '2', '-subj', `/CN=${ISSUER}`,
  ], { stdio: 'ignore' });
  const key: SigningKey = {
    keyPem: readFileSync(keyPath, 'utf8'),
    certDer: new X509Certificate(readFileSync(certPath)).raw.toString('base64'),
  };
  const requests: TokenRequest[] = [];
  const server = createServer((req, res) => {
    if (req.method !== 'POST') return issueToken(req, res, options, key, requests);
    let form = '';
    req.on('data', (chunk: Buffer) => (form += chunk.toString()));
    req.on('end', () => exchangeRefreshToken(new URLSearchParams(form), res, options, key, requests));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service: options.service,
    issuer: ISSUER,
    certPath,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function issueToken(req: IncomingMessage, res: ServerResponse, options: TokenIssuerOptions, key: SigningKey, log: TokenRequest[]): void {
  const url = new URL(req.url ?? '/', 'http://issuer');
  const user = checkBasic(req.headers.authorization, options);
  if (user === null) {
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
    return;
  }
  const scopes = url.searchParams.getAll('scope');
  log.push({ service: url.searchParams.get('service'), scopes, user });
  const access = scopes.flatMap((scope) => {
    const [type, name, actions = ''] = scope.split(':');
    const granted = user ? actions.split(',') : options.anonymousPull ? ['pull'] : [];
    return granted.length ? [{ type, name, actions: granted }] : [];
  });
  const token = signJwt(key, { sub: user ?? '', aud: options.service, access });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
}

/** The OAuth2 `grant_type=refresh_token` POST Docker uses with an identity token. */
function exchangeRefreshToken(form: URLSearchParams, res: ServerResponse, options: TokenIssuerOptions, key: SigningKey, log: TokenRequest[]): void {
  if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== TEST_REFRESH_TOKEN) {
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad refresh token"}');
    return;
  }
  const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
  log.push({ service: form.get('service'), scopes, user: options.username });
  const access = scopes.map((scope) => {
    const [type, name, actions = ''] = scope.split(':');
    return { type, name, actions: actions.split(',') };
  });
  const token = signJwt(key, { sub: options.username, aud: options.service, access });
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, expires_in: 300 }));
}

function signJwt(key: SigningKey, claims: { sub: string; aud: string; access: unknown[] }): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'RS256', x5c: [key.certDer] };
  const body = { iss: ISSUER, ...claims, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex') };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(body))}`;
  return `${input}.${base64url(createSign('RSA-SHA256').update(input).sign(key.keyPem))}`;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** The user for valid Basic credentials, undefined without any, null for wrong ones. */
function checkBasic(header: string | undefined, options: TokenIssuerOptions): string | undefined | null {
  if (!header) return undefined;
  const [scheme, encoded = ''] = header.split(' ');
  if (scheme?.toLowerCase() !== 'basic') return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  return decoded === `${options.username}:${options.password}` ? options.username : null;
}
