// The container config as BuildKit serialises it: image-spec's ImageConfig and Docker's extension
// (moby/docker-image-spec) tag every field `omitempty`, so a reset CMD, `CMD []` or an empty map is
// left out of the JSON, never written as `null`, `[]`, `{}` or `""`.
import type { ContainerConfig } from './types.js';

/** The fields Go's omitempty drops when empty; Healthcheck is a pointer, kept unless null. */
const OMIT_EMPTY = new Set<string>([
  'User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal',
  'ArgsEscaped', 'OnBuild', 'Shell', 'Healthcheck',
]);

export function withoutEmptyFields(config: ContainerConfig): ContainerConfig {
  return Object.fromEntries(Object.entries(config).filter(([key, value]) => !(OMIT_EMPTY.has(key) && isEmpty(key, value))));
}

function isEmpty(key: string, value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return key !== 'Healthcheck' && typeof value === 'object' && Object.keys(value).length === 0;
}
