// The public surface of src/spec: what other modules may import from it.
export { canonicalJson } from './canonical-json.js';
export { withoutEmptyFields, withSpecKeysOnly } from './container-config.js';
export { DEFAULT_PATH } from './default-path.js';
export { digestHex, digestOfHash, isDigest, parseDigest, parseDigests, sha256Digest } from './digest.js';
export type { Digest } from './digest.js';
export { declaredMediaType, isObject, parseConfig, parseDescriptor, parseIndex, parseJsonObject, parseManifest, parseSize } from './documents.js';
export { parseGoDuration } from './duration.js';
export { formatPlatform, hostPlatform, parsePlatform, parsePlatformList, platformRank, selectManifest } from './platform.js';
export { DEFAULT_DOMAIN, familiarName, familiarString, formatReference, isReference, manifestReference, normalizeReference, parseReference } from './reference.js';
export type { ImageReference } from './reference.js';
export { parseRamInBytes } from './size.js';
export { checkUlimit, parseUlimit, parseUlimits, ULIMIT_NAMES } from './ulimit.js';
export type { Ulimit, UlimitName } from './ulimit.js';
export * from './types.js';
export { OPAQUE_WHITEOUT, WHITEOUT_PREFIX } from './whiteout.js';
export {
  ATTESTATION_MANIFEST_TYPE, ATTESTATION_PLATFORM, IN_TOTO_MEDIA_TYPE, PREDICATE_TYPE_ANNOTATION, PredicateType, REFERENCE_DIGEST_ANNOTATION,
  REFERENCE_TYPE_ANNOTATION, digestSet, imagePurl, inTotoStatement, isAttestationManifest,
} from './in-toto.js';
export type { InTotoStatement, InTotoSubject } from './in-toto.js';
export { isGitSource } from './git-source.js';
