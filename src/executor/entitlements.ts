// Entitlements (`--allow`, as buildx): privileges a Dockerfile may use only when whoever runs the
// build grants them. A RUN --network=host without network.host is refused before anything runs.
import { TsbuildError } from '../errors.js';
import type { BuildPlan } from '../planner/index.js';
import type { BuildOptions, Entitlement } from './options.js';

const KNOWN: readonly string[] = ['network.host', 'security.insecure'];

/** Checks `--allow` values: BuildKit's names; `security.insecure` is not implemented by tsbuild. */
export function parseEntitlements(values: readonly string[]): Entitlement[] {
  return values.map((value) => {
    if (!KNOWN.includes(value)) throw new TsbuildError('USAGE', `unknown entitlement ${value} (tsbuild knows network.host)`);
    if (value !== 'network.host') throw new TsbuildError('USAGE', `the entitlement ${value} is not supported by tsbuild yet`);
    return value;
  });
}

/** The build-wide `--network host` is the invoker's own choice, so it grants network.host (as buildx). */
function grantedEntitlements(options: BuildOptions): Set<Entitlement> {
  const granted = new Set(parseEntitlements(options.allow ?? []));
  if (options.network === 'host') granted.add('network.host');
  return granted;
}

export function assertEntitled(plan: BuildPlan, options: BuildOptions): void {
  const granted = grantedEntitlements(options);
  for (const step of Object.values(plan.steps)) {
    if (step.op.kind !== 'exec' || step.op.network !== 'host' || granted.has('network.host')) continue;
    throw new TsbuildError('USAGE',
      `${step.file}:${step.range?.start.line ?? 0}: RUN --network=host: entitlement network.host is not allowed (grant it: allow network.host)`,
      { cliHint: '--allow network.host' });
  }
}
