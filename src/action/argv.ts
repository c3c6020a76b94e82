// Turns the action's inputs into the arguments of `tsbuild build` (docker buildx's flags).
import type { ActionInputs } from './inputs.js';
import { secretEnvFlag, secretFlag, type SecretMount } from './secrets.js';

/** Files the action prepares for one run; their paths end up on the command line. */
export interface RunFiles {
  metadataFile: string;
  iidFile: string;
  /** `secrets` written to temp files, then `secret-files`, in input order. */
  secretMounts: SecretMount[];
}

/**
 * The argv after the CLI path: `build ... CONTEXT`. Pure. Long flags use the `--flag=value`
 * form so that a value starting with `-` (a build arg, say) is never read as a flag.
 */
export function buildArgv(inputs: ActionInputs, files: RunFiles): string[] {
  const argv = ['build'];
  const flag = (name: string, value: string) => argv.push(`--${name}=${value}`);
  const each = (name: string, values: string[]) => values.forEach((value) => flag(name, value));
  const when = (name: string, on: boolean) => on && argv.push(`--${name}`);

  if (inputs.file) argv.push('-f', inputs.file);
  for (const tag of inputs.tags) argv.push('-t', tag);
  each('build-arg', inputs.buildArgs);
  each('label', inputs.labels);
  if (inputs.target) flag('target', inputs.target);
  if (inputs.platforms.length > 0) flag('platform', inputs.platforms.join(','));
  each('output', inputs.outputs);
  when('push', inputs.push);
  when('load', inputs.load);
  each('attest', inputs.attests.map((value) => withBuilderId(value, inputs)));
  const provenance = provenanceFlag(inputs);
  if (provenance) flag('provenance', provenance);
  if (inputs.sbom) flag('sbom', inputs.sbom);
  each('annotation', inputs.annotations);
  each('cache-from', inputs.cacheFrom);
  each('cache-to', inputs.cacheTo);
  each('secret', files.secretMounts.map(secretFlag));
  each('secret', inputs.secretEnvs.map(secretEnvFlag));
  each('ssh', inputs.ssh);
  when('no-cache', inputs.noCache);
  each('no-cache-filter', inputs.noCacheFilters);
  when('pull', inputs.pull);
  if (inputs.network) flag('network', inputs.network);
  if (inputs.runtime) flag('runtime', inputs.runtime);
  each('build-context', inputs.buildContexts);
  each('allow', inputs.allow);
  each('add-host', inputs.addHosts);
  if (inputs.shmSize) flag('shm-size', inputs.shmSize);
  each('ulimit', inputs.ulimits);
  if (inputs.cgroupParent) flag('cgroup-parent', inputs.cgroupParent);
  if (inputs.call) flag('call', inputs.call);
  flag('metadata-file', files.metadataFile);
  flag('iidfile', files.iidFile);
  flag('progress', 'plain');
  argv.push(inputs.context);
  return argv;
}

const BOOLEAN = /^(true|false|1|0)$/i;

/**
 * build-push-action v6: the `provenance` input as given (with the run as builder id), or, when
 * neither it nor `attests` asks for provenance, `mode=min` for an image that is pushed.
 */
function provenanceFlag(inputs: ActionInputs): string | undefined {
  const value = inputs.provenance;
  if (/^(false|0)$/i.test(value)) return 'false';
  if (BOOLEAN.test(value)) return withBuilderId('', inputs, 'provenance') || 'true';
  if (value) return withBuilderId(value, inputs, 'provenance');
  if (inputs.attests.some((a) => /(^|,)type=provenance(,|$)/.test(a))) return undefined;
  return pushes(inputs) ? withBuilderId('mode=min,inline-only=true', inputs, 'provenance') : undefined;
}

function pushes(inputs: ActionInputs): boolean {
  return inputs.push || inputs.outputs.some((o) => /(^|,)type=registry(,|$)/.test(o) || /(^|,)push=true(,|$)/.test(o));
}

/** Adds `builder-id=` to provenance attributes that lack one (actions-toolkit's resolveProvenanceAttrs). */
function withBuilderId(attrs: string, inputs: ActionInputs, type?: 'provenance'): string {
  const isProvenance = type === 'provenance' || /(^|,)type=provenance(,|$)/.test(attrs);
  if (!isProvenance || !inputs.builderId || /(^|,)builder-id=/.test(attrs)) return attrs;
  return attrs ? `${attrs},builder-id=${inputs.builderId}` : `builder-id=${inputs.builderId}`;
}
