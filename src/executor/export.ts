// Writes a built image (config + manifest per platform, an index over several) and hands it to
// the exporters of the build's outputs (exporters/index.ts).
import { inlineCacheValue, INLINE_CACHE_FIELD } from '../cache/index.js';
import type { StepResultRecord } from '../cache/index.js';
import { writeAttestationManifest, writeImage, writeIndex } from '../oci/index.js';
import { formatReference, parseReference, parsePlatform, parseManifest, withoutEmptyFields, withSpecKeysOnly } from '../spec/index.js';
import type { Attestation, Descriptor, ImageConfig } from '../oci/index.js';
import type { Emit } from './events.js';
import type { BuildContext } from './context.js';
import type { BuiltOutput, BuiltPlatformImage } from './exporters/exporter.js';
import { exporterFor, type OutputSpec } from './exporters/index.js';
import { annotationsAt } from './annotations.js';
import { withCreatedTimes } from './image-config.js';
import { ensureSnapshots } from './layer-step.js';
import type { StepResult } from './step-result.js';

export type { BuiltPlatformImage } from './exporters/exporter.js';

/** The attestations of a platform image; `withRootfs` views its files. */
export type AttestImage = (image: BuiltPlatformImage, withRootfs: (action: (rootfs: string) => unknown) => Promise<void>) => Promise<Attestation[]>;

/** What goes into the built images besides their steps' results. */
export interface BuiltImageExtras {
  /** The records `--cache-to type=inline` puts in each config (BuildKit's field). */
  inlineCache?: { key: string; result: StepResultRecord }[];
  attest?: AttestImage;
}

/**
 * Writes config + manifest of each platform, and an index over them when there are several or
 * when they have attestations (their manifests follow the images in the index, as BuildKit's).
 */
export async function writeBuiltImages(
  ctx: BuildContext, results: { platform: string; result: StepResult }[], { inlineCache, attest }: BuiltImageExtras = {},
): Promise<{ top: Descriptor; images: BuiltPlatformImage[] }> {
  const images: BuiltPlatformImage[] = [];
  for (const { platform, result } of results) {
    const dated = withSpecKeysOnly(withCreatedTimes(withLabels(withPlatform(result.config, platform), ctx.options.labels), ctx.created));
    const stamped = {
      ...dated,
      ...(dated.config ? { config: withoutEmptyFields(dated.config) } : {}),
      ...(ctx.options.sourceDateEpoch === undefined ? {} : { created: ctx.created }),
    };
    const inline = inlineCache && inlineCacheValue(inlineCache, stamped.rootfs.diff_ids);
    const config: ImageConfig = inline ? { ...stamped, [INLINE_CACHE_FIELD]: inline } as ImageConfig : stamped;
    const { annotations } = ctx.options;
    const written = await writeImage(ctx.store, {
      config, layers: result.layers.map((l) => l.descriptor), annotations: annotationsAt(annotations, 'manifest', platform),
    });
    const descriptorAnnotations = annotationsAt(annotations, 'manifest-descriptor', platform);
    const descriptor = descriptorAnnotations ? { ...written, annotations: descriptorAnnotations } : written;
    const manifest = parseManifest(await ctx.store.read(descriptor.digest), { where: `built manifest ${descriptor.digest}` });
    images.push({ platform, result, descriptor, manifest, config, attestations: [] });
  }
  const attestationManifests: Descriptor[] = [];
  for (const image of attest ? images : []) {
    image.attestations = await attest!(image, (action) => withRootfsView(ctx, image, action));
    if (image.attestations.length === 0) continue;
    attestationManifests.push(await writeAttestationManifest(ctx.store, image.descriptor, image.attestations, buildTags(ctx)));
  }
  const { annotations } = ctx.options;
  const indexAnnotations = annotationsAt(annotations, 'index');
  const topAnnotations = annotationsAt(annotations, 'index-descriptor');
  // As BuildKit: one platform without attestations is a bare manifest, so index-level annotations need an index.
  if (images.length === 1 && attestationManifests.length === 0) {
    if (indexAnnotations || topAnnotations) {
      ctx.emit({ type: 'warning', message: 'index and index-descriptor annotations apply to an index: this build writes one manifest (one platform, no attestations); they are left out' });
    }
    return { top: images[0].descriptor, images };
  }
  const index = await writeIndex(ctx.store, [...images.map((i) => i.descriptor), ...attestationManifests], 'oci', indexAnnotations);
  return { top: topAnnotations ? { ...index, annotations: topAnnotations } : index, images };
}

/** The build's `-t` names, normalised. */
function buildTags(ctx: BuildContext): string[] {
  return (ctx.options.tags ?? []).map((t) => formatReference(parseReference(t)));
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
  const tags = buildTags(ctx);
  const named: string[] = [];
  const built: BuiltOutput = {
    store: ctx.store, names: ctx.names, registry: ctx.registry, emit: underExportStep(ctx), sourceDateEpoch: ctx.options.sourceDateEpoch,
    withRootfs: (image, action) => withRootfsView(ctx, image, action),
    top, images, tags, dockerEngine: ctx.options.dockerEngine,
  };
  for (const output of outputs) named.push(...(await exporterFor(output).exportBuild(output, built)));
  return named;
}

/** The step id of the build's "exporting to image" phase. */
export const EXPORT_STEP_ID = 'export';

/** Emits an exporter's transfers under the exporting step. */
function underExportStep(ctx: BuildContext): Emit {
  return (event) => ctx.emit(event.type === 'blob.progress' ? { ...event, stepId: EXPORT_STEP_ID } : event);
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
