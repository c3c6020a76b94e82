// Checks that a stream is a readable tar archive while passing it through unchanged, with the
// parser that later applies it as a layer (tar-stream), so `import` cannot store junk as a layer.
import { once } from 'node:events';
import tar from 'tar-stream';
import { TsbuildError } from '../errors.js';

/** Yields `chunks` as they are; throws a USAGE error naming `source` when they are not a tar archive. */
export async function* validatedTar(chunks: AsyncIterable<Buffer>, source: string): AsyncGenerator<Buffer> {
  const extract = tar.extract();
  extract.on('entry', (_header, body, next) => {
    body.on('end', next);
    body.on('error', () => undefined); // a truncated entry: the extract's own error reports it
    body.resume();
  });
  const closed = new Promise<void>((resolve, reject) => {
    extract.on('error', reject);
    extract.on('close', resolve);
  });
  closed.catch(() => undefined); // read below, once the input has been passed on
  const notTar = (error: unknown) =>
    new TsbuildError('USAGE', `${source}: not a tar archive (or a truncated one): ${(error as Error).message}`, { cause: error });
  for await (const chunk of chunks) {
    if (!extract.write(chunk)) await Promise.race([once(extract, 'drain'), closed]).catch((error: unknown) => { throw notTar(error); });
    yield chunk;
  }
  extract.end(() => undefined);
  await closed.catch((error: unknown) => {
    throw notTar(error);
  });
}
