// Retries of the object stores' HTTP requests (S3, the GitHub Actions cache and its blob store):
// an answer with a temporary status (408, 429, 500, 502, 503, 504) or a broken connection is tried
// again after an exponential backoff with jitter, at most RETRIES times; what the last attempt
// got is what the caller sees. The same statuses and network errors as the registry client's.
import { setTimeout as sleep } from 'node:timers/promises';
import type { request } from 'undici';
import { isRetryable, isTemporaryStatus } from '../../registry/index.js';

type Response = Awaited<ReturnType<typeof request>>;

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff in ms, doubled each retry (with ±25% jitter), at most MAX_BACKOFF_MS. */
  baseMs: number;
}

export const CACHE_RETRIES: RetryPolicy = { retries: 4, baseMs: 200 };
const MAX_BACKOFF_MS = 10_000;

/** `send` (called anew for each attempt, so a body is made again) until an answer that is not temporary. */
export async function withRetries(send: () => Promise<Response>, policy: RetryPolicy = CACHE_RETRIES): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const last = attempt >= policy.retries;
    let response: Response;
    try {
      response = await send();
    } catch (error) {
      if (last || !isRetryable(error)) throw error;
      await backoff(attempt, policy);
      continue;
    }
    if (last || !isTemporaryStatus(response.statusCode)) return response;
    await response.body.dump();
    await backoff(attempt, policy, retryAfterMs(response.headers['retry-after']));
  }
}

async function backoff(attempt: number, policy: RetryPolicy, hintMs?: number): Promise<void> {
  const exponential = policy.baseMs * 2 ** attempt * (0.75 + Math.random() / 2);
  await sleep(Math.min(hintMs ?? exponential, MAX_BACKOFF_MS));
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  return header !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
