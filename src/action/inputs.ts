// Reads the action's inputs from the environment exactly as the Actions runner passes them
// (`INPUT_<NAME>`), with @actions/core's `getInput`/`getBooleanInput` semantics.
import { TsbuildError } from '../errors.js';
import { parseAnnotationFlags, parseAttestFlags } from '../cli/index.js';
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
  /** `provenance`: a boolean or provenance attributes; '' = build-push-action's default. */
  provenance: string;
  sbom: string;
  /** `attests`: `--attest` values. */
  attests: string[];
  /** `annotations`: `--annotation` values. */
  annotations: string[];
  /** The workflow run, as build-push-action names the provenance's builder. */
  builderId?: string;
  rootless: RootlessInput;
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

/** How the step may build without root (see privileges.ts). */
export type RootlessInput = 'auto' | 'true' | 'false';

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
  // Checked here so that a bad value fails before anything runs, with the CLI's own message.
  parseAttestFlags(lines('attests'), getInput(env, 'provenance') || undefined, getInput(env, 'sbom') || undefined);
  parseAnnotationFlags(lines('annotations'));
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
    provenance: getInput(env, 'provenance'),
    sbom: getInput(env, 'sbom'),
    attests: lines('attests'),
    annotations: lines('annotations'),
    rootless: rootlessInput(getInput(env, 'rootless')),
    ...runBuilderId(env),
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

/** `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID/attempts/$GITHUB_RUN_ATTEMPT` (actions-toolkit's builder id). */
function runBuilderId(env: Env): { builderId?: string } {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: run, GITHUB_RUN_ATTEMPT: attempt } = env;
  return server && repository && run ? { builderId: `${server}/${repository}/actions/runs/${run}/attempts/${attempt || '1'}` } : {};
}

function rootlessInput(value: string): RootlessInput {
  if (value === '' || value === 'auto') return 'auto';
  if (TRUE_VALUES.includes(value)) return 'true';
  if (FALSE_VALUES.includes(value)) return 'false';
  throw new TsbuildError('USAGE', `input "rootless" is "${value}"; use auto, true or false`);
}
