// Reads the action's inputs from the environment exactly as the Actions runner passes them
// (`INPUT_<NAME>`), with @actions/core's `getInput`/`getBooleanInput` semantics.
import { TsbuildError } from '../errors.js';
import { parseInputList } from './input-list.js';

export interface ActionInputs {
  context: string;
  file: string;
  tags: string[];
  labels: string[];
  buildArgs: string[];
  target: string;
  platforms: string[];
  push: boolean;
  load: boolean;
  outputs: string[];
  cacheFrom: string[];
  cacheTo: string[];
  /** `id=value` items; values may span lines. */
  secrets: string[];
  /** `id=path` items. */
  secretFiles: string[];
  ssh: string[];
  noCache: boolean;
  noCacheFilters: string[];
  pull: boolean;
  network: string;
  runtime: string;
  /** `host:ip` items (`add-hosts`). */
  addHosts: string[];
  /** Entitlements (`network.host`). */
  allow: string[];
  /** `name=source` items (`build-contexts`). */
  buildContexts: string[];
  /** docker/build-push-action's buildx builder: tsbuild has none, the input is ignored with a notice. */
  builder: string;
  /** `build`, `check`, `outline`, `targets`. */
  call: string;
  cgroupParent: string;
  /** `id=ENV_VAR` items (`secret-envs`). */
  secretEnvs: string[];
  shmSize: string;
  /** `type=soft[:hard]` items (`ulimit`). */
  ulimits: string[];
  /** Authenticates the fetch of a Git context on the GitHub server. */
  githubToken: string;
}

type Env = NodeJS.ProcessEnv;

/** `core.getInput`: spaces become `_`, the name is upper-cased, hyphens stay; value trimmed. */
export function getInput(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

const TRUE_VALUES = ['true', 'True', 'TRUE'];
const FALSE_VALUES = ['false', 'False', 'FALSE'];

/**
 * `core.getBooleanInput`: YAML 1.2 core-schema booleans only. An empty value means false (the
 * runner always passes action.yml's `default: 'false'`; core would throw on '').
 */
export function getBooleanInput(env: Env, name: string): boolean {
  const value = getInput(env, name);
  if (value === '' || FALSE_VALUES.includes(value)) return false;
  if (TRUE_VALUES.includes(value)) return true;
  throw new TsbuildError(
    'USAGE',
    `input "${name}" is "${value}", which is not a boolean (true | True | TRUE | false | False | FALSE)`,
  );
}

export function readInputs(env: Env): ActionInputs {
  const list = (name: string) => parseInputList(getInput(env, name));
  const lines = (name: string) => parseInputList(getInput(env, name), { ignoreComma: true });
  rejectProvenance(getInput(env, 'provenance'));
  return {
    context: getInput(env, 'context') || '.',
    file: getInput(env, 'file'),
    tags: list('tags'),
    labels: lines('labels'),
    buildArgs: lines('build-args'),
    target: getInput(env, 'target'),
    platforms: list('platforms'),
    push: getBooleanInput(env, 'push'),
    load: getBooleanInput(env, 'load'),
    outputs: parseInputList(getInput(env, 'outputs'), { ignoreComma: true, quote: false }),
    cacheFrom: lines('cache-from'),
    cacheTo: lines('cache-to'),
    secrets: lines('secrets'),
    secretFiles: lines('secret-files'),
    ssh: list('ssh'),
    noCache: getBooleanInput(env, 'no-cache'),
    noCacheFilters: list('no-cache-filters'),
    pull: getBooleanInput(env, 'pull'),
    network: getInput(env, 'network'),
    runtime: getInput(env, 'runtime'),
    addHosts: list('add-hosts'),
    allow: list('allow'),
    buildContexts: lines('build-contexts'),
    builder: getInput(env, 'builder'),
    call: getInput(env, 'call'),
    cgroupParent: getInput(env, 'cgroup-parent'),
    secretEnvs: list('secret-envs'),
    shmSize: getInput(env, 'shm-size'),
    ulimits: lines('ulimit'),
    githubToken: getInput(env, 'github-token'),
  };
}

/**
 * docker/build-push-action turns `provenance` into an attestation; tsbuild cannot attach
 * attestations yet, so only an empty or false value is accepted.
 */
function rejectProvenance(value: string): void {
  if (value === '' || FALSE_VALUES.includes(value)) return;
  throw new TsbuildError(
    'USAGE',
    `input "provenance: ${value}" is not supported: tsbuild does not create provenance attestations yet; ` +
      'remove the input or set it to false',
  );
}
