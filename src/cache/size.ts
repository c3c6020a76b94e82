// Storage sizes as users write them (`512MB`, `10GB`, `1.5g`): powers of 1024, like docker.
import { TsbuildError } from '../errors.js';

export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!match) throw new TsbuildError('USAGE', `invalid size "${text}" (e.g. 512MB, 10GB)`);
  const power = ' kmgt'.indexOf(match[2].toLowerCase() || ' ');
  return Math.round(Number(match[1]) * 1024 ** power);
}
