// Storage sizes as users write them (`512MB`, `10GB`, `1.5g`): powers of 1024, like docker.
import { TsbuildError } from '../errors.js';
import { parseRamInBytes } from '../spec/index.js';

export function parseSize(text: string): number {
  const bytes = parseRamInBytes(text.trim());
  if (bytes === undefined) throw new TsbuildError('USAGE', `invalid size "${text}" (e.g. 512MB, 10GB)`);
  return bytes;
}
