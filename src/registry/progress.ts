// Typed progress of blob transfers, passed to callers through an explicit `onProgress` callback.
import type { Digest } from '../oci/types.js';

export type TransferStatus = 'waiting' | 'downloading' | 'uploading' | 'exists' | 'mounted' | 'done';

/** Bytes done/total of one blob; `exists`/`mounted` blobs transfer nothing. */
export interface TransferProgress {
  digest: Digest;
  mediaType: string;
  status: TransferStatus;
  done: number;
  total: number;
}

export type ProgressCallback = (event: TransferProgress) => void;
