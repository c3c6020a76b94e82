// Writes a built image (config + manifest per platform, an index over several) and hands it to
// the exporters of the build's outputs (exporters/index.ts).
import { writeImage, writeIndex } from '../oci/index.js';
import { formatReference, parseReference, parsePlatform, parseManifest, withoutEmptyFields } from '../spec/index.js';
import type { Descriptor, ImageConfig } from '../oci/index.js';
import type { BuildContext } from './context.js';
import type { BuiltOutput, BuiltPlatformImage } from './exporters/exporter.js';
import { exporterFor, type OutputSpec } from './exporters/index.js';
import { withCreatedTimes } from './image-config.js';
import { ensureSnapshots } from './layer-step.js';
import type { StepResult } from './step-result.js';

export type { BuiltPlatformImage } from './exporters/exporter.js';

/** Writes config + manifest of each platform, and an index over them when there are several. */
export async function writeBuiltImages(
  ctx: BuildContext, results: { platform: string; result: StepResult }[],
): Promise<{ top: Descriptor; images: BuiltPlatformImage[] }> {
  const images: BuiltPlatformImage[] = [];
  for (const { platform, result } of results) {
    const dated = withCreatedTimes(withLabels(withPlatform(result.config, platform), ctx.options.labels), ctx.created);
    const config = {
      ...dated,
      ...(dated.config ? { config: withoutEmptyFields(dated.config) } : {}),
      ...(ctx.options.sourceDateEpoch === undefined ? {} : { created: ctx.created }),
    };
    const descriptor = await writeImage(ctx.store, { config, layers: result.layers.map((l) => l.descriptor) });
    const manifest = parseManifest(await ctx.store.read(descriptor.digest), { where: `built manifest ${descriptor.digest}` });
    images.push({ platform, result, descriptor, manifest, config });
  }
  const top = images.length === 1 ? images[0].descriptor : await writeIndex(ctx.store, images.map((i) => i.descriptor));
  return { top, images };
}

/**
 * The image is for the target platform, whatever its base says (as BuildKit writes it); a base's
 * OS version is kept when the target names none for the same os and architecture.
 */
function withPlatform(config: ImageConfig, platform: string): ImageConfig {
  const target = parsePlatform(platform);
  const { variant: _baseVariant, 'os.version': baseVersion, 'os.features': baseFeatures, ...rest } = config;
  const sameOsArch = config.os === target.os && config.architecture === target.architecture;
  const version = target['os.version'] || !sameOsArch ? target['os.version'] : baseVersion;
  const features = target['os.features'] ?? baseFeatures;
  return {
    ...rest, os: target.os, architecture: target.architecture, ...(target.variant ? { variant: target.variant } : {}),
    ...(version ? { 'os.version': version } : {}), ...(features?.length ? { 'os.features': features } : {}),
  };
}

function withLabels(config: ImageConfig, labels: Record<string, string> | undefined): ImageConfig {
  if (!labels || Object.keys(labels).length === 0) return config;
  return { ...config, config: { ...config.config, Labels: { ...config.config?.Labels, ...labels } } };
}

/** Runs each output's exporter; returns the names the image got in the local store. */
export async function exportOutputs(
  ctx: BuildContext, top: Descriptor, images: BuiltPlatformImage[], outputs: OutputSpec[],
): Promise<string[]> {
  const tags = (ctx.options.tags ?? []).map((t) => formatReference(parseReference(t)));
  const named: string[] = [];
  const built: BuiltOutput = {
    store: ctx.store, names: ctx.names, registry: ctx.registry, emit: ctx.emit, sourceDateEpoch: ctx.options.sourceDateEpoch,
    withRootfs: (image, action) => withRootfsView(ctx, image, action),
    top, images, tags,
  };
  for (const output of outputs) named.push(...(await exporterFor(output).exportBuild(output, built)));
  return named;
}

async function withRootfsView(ctx: BuildContext, image: BuiltPlatformImage, action: (rootfs: string) => unknown): Promise<void> {
  const chains = await ensureSnapshots(ctx, image.result.layers);
  const view = ctx.snapshots.prepareRootfs(chains, { writable: false });
  try {
    await action(view.rootfs);
  } finally {
    view.cleanup();
  }
}
