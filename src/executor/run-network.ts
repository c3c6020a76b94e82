// Which network a RUN step gets: its own `--network=`, else the build's `--network`, where
// `default` is a private namespace with outbound access (slirp4netns), or loopback only with one
// warning per build when slirp4netns is missing or unusable, so an offline build without it still works.
import type { ExecOp } from '../planner/index.js';
import { privateNetworkProblem } from '../runtime-shim/index.js';
import type { NetworkMode } from '../runtime-shim/index.js';
import type { BuildContext } from './context.js';

const warned = new WeakSet<BuildContext>();

export function runNetwork(ctx: BuildContext, op: ExecOp): NetworkMode {
  const mode = op.network === 'default' ? (ctx.options.network ?? 'default') : op.network;
  if (mode !== 'default') return mode;
  const problem = privateNetworkProblem();
  if (problem === undefined) return 'private';
  if (!warned.has(ctx)) {
    warned.add(ctx);
    ctx.emit({ type: 'warning', message: `${problem}, so RUN steps have no outbound network: they run with loopback only (the host network mode gives them the host's)` });
  }
  return 'none';
}
