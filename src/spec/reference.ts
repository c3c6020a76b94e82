// Image references (`busybox`, `host:5000/a/b:tag@sha256:...`) parsed and normalised exactly like
// Docker's distribution/reference (ParseNormalizedNamed + TagNameOnly).
import { TsbuildError } from '../errors.js';
import { parseDigest, type Digest } from './digest.js';

/** A fully qualified reference: `domain/path[:tag][@digest]`; a tag or a digest is always set. */
export interface ImageReference {
  /** Registry host with optional port, e.g. `docker.io`, `localhost:5000`, `[::1]:5000`. */
  domain: string;
  /** Repository path inside the registry, e.g. `library/busybox`. */
  path: string;
  tag?: string;
  digest?: Digest;
}

export const DEFAULT_DOMAIN = 'docker.io';
const DEFAULT_TAG = 'latest';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const NAME_TOTAL_LENGTH_MAX = 255;

// The grammar of distribution/reference/regexp.go.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6Address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainPattern = `(?:${domainComponent}(?:\\.${domainComponent})*|${ipv6Address})(?::[0-9]+)?`;
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const pathPattern = `${pathComponent}(?:/${pathComponent})*`;
// The domain is always explicit here: parseReference has already split or defaulted it.
const REFERENCE = new RegExp(`^(${domainPattern})/(${pathPattern})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);
const ANCHORED_IDENTIFIER = /^[a-f0-9]{64}$/;
const DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export class InvalidReferenceError extends TsbuildError {
  constructor(reference: string, reason: string) {
    super('USAGE', `invalid reference "${reference}": ${reason}`);
  }
}

/** Parses a reference as `docker pull` does: adds `docker.io`, `library/` and `:latest`. */
export function parseReference(text: string): ImageReference {
  if (text === '') throw new InvalidReferenceError(text, 'repository name must have at least one component');
  if (ANCHORED_IDENTIFIER.test(text)) {
    throw new InvalidReferenceError(text, 'cannot specify 64-byte hexadecimal strings as a repository name');
  }
  const [domain, remainder] = splitDockerDomain(text);
  const nameEnd = remainder.search(/[:@]/);
  const remainderName = nameEnd === -1 ? remainder : remainder.slice(0, nameEnd);
  if (remainderName.toLowerCase() !== remainderName) {
    throw new InvalidReferenceError(text, 'repository name must be lowercase');
  }
  const full = `${domain}/${remainder}`;
  const match = REFERENCE.exec(full);
  if (!match) throw new InvalidReferenceError(text, 'invalid reference format');
  const [, , path, tag, digest] = match as unknown as [string, string, string, string | undefined, string | undefined];
  if (domain.length + 1 + path.length > NAME_TOTAL_LENGTH_MAX) {
    throw new InvalidReferenceError(text, `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  const reference: ImageReference = { domain, path };
  if (digest !== undefined) reference.digest = checkDigest(text, digest);
  if (tag !== undefined) reference.tag = tag;
  else if (digest === undefined) reference.tag = DEFAULT_TAG;
  return reference;
}

/** Splits off the registry host the way Docker does: a first component is a host only when it looks like one. */
function splitDockerDomain(text: string): [string, string] {
  const slash = text.indexOf('/');
  let domain = DEFAULT_DOMAIN;
  let remainder = text;
  if (slash !== -1) {
    const first = text.slice(0, slash);
    const looksLikeHost = /[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first;
    if (looksLikeHost) {
      domain = first;
      remainder = text.slice(slash + 1);
    }
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return [domain, remainder];
}

function checkDigest(text: string, digest: string): Digest {
  const [algorithm = '', hex = ''] = digest.split(':');
  const length = DIGEST_LENGTHS[algorithm];
  if (length === undefined) throw new InvalidReferenceError(text, `unsupported digest algorithm "${algorithm}"`);
  if (hex.length !== length || !/^[a-f0-9]+$/.test(hex)) {
    throw new InvalidReferenceError(text, `invalid ${algorithm} digest "${digest}"`);
  }
  return parseDigest(digest, `reference "${text}"`);
}

/** The canonical string of a reference, e.g. `docker.io/library/busybox:latest`; throws InvalidReferenceError. */
export function normalizeReference(text: string): string {
  return formatReference(parseReference(text));
}

/** Whether `text` is a valid reference. */
export function isReference(text: string): boolean {
  try {
    parseReference(text);
    return true;
  } catch {
    return false;
  }
}

/** `domain/path`, e.g. `docker.io/library/busybox`. */
function referenceName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The canonical string, e.g. `docker.io/library/busybox:latest` or `host/x:t@sha256:...`. */
export function formatReference(ref: ImageReference): string {
  return `${referenceName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The short name Docker prints: `busybox`, `user/app`, `localhost:5000/app`. */
export function familiarName(ref: ImageReference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return referenceName(ref);
  const path = ref.path;
  if (path.startsWith(OFFICIAL_REPO_PREFIX) && path.indexOf('/', OFFICIAL_REPO_PREFIX.length) === -1) {
    return path.slice(OFFICIAL_REPO_PREFIX.length);
  }
  return path;
}

/** The familiar name with tag and digest, e.g. `busybox:latest`. */
export function familiarString(ref: ImageReference): string {
  return `${familiarName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** What to ask a registry for: the digest when there is one (Docker ignores the tag then), else the tag. */
export function manifestReference(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? DEFAULT_TAG;
}
