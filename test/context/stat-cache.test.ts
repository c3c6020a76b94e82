// The persistent stat cache: unchanged files are not read again, changed or racy ones are, and
// concurrent writers never leave a corrupt file.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { IgnoreMatcher } from '../../src/context/dockerignore.js';
import { walkContext, type ContextEntry } from '../../src/context/context.js';
import { hashContextFiles, sha256OfFile } from '../../src/context/hash.js';
import { contentDigest } from '../../src/context/digest.js';
import { StatCache } from '../../src/context/stat-cache.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HOUR_AGO = new Date(Date.now() - 3_600_000);
let dir = '';
let ctx = '';
let cacheFile = '';

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tsbuild-statcache-'));
  ctx = path.join(dir, 'ctx');
  cacheFile = path.join(dir, 'root', 'cache', 'statcache.json');
  for (let i = 0; i < 20; i++) writeOld(`pkg${i % 3}/file${i}.txt`, `content ${i}\n`);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeOld(name: string, text: string, when = HOUR_AGO): void {
  mkdirSync(path.dirname(path.join(ctx, name)), { recursive: true });
  writeFileSync(path.join(ctx, name), text);
  utimesSync(path.join(ctx, name), when, when);
}

/** Walks and hashes with a fresh load of the cache, counting the files actually read. */
function scan(): { entries: ContextEntry[]; reads: string[]; cache: StatCache } {
  const reads: string[] = [];
  const cache = StatCache.forRoot(path.join(dir, 'root'));
  const entries = hashContextFiles(ctx, walkContext(ctx, new IgnoreMatcher([])), {
    statCache: cache,
    hashFile: (file) => (reads.push(path.relative(ctx, file)), sha256OfFile(file)),
  });
  cache.save();
  return { entries, reads, cache };
}

test('a second scan of an unchanged tree reads no file content', () => {
  const first = scan();
  expect(first.reads).toHaveLength(20);
  const second = scan();
  expect(second.reads).toEqual([]);
  expect(second.cache.counters.hits).toBe(20);
  expect(contentDigest(second.entries)).toBe(contentDigest(first.entries));
});

test('a touched but unchanged file is re-hashed and gives the same digest', () => {
  const first = scan();
  utimesSync(path.join(ctx, 'pkg1/file1.txt'), new Date(2020, 0, 1), new Date(2020, 0, 1));
  const second = scan();
  expect(second.reads).toEqual(['pkg1/file1.txt']);
  expect(contentDigest(second.entries)).toBe(contentDigest(first.entries));
});

test('a same-size edit with the mtime put back is caught through ctime', () => {
  const first = scan();
  writeOld('pkg2/file2.txt', 'CONTENT 2\n');
  const second = scan();
  expect(second.reads).toEqual(['pkg2/file2.txt']);
  expect(contentDigest(second.entries)).not.toBe(contentDigest(first.entries));
});

test('a file modified just before it was hashed is racy and read again next time', () => {
  writeOld('fresh.txt', 'just written\n', new Date());
  scan();
  const second = scan();
  expect(second.reads).toEqual(['fresh.txt']);
  expect(second.cache.counters.racy).toBe(1);
});

test('an unreadable or foreign cache file is an empty cache', () => {
  mkdirSync(path.dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, '{"version": 2, "entries": {"/x": [1, 2');
  expect(scan().reads).toHaveLength(20);
  expect(scan().reads).toHaveLength(0);
});

test('concurrent writers never corrupt the file', async () => {
  const script = path.join(dir, 'writer.ts');
  const statCacheModule = path.join(projectRoot, 'src/context/stat-cache.ts');
  writeFileSync(
    script,
    `import { StatCache } from ${JSON.stringify(statCacheModule)};
const [file, id] = process.argv.slice(2);
for (let round = 0; round < 25; round++) {
  const cache = StatCache.load(file);
  for (let i = 0; i < 200; i++) {
    const stat = { dev: 1n, ino: BigInt(i), size: i, mtimeNs: 1n, ctimeNs: 1n };
    cache.record('/w' + id + '/f' + i, stat, 'ab'.repeat(32), 5_000_000_000n);
  }
  cache.save();
}
`,
  );
  const writers = [1, 2, 3, 4].map(
    (id) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, cacheFile, String(id)], { cwd: projectRoot, stdio: 'inherit' });
        child.on('exit', resolve);
      }),
  );
  let parsedWhileWriting = 0;
  const poll = setInterval(() => {
    if (!existsSync(cacheFile)) return;
    JSON.parse(readFileSync(cacheFile, 'utf8'));
    parsedWhileWriting++;
  }, 2);
  try {
    expect(await Promise.all(writers)).toEqual([0, 0, 0, 0]);
  } finally {
    clearInterval(poll);
  }
  const stored = JSON.parse(readFileSync(cacheFile, 'utf8')) as { version: number; entries: Record<string, string[]> };
  expect(stored.version).toBe(2);
  expect(Object.keys(stored.entries).length).toBeGreaterThanOrEqual(200);
  for (const [stat, sha256, hashedAt] of Object.values(stored.entries)) {
    expect(stat).toMatch(/^1:\d+:\d+:1:1$/);
    expect([sha256, hashedAt]).toEqual(['ab'.repeat(32), '5000000000']);
  }
  expect(readdirSync(path.dirname(cacheFile)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  expect(parsedWhileWriting).toBeGreaterThan(0);
});
