// Registry credentials in Docker's format: `$DOCKER_CONFIG/config.json` (default ~/.docker) with
// `auths` (base64 `user:pass`), `credsStore` and `credHelpers` (docker-credential-<name>).
import { spawn } from 'node:child_process';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TsbuildError } from '../errors.js';
import { tempPathBeside } from '../fs/index.js';
import { isObject, parseJsonObject } from '../spec/index.js';

export type Credentials =
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth2 refresh token (Docker's `identitytoken`). */
  | { kind: 'identity-token'; username: string; token: string };

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [other: string]: unknown;
}

/** Docker stores docker.io credentials under this legacy key. */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export function dockerConfigPath(dir = process.env['DOCKER_CONFIG'] ?? join(homedir(), '.docker')): string {
  return join(dir, 'config.json');
}

/** The `auths` key Docker uses for a registry host. */
export function credentialKey(host: string): string {
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB_KEY : host;
}

/** `https://host:5000/v1/` -> `host:5000`; Docker accepts such keys in `auths`. */
function hostOfKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').split('/')[0] ?? '';
  return DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host;
}

async function readDockerConfig(path: string): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TsbuildError('USAGE', `${path}: not valid JSON`, { cause: error });
  }
  return checkDockerConfig(value, path);
}

/** The fields tsbuild reads must have Docker's types; other fields are kept as they are. */
function checkDockerConfig(value: unknown, path: string): DockerConfig {
  const invalid = (field: string) => new TsbuildError('USAGE', `${path}: "${field}" has the wrong type`);
  if (!isObject(value)) throw new TsbuildError('USAGE', `${path}: not a JSON object`);
  const { auths, credsStore, credHelpers } = value;
  if (auths !== undefined && !(isObject(auths) && Object.values(auths).every(isObject))) throw invalid('auths');
  if (credsStore !== undefined && typeof credsStore !== 'string') throw invalid('credsStore');
  if (credHelpers !== undefined && !(isObject(credHelpers) && Object.values(credHelpers).every((h) => typeof h === 'string'))) throw invalid('credHelpers');
  return value as DockerConfig;
}

/** Looks credentials up for `host` (e.g. `localhost:5000`, `docker.io`); undefined = anonymous. */
export async function findCredentials(host: string, configPath = dockerConfigPath()): Promise<Credentials | undefined> {
  const config = await readDockerConfig(configPath);
  const wanted = DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host;
  const helper = config.credHelpers?.[host] ?? config.credHelpers?.[credentialKey(host)] ?? config.credsStore;
  if (helper) {
    const fromHelper = await helperGet(helper, credentialKey(host));
    if (fromHelper) return fromHelper;
  }
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (hostOfKey(key) === wanted) return decodeEntry(entry, key);
  }
  return undefined;
}

function decodeEntry(entry: AuthEntry, key: string): Credentials | undefined {
  let username = entry.username ?? '';
  let password = entry.password ?? '';
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) throw new TsbuildError('USAGE', `docker config: invalid "auth" for ${key}`);
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  if (entry.identitytoken) return { kind: 'identity-token', username, token: entry.identitytoken };
  return username || password ? { kind: 'basic', username, password } : undefined;
}

async function helperGet(helper: string, serverUrl: string): Promise<Credentials | undefined> {
  const result = await runHelper(helper, 'get', serverUrl);
  if (result.code !== 0) {
    if (/credentials not found/i.test(result.stdout + result.stderr)) return undefined;
    throw new TsbuildError('REGISTRY', `docker-credential-${helper} get failed: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  const answer = parseJsonObject(result.stdout, { where: `docker-credential-${helper} get`, code: 'REGISTRY' }, 'credentials answer');
  const Username = typeof answer['Username'] === 'string' ? answer['Username'] : '';
  const Secret = typeof answer['Secret'] === 'string' ? answer['Secret'] : '';
  if (Username === '<token>') return { kind: 'identity-token', username: '', token: Secret };
  return { kind: 'basic', username: Username, password: Secret };
}

function runHelper(helper: string, action: string, input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(`docker-credential-${helper}`, [action], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) =>
      reject(new TsbuildError('REGISTRY', `cannot run credential helper docker-credential-${helper}: ${error.message}`, { cause: error })),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Saves credentials as `docker login` does: via the configured helper, else base64 in `auths`. */
export async function storeCredentials(host: string, username: string, password: string, configPath = dockerConfigPath()): Promise<void> {
  const config = await readDockerConfig(configPath);
  const key = credentialKey(host);
  const helper = config.credHelpers?.[host] ?? config.credsStore;
  if (helper) {
    const payload = JSON.stringify({ ServerURL: key, Username: username, Secret: password });
    const result = await runHelper(helper, 'store', payload);
    if (result.code !== 0) throw new TsbuildError('REGISTRY', `docker-credential-${helper} store failed: ${result.stderr.trim()}`);
    config.auths = { ...config.auths, [key]: {} };
  } else {
    const auth = Buffer.from(`${username}:${password}`).toString('base64');
    config.auths = { ...config.auths, [key]: { auth } };
  }
  await writeDockerConfig(configPath, config);
}

/** Forgets credentials for `host`; resolves to false when there were none. */
export async function eraseCredentials(host: string, configPath = dockerConfigPath()): Promise<boolean> {
  const config = await readDockerConfig(configPath);
  const wanted = DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host;
  const keys = Object.keys(config.auths ?? {}).filter((key) => hostOfKey(key) === wanted);
  const helper = config.credHelpers?.[host] ?? config.credsStore;
  if (helper) await runHelper(helper, 'erase', credentialKey(host));
  if (keys.length === 0) return Boolean(helper);
  for (const key of keys) delete config.auths?.[key];
  await writeDockerConfig(configPath, config);
  return true;
}

async function writeDockerConfig(path: string, config: DockerConfig): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  const temp = tempPathBeside(path);
  await writeFile(temp, `${JSON.stringify(config, null, '\t')}\n`, { mode: 0o600 });
  await rename(temp, path);
}
