// Manifest endpoints (`/v2/<name>/manifests/<reference>`): HEAD, GET with the OCI and Docker
// Accept list and digest checks, PUT with the manifest's own Content-Type.
import { DigestMismatchError, parseDigest, sha256Digest, MediaType, type Descriptor } from '../oci/index.js';
import { declaredMediaType, parseSize } from '../spec/index.js';
import { repositoryScope } from './auth.js';
import { BodyLimit } from './bodies.js';
import type { RegistryResponse, Transport } from './transport.js';

const MANIFEST_ACCEPT = [
  MediaType.OciIndex,
  MediaType.OciManifest,
  MediaType.DockerManifestList,
  MediaType.DockerManifest,
].join(', ');

export interface FetchedManifest {
  descriptor: Descriptor;
  bytes: Buffer;
}

function header(response: RegistryResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function manifestPath(repo: string, reference: string): string {
  return `/v2/${repo}/manifests/${reference}`;
}

/** HEADs a manifest; undefined when the registry does not have it. */
export async function headManifest(t: Transport, repo: string, reference: string): Promise<Descriptor | undefined> {
  const what = `manifest ${repo}:${reference}`;
  const response = await t.expect(
    { method: 'HEAD', url: manifestPath(repo, reference), headers: { accept: MANIFEST_ACCEPT }, scopes: [repositoryScope(repo, false)], what },
    200, 404,
  );
  await response.body.dump();
  if (response.statusCode === 404) return undefined;
  const digest = header(response, 'docker-content-digest');
  if (!digest) return undefined;
  const source = { where: `${t.registry}: ${what}`, code: 'REGISTRY' as const };
  return {
    mediaType: (header(response, 'content-type') ?? '').split(';')[0] ?? '',
    digest: parseDigest(digest, `${source.where}: Docker-Content-Digest`, source.code),
    size: parseSize(Number(header(response, 'content-length') ?? 0), source),
  };
}

/** GETs a manifest by tag or digest and checks its digest against the request and the registry's header. */
export async function getManifest(t: Transport, repo: string, reference: string): Promise<FetchedManifest> {
  const what = `manifest ${repo}:${reference}`;
  const { response, bytes } = await t.fetch(
    { method: 'GET', url: manifestPath(repo, reference), headers: { accept: MANIFEST_ACCEPT }, scopes: [repositoryScope(repo, false)], what },
    BodyLimit.manifest,
    200,
  );
  const digest = sha256Digest(bytes);
  const claimed = header(response, 'docker-content-digest');
  const expected = reference.includes(':') ? reference : claimed?.startsWith('sha256:') ? claimed : undefined;
  if (expected && expected !== digest) throw new DigestMismatchError(parseDigest(expected, `${t.registry}: ${what}`, 'REGISTRY'), digest, `${t.registry}: ${what}`);
  const mediaType = manifestMediaType(bytes, header(response, 'content-type'));
  return { descriptor: { mediaType, digest, size: bytes.length }, bytes };
}

/** The manifest's own `mediaType` field wins over Content-Type (registries vary in what they send). */
function manifestMediaType(bytes: Buffer, contentType: string | undefined): string {
  try {
    const declared = declaredMediaType(bytes, { where: 'manifest', code: 'REGISTRY' });
    if (declared) return declared;
  } catch {
    // fall through to the header
  }
  return (contentType ?? MediaType.OciManifest).split(';')[0]?.trim() ?? MediaType.OciManifest;
}

/** PUTs a manifest under a tag or its digest; checks the digest the registry computed. */
export async function putManifest(t: Transport, repo: string, reference: string, descriptor: Descriptor, bytes: Buffer): Promise<void> {
  const what = `manifest ${repo}:${reference}`;
  const response = await t.expect(
    {
      method: 'PUT',
      url: manifestPath(repo, reference),
      headers: { 'content-type': descriptor.mediaType },
      body: () => bytes,
      scopes: [repositoryScope(repo, true)],
      what,
    },
    200, 201,
  );
  await response.body.dump();
  const stored = header(response, 'docker-content-digest');
  if (stored && stored !== descriptor.digest) {
    throw new DigestMismatchError(descriptor.digest, parseDigest(stored, `${t.registry}: pushed ${what}`, 'REGISTRY'), `${t.registry}: pushed ${what}`);
  }
}
