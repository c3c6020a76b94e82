// The contract of an exporter (`--output type=NAME`, and for some `tsbuild save --format`): how
// its attributes parse into a spec, and how it writes a build's result or stored images. The
// exporters are listed by name in index.ts.
import type { Attestation, ImageToSave, ContentStore, ImageNames, Descriptor, ImageConfig, ImageManifest, Platform } from '../../oci/index.js';
import type { RegistryClientOptions } from '../../registry/index.js';
import type { Emit } from '../events.js';
import type { StepResult } from '../step-result.js';
import type { DockerEngineOptions } from './docker-engine.js';

/** One platform's finished image. */
export interface BuiltPlatformImage {
  platform: string;
  result: StepResult;
  descriptor: Descriptor;
  manifest: ImageManifest;
  config: ImageConfig;
  /** Its attestations (provenance, SBOM), also attached to the index as attestation manifests. */
  attestations: Attestation[];
}

/** A build's result as exporters see it, and what of the build they may use. */
export interface BuiltOutput {
  store: ContentStore;
  names: ImageNames;
  /** Settings of the registry clients (pushes). */
  registry: RegistryClientOptions;
  emit: Emit;
  sourceDateEpoch?: number;
  /** Runs `action` on a read-only view of a platform image's rootfs. */
  withRootfs(image: BuiltPlatformImage, action: (rootfs: string) => unknown): Promise<void>;
  /** The manifest, or the index over the platforms' manifests. */
  top: Descriptor;
  images: BuiltPlatformImage[];
  /** The build's `-t` names, normalised. */
  tags: string[];
  /** The Docker engine `--load` reaches (default: DOCKER_HOST) and how long it waits for it. */
  dockerEngine?: DockerEngineOptions;
}

/** Images already in a store (`tsbuild save`), each under its name. */
export interface StoredImages {
  store: ContentStore;
  images: ImageToSave[];
  /** The platform to pick from multi-platform images, where a format holds one. */
  platform?: Platform;
  /** Where a `dest=-` archive goes (default: standard output). */
  stream?: NodeJS.WritableStream;
}

/** A `tsbuild save --format` name of an exporter, and the `--output` attributes it stands for. */
export interface SaveFormat {
  attributes: Record<string, string>;
  /** The format writes a directory: `-o` is required (there is no stdout form). */
  directory?: boolean;
}

export interface Exporter<Spec extends { type: string }> {
  /** The `--output` attributes this exporter takes besides `type` (others are refused). */
  attributes: readonly string[];
  /** The spec of `--output type=NAME,...` attributes; throws a USAGE error for a bad one. */
  parse(fields: Record<string, string>): Spec;
  /** Exports a build's result; returns the image names it recorded in the store. */
  exportBuild(spec: Spec, built: BuiltOutput): Promise<string[]>;
  /** Exports stored images, for exporters `tsbuild save` offers. */
  exportStored?(spec: Spec, stored: StoredImages): Promise<void>;
  /** `tsbuild save --format` names of this exporter (it then has exportStored). */
  saveFormats?: Record<string, SaveFormat>;
  /** True when the image leaves the machine as pushed (layers gzipped): the result names that digest. */
  distributes?(spec: Spec): boolean;
}
