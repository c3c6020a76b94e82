// The options of a build and its result: the one shape shared by the CLI, the Node API and the
// GitHub Action.
import type { CacheLocation } from '../cache/index.js';
import type { Annotation } from './annotations.js';
import type { AttestationRequest } from './attestations/requests.js';
import type { EventSink } from './events.js';
import type { DockerEngineOptions, OutputSpec } from './exporters/index.js';
import type { ImageConfig, ImageManifest } from '../oci/index.js';
import type { RegistryClientOptions } from '../registry/index.js';
import type { Ulimit } from '../spec/index.js';

export type { CacheLocation } from '../cache/index.js';
export type { Compression } from './exporters/attributes.js';
export type { Ulimit, UlimitName } from '../spec/index.js';
export type { OutputSpec } from './exporters/index.js';
export type { Annotation, AnnotationLevel } from './annotations.js';
export type { AttestationRequest, ProvenanceRequest, SbomRequest } from './attestations/requests.js';

/** `--secret id=x,src=path` or `--secret id=x,env=VAR`. */
export type SecretSource = { id: string; src: string } | { id: string; env: string };

/** `--ssh default[=socket]`. */
export interface SshForward {
  id: string;
  socket: string;
}

export interface CacheExportSpec {
  location: CacheLocation;
  /** `min`: the steps of the final image only; `max`: every step of the build. */
  mode: 'min' | 'max';
  /** Also export the contents of `RUN --mount=type=cache` directories (tsbuild only). */
  cacheMounts?: boolean;
  /** BuildKit's `ignore-error=true`: a failed export is a warning, not a failed build. */
  ignoreError?: boolean;
}

export type RuntimeName = 'auto' | 'builtin' | 'runc' | 'crun';

/** Limits of every RUN step (docker build's `--memory`, `--cpu-quota`/`--cpu-period`, and `--pids-limit`). */
export interface RunLimits {
  memoryBytes?: number;
  /** Fractional CPUs (a CFS quota over 100 ms). */
  cpus?: number;
  /** Default 4096 where a pids cgroup is available; 0: unlimited. */
  pidsLimit?: number;
}

/** `--allow` (buildx): privileges the Dockerfile may use. */
export type Entitlement = 'network.host';

/**
 * `--build-context name=…`: replaces the stage, FROM, `--from` and `from=` of that name, as in
 * BuildKit. `image`: an image reference (docker-image://); `dir`: a local directory (its own
 * .dockerignore applies); `url`: a git URL (its checkout) or another http(s) URL (one file named
 * `context`); `ociLayout`: the image of an OCI layout directory, by `digest`, else by `tag`
 * (default `latest`, or the layout's only image).
 */
export type NamedContext =
  | { image: string }
  | { dir: string }
  | { url: string }
  | { ociLayout: string; digest?: string; tag?: string };

