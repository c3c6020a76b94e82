// What running (or reusing) one plan step yields: the image state after it.
import type { Descriptor, Digest, ImageConfig } from '../oci/index.js';

/** A layer of an image being built: its stored blob and its uncompressed digest. */
export interface LayerRef {
  descriptor: Descriptor;
  diffId: Digest;
}

export interface StepResult {
  /** The cache key later steps build on: this step's filesystem (see docs/design/cache.md). */
  key: string;
  /** The key of this step's own cache record when it differs from `key` (COPY --link). */
  recordKey?: string;
  /** The image config after the step: rootfs diff IDs and history included. */
  config: ImageConfig;
  /** The image's layers after the step, aligned with `config.rootfs.diff_ids`. */
  layers: LayerRef[];
}
