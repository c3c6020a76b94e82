// The date of a remote file for `SOURCE_DATE_EPOCH=<stage>` (BuildKit's resolveSourceDateEpochFromState):
// the response's Last-Modified, else the newest regular file of the archive it is, else none.
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { downloadUrl } from '../context/index.js';
import { decompressed } from '../oci/index.js';
import type { BuildContext } from './context.js';
import { ARCHIVE_COMPRESSIONS, isTarArchive } from './copy-files-add.js';
import { ownerToken } from '../fs/index.js';

export async function remoteSourceEpoch(ctx: BuildContext, url: string, checksum: string | undefined): Promise<number | undefined> {
  const scratch = mkdtempSync(path.join(ctx.layout.tmp, `epoch-${ownerToken()}-`));
  try {
    const signal = ctx.options.signal ?? new AbortController().signal;
    const file = await downloadUrl(url, scratch, `SOURCE_DATE_EPOCH source ${url}`, checksum, signal);
    if (file.lastModified) return Math.floor(file.lastModified.getTime() / 1000);
    return (await isTarArchive(file.path)) ? await newestRegularFile(file.path) : undefined;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The newest mtime (seconds) among the archive's regular files; undefined when it has none. */
async function newestRegularFile(archive: string): Promise<number | undefined> {
  let newest: number | undefined;
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    if (header.type === 'file' && header.mtime) {
      const seconds = Math.floor(header.mtime.getTime() / 1000);
      if (newest === undefined || seconds > newest) newest = seconds;
    }
    stream.on('end', next);
    stream.resume();
  });
  await pipeline(await decompressed(createReadStream(archive), ARCHIVE_COMPRESSIONS), extract);
  return newest;
}
