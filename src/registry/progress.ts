// Typed progress of blob transfers, passed to callers through an explicit `onProgress` callback.
import pLimit from 'p-limit';
import type { Descriptor, Digest } from '../oci/index.js';

export type TransferStatus = 'waiting' | 'downloading' | 'uploading' | 'exists' | 'mounted' | 'done';

/** Bytes done/total of one blob; `exists`/`mounted` blobs transfer nothing. */
export interface TransferProgress {
  digest: Digest;
  mediaType: string;
  status: TransferStatus;
  done: number;
  total: number;
  /** `mounted`: the repository of the same registry the blob was mounted from. */
  from?: string;
}

export type ProgressCallback = (event: TransferProgress) => void;

/** The fields every progress event of one blob shares. */
export type BlobEvent = Pick<TransferProgress, 'digest' | 'mediaType' | 'total'>;

/**
 * Runs `transfer` for each distinct blob, `concurrency` at a time, after reporting all of them
 * as waiting; shared by pull and push.
 */
export async function transferEach(
  blobs: Descriptor[],
  concurrency: number,
  report: ProgressCallback,
  transfer: (blob: Descriptor, event: BlobEvent) => Promise<void>,
): Promise<void> {
  const limit = pLimit(concurrency);
  const unique = [...new Map(blobs.map((b) => [b.digest, b])).values()];
  for (const blob of unique) report({ digest: blob.digest, mediaType: blob.mediaType, total: blob.size, status: 'waiting', done: 0 });
  // After a failure nothing new starts, and the error is thrown once the transfers in flight have
  // settled, so none of them is still writing (a temp file) when the caller moves on or exits.
  let failure: { error: unknown } | undefined;
  await Promise.all(
    unique.map((blob) => limit(async () => {
      if (failure) return;
      try {
        await transfer(blob, { digest: blob.digest, mediaType: blob.mediaType, total: blob.size });
      } catch (error) {
        failure ??= { error };
      }
    })),
  );
  if (failure) throw failure.error;
}
