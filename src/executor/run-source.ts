// Runs FROM (and `--from=image`): the base image's layers are pulled and unpacked under this step,
// as BuildKit shows them (`[1/3] FROM name@sha256:…`, `resolve …`, each layer, `extracting …`);
// the step is CACHED when the root already has them all. Planning pulled the manifest and config.
import { cacheKey } from '../cache/index.js';
import { TsbuildError } from '../errors.js';
import { digestHex, type Digest } from '../oci/index.js';
import type { SourceOp, Step } from '../planner/index.js';
import { chainIds } from '../snapshots/index.js';
import { parsePlatform } from '../spec/index.js';
import type { BuildContext } from './context.js';
import { baseConfig, scratchConfig } from './image-config.js';
import { ensureSnapshots } from './layer-step.js';
import type { BuildState } from './state.js';
import type { LayerRef, StepResult } from './step-result.js';

/** FROM: the base image's config and layers, unpacked; its key is its manifest digest. */
export async function runSourceStep(ctx: BuildContext, state: BuildState, step: Step, op: SourceOp): Promise<StepResult> {
  const platform = parsePlatform(op.platform);
  if (op.image === 'scratch') {
    return { key: cacheKey({ definition: op, inputKeys: [], contents: {} }), config: scratchConfig(platform), layers: [] };
  }
  const image = await ctx.baseImages.resolve(op.image, platform);
  const diffIds = image.config.rootfs.diff_ids;
  if (diffIds.length !== image.manifest.layers.length) {
    throw new TsbuildError('STORE', `${op.image}: the config lists ${diffIds.length} layers but the manifest ${image.manifest.layers.length}`);
  }
  const layers: LayerRef[] = image.manifest.layers.map((descriptor, i) => ({ descriptor, diffId: diffIds[i] as Digest }));
  // Named with the digest it resolved to, as BuildKit names it (the index's, for a multi-platform image).
  const digest = image.index?.descriptor.digest ?? image.descriptor.digest;
  const resolved = op.image.includes('@') ? op.image : `${op.image}@${digest}`;
  const stepName = state.stepNames.get(step.id) ?? step.instruction;
  const label = { stepId: step.id, name: op.image.includes('@') ? stepName : `${stepName}@${digest}`, line: step.range?.start.line };
  if (await isUnpacked(ctx, layers)) {
    ctx.emit({ type: 'step.cached', ...label });
  } else {
    const started = Date.now();
    ctx.emit({ type: 'step.started', ...label });
    try {
      statusUntilDone(ctx, step.id, `resolve ${resolved}`)(); // planning resolved it
      await ctx.baseImages.pullLayers(op.image, platform, step.id);
      await ensureSnapshots(ctx, layers, (layer) => statusUntilDone(ctx, step.id, `extracting ${layer.descriptor.digest}`));
      ctx.emit({ type: 'step.done', ...label, durationMs: Date.now() - started });
    } catch (error) {
      ctx.emit({ type: 'step.failed', ...label, durationMs: Date.now() - started, error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }
  return {
    key: cacheKey({ definition: op, inputKeys: [], contents: { image: image.descriptor.digest } }),
    config: baseConfig(image.config),
    layers,
  };
}

/** Whether every layer's blob is stored and unpacked (snapshots leased first, so GC leaves them). */
async function isUnpacked(ctx: BuildContext, layers: readonly LayerRef[]): Promise<boolean> {
  const chains = chainIds(layers.map((l) => l.diffId));
  await ctx.lease.add(chains.map((id) => ({ kind: 'snapshot' as const, id: digestHex(id) })));
  if (!chains.every((id) => ctx.snapshots.has(id))) return false;
  for (const layer of layers) if (!(await ctx.store.has(layer.descriptor.digest))) return false;
  return true;
}

/** Reports `text` under the step as started; the function returned reports it done. */
function statusUntilDone(ctx: BuildContext, stepId: string, text: string): () => void {
  const started = Date.now();
  ctx.emit({ type: 'step.status', stepId, text });
  return () => ctx.emit({ type: 'step.status', stepId, text, durationMs: Date.now() - started });
}