export interface BuildOptions {
  /** The build context directory. */
  context: string;
  /** Path of the Dockerfile; default `<context>/Dockerfile`. */
  dockerfile?: string;
  /** Dockerfile text, instead of reading `dockerfile` (the path is still used in messages). */
  dockerfileContents?: string;
  tags?: string[];
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  target?: string;
  /** `--build-context`: named contexts by name. */
  buildContexts?: Record<string, NamedContext>;
  /** e.g. `['linux/amd64', 'linux/arm64']`; default: the host platform. */
  platforms?: string[];
  /** Default: the local image store under every tag. */
  outputs?: OutputSpec[];
  /**
   * Attestations attached to the image (`--attest`, `--provenance`, `--sbom`): an attestation
   * manifest per platform in the image's index, as BuildKit attaches them.
   */
  attestations?: AttestationRequest[];
  /** `--annotation`: OCI annotations of the image manifests, their index and their descriptors. */
  annotations?: Annotation[];
  /** Where a remote build context came from (a git URL and its commit): the provenance's config source. */
  contextSource?: { uri: string; digest?: Record<string, string> };
  /** The date (seconds) of a remote build context (`openBuildInput`'s `epoch`): `SOURCE_DATE_EPOCH=context`. */
  contextEpoch?: number;
  /**
   * buildx's `--load`: also keep the image in the local store and load it into the local Docker
   * engine (DOCKER_HOST or /var/run/docker.sock); without a reachable engine, a warning.
   */
  load?: boolean;
  /**
   * The Docker engine `load` and `type=docker` without `dest` load into: `host` instead of
   * DOCKER_HOST; `idleTimeoutMs`, how long it may read nothing of the image before the load fails (120 s).
   */
  dockerEngine?: DockerEngineOptions;
  noCache?: boolean;
  /** Caches to import records from (`--cache-from`). */
  cacheFrom?: CacheLocation[];
  /** Caches to export this build's records to (`--cache-to`). */
  cacheTo?: CacheExportSpec[];
  noCacheFilter?: string[];
  /** Re-resolve base images even when they are in the store. */
  pull?: boolean;
  secrets?: SecretSource[];
  ssh?: SshForward[];
  /**
   * Network of RUN steps without `--network=`: `default` is a network namespace of their own with
   * outbound access through slirp4netns (loopback only, with a warning, when it is not installed).
   */
  network?: 'default' | 'none' | 'host';
  runLimits?: RunLimits;
  /** `--ulimit`: rlimits of every RUN step (-1: unlimited), part of its cache key as in BuildKit. */
  ulimits?: Ulimit[];
  /** `--shm-size`: bytes of the /dev/shm tmpfs of RUN steps (default 64 MiB), part of their cache key. */
  shmSize?: number;
  /**
   * `--cgroup-parent`: the cgroup RUN steps' cgroups are made in, a path from each hierarchy's root
   * (a leading `/` optional, as BuildKit reads it; `..` refused); default: under tsbuild's own.
   * Part of their cache key, as in BuildKit.
   */
  cgroupParent?: string;
  /** `--add-host`: extra `/etc/hosts` entries of RUN steps, as `{ name, ip }`, in order. */
  addHosts?: { name: string; ip: string }[];
  /** Entitlements granted to the Dockerfile: `network.host` lets `RUN --network=host` run. */
  allow?: string[];
  runtime?: RuntimeName;
  /**
   * Whole seconds since the epoch, as buildx takes the environment's SOURCE_DATE_EPOCH: the build
   * arg SOURCE_DATE_EPOCH unless `buildArgs` sets one (which then wins), so a stage's
   * `ARG SOURCE_DATE_EPOCH` sees it. The epoch the Dockerfile resolves dates the image and clamps
   * its timestamps for reproducible images.
   */
  sourceDateEpoch?: number;
  /** Emit `cache.miss` events saying why each step missed. */
  explainCache?: boolean;
  iidFile?: string;
  metadataFile?: string;
  /** The tsbuild root; default `$TSBUILD_ROOT` or the per-user default. */
  root?: string;
  /**
   * Settings of every registry client the build makes: base-image pulls, pushes, and the
   * registry caches of `cacheFrom`/`cacheTo` (mirrors, insecure registries, credentials).
   */
  registry?: RegistryClientOptions;
  signal?: AbortSignal;
  onEvent?: EventSink;
}

/** A build check's finding (`tsbuild check`), as BuildKit reports it after a build. */
export interface CheckWarning {
  rule: string;
  message: string;
  line: number;
}

export interface BuildResult {
  /** Digest of the image manifest (or of the index for multi-platform builds). */
  digest: string;
  /** Digest of the image config (`docker images` ID) of the first platform. */
  imageId: string;
  manifest: ImageManifest;
  config: ImageConfig;
  tags: string[];
  /** BuildKit's metadata-file keys (`containerimage.digest`, ...). */
  metadata: Record<string, unknown>;
  /** What the build checks found (BuildKit's "N warnings found"). */
  checkWarnings: CheckWarning[];
}
