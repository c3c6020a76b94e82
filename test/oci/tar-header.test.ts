// Tar header encoding read back by GNU tar: PAX record lengths around digit boundaries, big
// ids, and digests parsed at the edges.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseDigest, sha256Digest } from '../../src/oci/digest.js';
import { encodeTarHeader, END_OF_ARCHIVE, type TarHeader } from '../../src/oci/tar-header.js';

function archive(headers: TarHeader[]): Buffer {
  return Buffer.concat([...headers.map((header) => encodeTarHeader(header)), END_OF_ARCHIVE]);
}

const base = { type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 1_700_000_000 } as const;

describe('encodeTarHeader', () => {
  it('writes PAX paths whose record lengths cross 2-, 3- and 4-digit boundaries', () => {
    const lengths = [...Array(30).keys()].map((i) => 80 + i).concat([...Array(20).keys()].map((i) => 985 + i));
    const names = lengths.map((length) => `d/${'x'.repeat(length - 2)}`);
    const listing = execFileSync('tar', ['-tf', '-'], { input: archive(names.map((name) => ({ ...base, name }))) }).toString();
    expect(listing.split('\n').filter(Boolean)).toEqual(names);
  });

  it('writes ids too big for ustar fields as PAX records', () => {
    const listing = execFileSync('tar', ['-tvf', '-', '--numeric-owner'], {
      input: archive([{ ...base, name: 'big-ids', uid: 3_000_000_000, gid: 2_500_000 }]),
    }).toString();
    expect(listing).toMatch(/^-rw-r--r-- 3000000000\/2500000 /);
  });

  it('writes non-ASCII names and symlink targets through PAX', () => {
    const headers: TarHeader[] = [
      { ...base, name: 'café' },
      { ...base, type: 'symlink', name: 'link', linkname: 'naïve/target' },
    ];
    const listing = execFileSync('tar', ['-tvf', '-'], { input: archive(headers) }).toString();
    expect(listing).toContain('café');
    expect(listing).toContain('link -> naïve/target');
  });
});

describe('parseDigest', () => {
  it('accepts sha256 digests and rejects anything else with a USAGE error', () => {
    const digest = sha256Digest('x');
    expect(parseDigest(digest)).toBe(digest);
    for (const bad of ['sha256:abc', `sha512:${'a'.repeat(64)}`, `sha256:${'A'.repeat(64)}`, '']) {
      expect(() => parseDigest(bad)).toThrow(expect.objectContaining({ code: 'USAGE' }));
    }
  });
});
