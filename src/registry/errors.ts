// RegistryError: a failed registry exchange with the registry's own diagnostics, the host, and
// whether retrying may help (like go-containerregistry's transport.Error).
import { TsbuildError } from '../errors.js';
import { parseJsonObject } from '../spec/index.js';

/** One entry of the distribution spec's `{"errors": [...]}` body. */
export interface RegistryDiagnostic {
  code: string;
  message: string;
  detail?: unknown;
}

export interface RegistryErrorDetails {
  registry: string;
  status?: number;
  diagnostics?: RegistryDiagnostic[];
  temporary?: boolean;
  cause?: unknown;
}

export class RegistryError extends TsbuildError {
  readonly registry: string;
  /** HTTP status, absent for network failures. */
  readonly status: number | undefined;
  readonly diagnostics: RegistryDiagnostic[];
  /** True when the same request may succeed later (429, 5xx, connection reset). */
  readonly temporary: boolean;

  constructor(message: string, details: RegistryErrorDetails) {
    super('REGISTRY', message, { cause: details.cause });
    this.registry = details.registry;
    this.status = details.status;
    this.diagnostics = details.diagnostics ?? [];
    this.temporary = details.temporary ?? false;
  }
}

const TEMPORARY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

export function isTemporaryStatus(status: number): boolean {
  return TEMPORARY_STATUSES.has(status);
}

/** Parses a distribution error body; tolerates anything else (HTML from proxies, empty bodies). */
function parseDiagnostics(body: string): RegistryDiagnostic[] {
  try {
    const errors = parseJsonObject(body, { where: 'registry error body', code: 'REGISTRY' }, 'error body')['errors'];
    if (!Array.isArray(errors)) return [];
    return errors.flatMap((entry: unknown) => {
      if (typeof entry !== 'object' || entry === null) return [];
      const { code, message, detail } = entry as Record<string, unknown>;
      return [{ code: String(code ?? 'UNKNOWN'), message: String(message ?? ''), detail }];
    });
  } catch {
    return [];
  }
}

/** Builds the error for an unexpected status: `what` names the manifest or blob involved. */
export function registryStatusError(
  registry: string,
  status: number,
  what: string,
  body: string,
): RegistryError {
  const diagnostics = parseDiagnostics(body);
  const said = diagnostics.map((d) => `${d.code}: ${d.message}`).join('; ');
  const suffix = said ? ` (${said})` : '';
  let message: string;
  if (status === 401 || status === 403) {
    const verb = status === 401 ? 'authentication required' : 'access denied';
    message = `${registry}: ${verb} for ${what}${suffix}; run \`tsbuild login ${registry}\``;
  } else if (status === 404) {
    message = `${registry}: ${what} not found${suffix}`;
  } else {
    message = `${registry}: ${what} failed with HTTP ${status}${suffix}`;
  }
  return new RegistryError(message, { registry, status, diagnostics, temporary: isTemporaryStatus(status) });
}
