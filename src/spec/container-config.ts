// The container config as BuildKit serialises it: image-spec's ImageConfig and Docker's extension
// (moby/docker-image-spec) tag every field `omitempty`, so a reset CMD, `CMD []` or an empty map is
// left out of the JSON, never written as `null`, `[]`, `{}` or `""`.
import type { ContainerConfig, ImageConfig } from './types.js';

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

/** What moby/docker-image-spec's DockerOCIImage holds: image-spec's Image, ImageConfig and History, Docker's extension. */
const IMAGE_KEYS = ['created', 'author', 'architecture', 'os', 'os.version', 'os.features', 'variant', 'config', 'rootfs', 'history'];
const CONTAINER_KEYS = [...OMIT_EMPTY];
const HEALTHCHECK_KEYS = ['Test', 'Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'];
const HISTORY_KEYS = ['created', 'created_by', 'author', 'comment', 'empty_layer'];
const ROOTFS_KEYS = ['type', 'diff_ids'];

/**
 * An image config with only the keys BuildKit's frontend keeps: it reads a base image's config
 * into DockerOCIImage and marshals that, so what an old Docker engine wrote (`Hostname`,
 * `AttachStdin`, `Image`, `container_config`, `docker_version`, ...) is not inherited.
 */
export function withSpecKeysOnly(image: ImageConfig): ImageConfig {
  const kept = pick(image, IMAGE_KEYS) as unknown as ImageConfig;
  if (image.config) {
    const config = pick(image.config, CONTAINER_KEYS) as ContainerConfig;
    if (config.Healthcheck) config.Healthcheck = pick(config.Healthcheck, HEALTHCHECK_KEYS);
    kept.config = config;
  }
  if (image.rootfs) kept.rootfs = pick(image.rootfs, ROOTFS_KEYS) as ImageConfig['rootfs'];
  if (image.history) kept.history = image.history.map((entry) => pick(entry, HISTORY_KEYS));
  return kept;
}

function pick<T extends object>(value: T, keys: readonly string[]): T {
  return Object.fromEntries(Object.entries(value).filter(([key]) => keys.includes(key))) as T;
}
