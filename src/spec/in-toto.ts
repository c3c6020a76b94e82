// in-toto statements and how BuildKit attaches them to an image index (docs/attestations/
// attestation-storage.md of moby/buildkit): one attestation manifest per platform image, with
// platform `unknown/unknown` and the `vnd.docker.reference.*` annotations naming that image.
import { familiarName, parseReference } from './reference.js';
import { formatPlatform } from './platform.js';
import { digestHex, type Digest } from './digest.js';
import type { Descriptor, Platform } from './types.js';

export const IN_TOTO_MEDIA_TYPE = 'application/vnd.in-toto+json';
/** in-toto-golang's StatementInTotoV1, what BuildKit writes. */
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_TYPE_ANNOTATION = 'in-toto.io/predicate-type';
export const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';
export const REFERENCE_DIGEST_ANNOTATION = 'vnd.docker.reference.digest';
export const ATTESTATION_MANIFEST_TYPE = 'attestation-manifest';
export const ATTESTATION_PLATFORM: Platform = { architecture: 'unknown', os: 'unknown' };

export const PredicateType = {
  SlsaProvenanceV1: 'https://slsa.dev/provenance/v1',
  SlsaProvenanceV02: 'https://slsa.dev/provenance/v0.2',
  Spdx: 'https://spdx.dev/Document',
} as const;

export interface InTotoSubject {
  name: string;
  digest: Record<string, string>;
}

export interface InTotoStatement {
  _type: string;
  predicateType: string;
  subject: InTotoSubject[];
  predicate: unknown;
}

/** A statement with `subject` as BuildKit's MakeInTotoStatements sets it. */
export function inTotoStatement(predicateType: string, predicate: unknown, subject: InTotoSubject[]): InTotoStatement {
  return { _type: IN_TOTO_STATEMENT_TYPE, predicateType, subject, predicate };
}

/** `{ sha256: hex }` of a digest (in-toto's DigestSet). */
export function digestSet(digest: Digest): Record<string, string> {
  return { [digest.slice(0, digest.indexOf(':'))]: digestHex(digest) };
}

/** True for an index entry that is an attestation manifest (not a runnable image). */
export function isAttestationManifest(descriptor: Descriptor): boolean {
  return descriptor.annotations?.[REFERENCE_TYPE_ANNOTATION] === ATTESTATION_MANIFEST_TYPE;
}

/**
 * BuildKit's purl of an image reference (util/purl RefToPURL with packageurl-go's escaping):
 * `pkg:docker/<namespace>/<name>@<tag>?digest=...&platform=linux%2Famd64`.
 */
export function imagePurl(reference: string, platform?: Platform): string {
  const ref = parseReference(reference);
  const parts = familiarName(ref).split('/');
  const name = parts.pop()!;
  const namespace = parts.map(encodePurlSegment).join('/');
  const version = ref.digest && !ref.tag ? '' : `@${encodePurlSegment(ref.tag ?? 'latest')}`;
  const qualifiers: string[] = [];
  if (ref.digest) qualifiers.push(`digest=${encodeURIComponent(ref.digest)}`);
  if (platform) qualifiers.push(`platform=${encodeURIComponent(formatPlatform(platform))}`);
  return `pkg:docker/${namespace ? `${namespace}/` : ''}${encodePurlSegment(name)}${version}${qualifiers.length ? `?${qualifiers.join('&')}` : ''}`;
}

/** packageurl-go's path escaping: everything but unreserved characters is %-encoded. */
function encodePurlSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
