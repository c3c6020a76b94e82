// Reading HTTP response bodies with a bound: a chunked body has no Content-Length to check up
// front, so the count is kept while reading and the connection is dropped at the limit.

/** Caps for the bodies tsbuild reads whole (containerd allows manifests up to 4 MiB too). */
export const BodyLimit = {
  manifest: 4 * 1024 * 1024,
  /** A page of `tags/list`. */
  tags: 4 * 1024 * 1024,
  /** A token server's JSON answer. */
  token: 256 * 1024,
  /** An error body; only its start is kept for the message. */
  error: 64 * 1024,
} as const;

interface Body extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
}

/** Reads all of `body`; throws `tooLarge()` (and drops the connection) once it passes `limit` bytes. */
export async function readLimited(body: Body, limit: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, size);
}

/** The start of an error body as text (at most `limit` bytes); never fails. */
export async function readErrorText(body: Body, limit: number = BodyLimit.error): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      size += chunk.byteLength;
      if (size >= limit) {
        body.destroy();
        break;
      }
    }
  } catch {
    // a broken error body still leaves what arrived
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}
