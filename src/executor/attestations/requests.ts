// What attestations a build attaches: buildx's `--attest type=provenance|sbom,...`, and its
// shorthands `--provenance` and `--sbom` (a boolean, or the attributes of the type).
import { TsbuildError } from '../../errors.js';
import { bool } from '../exporters/attributes.js';

/** `--attest type=provenance,mode=min|max,version=v1|v0.2,builder-id=URL[,reproducible=true]`. */
export interface ProvenanceRequest {
  type: 'provenance';
  mode: 'min' | 'max';
  /** The SLSA provenance version of the predicate (BuildKit's default: v1). */
  version: 'v1' | 'v0.2';
  builderId?: string;
  reproducible?: boolean;
  /** The file name in a local export (default `provenance.json`). */
  filename?: string;
}

/** `--attest type=sbom`: an SPDX document of the final image's packages, made by tsbuild. */
export interface SbomRequest {
  type: 'sbom';
}

export type AttestationRequest = ProvenanceRequest | SbomRequest;

/** A flag's request, or that it turns its type off (`--provenance=false`, `disabled=true`). */
export type AttestationFlag = AttestationRequest | { type: AttestationRequest['type']; disabled: true };

const usage = (message: string) => new TsbuildError('USAGE', message);

const PROVENANCE_KEYS = new Set(['type', 'disabled', 'mode', 'version', 'builder-id', 'reproducible', 'filename', 'inline-only']);
const SBOM_KEYS = new Set(['type', 'disabled']);

/** The request of `--attest` attributes. */
export function parseAttestation(fields: Record<string, string>, raw: string): AttestationFlag {
  const { type } = fields;
  if (type !== 'provenance' && type !== 'sbom') {
    throw usage(`--attest "${raw}": ${type === undefined ? 'missing type=' : `unknown type "${type}"`} (provenance, sbom)`);
  }
  if (bool(fields.disabled, false)) return { type, disabled: true };
  const known = type === 'provenance' ? PROVENANCE_KEYS : SBOM_KEYS;
  if (type === 'sbom' && fields.generator !== undefined) {
    throw usage(`--attest "${raw}": generator= is not supported: tsbuild writes the SBOM itself (remove generator=)`);
  }
  const unknown = Object.keys(fields).filter((key) => !known.has(key));
  if (unknown.length > 0) throw usage(`--attest "${raw}": unknown attribute ${unknown.map((k) => `"${k}"`).join(', ')}`);
  if (type === 'sbom') return { type };
  const mode = fields.mode ?? 'min';
  if (mode !== 'min' && mode !== 'max') throw usage(`--attest "${raw}": mode must be min or max, got "${mode}"`);
  const version = fields.version ?? 'v1';
  if (version !== 'v1' && version !== 'v0.2') throw usage(`--attest "${raw}": version must be v1 or v0.2, got "${version}"`);
  return {
    type, mode, version,
    ...(fields['builder-id'] ? { builderId: fields['builder-id'] } : {}),
    ...(fields.reproducible !== undefined ? { reproducible: bool(fields.reproducible, false) } : {}),
    ...(fields.filename ? { filename: fields.filename } : {}),
  };
}

/**
 * buildx's canonicalisation of `--provenance VALUE` / `--sbom VALUE`: a boolean turns the type on
 * or off, anything else is that type's attributes (`mode=max`).
 */
export function shorthandAttestation(type: AttestationRequest['type'], value: string, fields: (text: string) => Record<string, string>): AttestationFlag {
  const flag = `--${type}`;
  let on: boolean | undefined;
  try {
    on = bool(value.trim(), true);
  } catch {
    on = undefined;
  }
  if (on !== undefined) return on ? parseAttestation({ type }, flag) : { type, disabled: true };
  const parsed = fields(value);
  if (parsed.type !== undefined && parsed.type !== type) throw usage(`${flag} "${value}": type= must be ${type}`);
  return parseAttestation({ ...parsed, type }, `${flag}=${value}`);
}

/** One request per type: a later flag of the same type replaces an earlier one, as buildx does. */
export function mergeAttestations(flags: AttestationFlag[]): AttestationRequest[] {
  const byType = new Map<string, AttestationRequest | undefined>();
  for (const flag of flags) byType.set(flag.type, 'disabled' in flag ? undefined : flag);
  return [...byType.values()].filter((r): r is AttestationRequest => r !== undefined);
}
