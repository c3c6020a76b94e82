// Benchmark: walk + .dockerignore + hash of a ~10k-file context with ~20k ignored files, cold
// (no stat cache) and warm (stat cache hit), beside the alternatives measured before choosing
// (fast-glob, fs.promises) and the `node -e 0` floor. Run: node --import tsx bench/context-walk.ts
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fg from 'fast-glob';
import { loadIgnoreRules } from '../src/context/dockerignore.js';
import { walkContext } from '../src/context/context.js';
import { scanContext } from '../src/context/scan.js';
import { StatCache } from '../src/context/stat-cache.js';

const SOURCE_DIRS = 100;
const FILES_PER_DIR = 100;
const IGNORE = 'node_modules\n**/*.tmp\n.git\n!keep.tmp\n';

function createContext(root: string): void {
  const hourAgo = new Date(Date.now() - 3_600_000);
  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    utimesSync(file, hourAgo, hourAgo); // a checkout's files are old: the stat cache may trust them
  };
  writeFileSync(path.join(root, '.dockerignore'), IGNORE);
  for (let d = 0; d < SOURCE_DIRS; d++)
    for (let f = 0; f < FILES_PER_DIR; f++) {
      write(path.join(root, 'src', `m${d}`, `f${f}.ts`), `export const v${f} = ${d * f};\n`.repeat(1 + (f % 30)));
      write(path.join(root, 'src', `m${d}`, `f${f}.tmp`), 'scratch\n');
    }
  for (let d = 0; d < 150; d++)
    for (let f = 0; f < 100; f++) write(path.join(root, 'node_modules', `p${d}`, `f${f}.js`), `module.exports = ${f};\n`);
}

async function time<T>(label: string, run: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  console.log(`${label.padEnd(52)} ${(performance.now() - start).toFixed(1).padStart(8)} ms`);
  return result;
}

async function compareWalkers(root: string): Promise<string[]> {
  const matcher = await loadIgnoreRules(root);
  await time('fast-glob ** stats:true, then match', async () => {
    const found = await fg('**', { cwd: root, dot: true, onlyFiles: false, stats: true, followSymbolicLinks: false });
    return found.filter((e) => !matcher.matches(e.path));
  });
  const entries = await time('sync readdir+lstat walk with pruning (chosen)', () => walkContext(root, matcher));
  return entries.filter((e) => e.type === 'file').map((e) => path.join(root, e.path));
}

async function compareHashing(files: string[]): Promise<void> {
  const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
  await time(`fs.promises.readFile x${files.length}, all concurrent`, () => Promise.all(files.map(async (f) => sha(await readFile(f)))));
  await time(`readFileSync x${files.length} (chosen, main thread)`, () => files.map((f) => sha(readFileSync(f))));
}

async function coldAndWarm(root: string, cacheFile: string): Promise<void> {
  rmSync(cacheFile, { force: true });
  const cold = StatCache.load(cacheFile);
  const entries = await time('cold: rules + walk + match + hash + save cache', () => scanContext(root, { statCache: cold }));
  const warm = await time('warm: load cache + rules + walk + match + hash', () => {
    const cache = StatCache.load(cacheFile);
    return scanContext(root, { statCache: cache }).then(() => cache);
  });
  console.log(`entries ${entries.length}, warm cache hits ${warm.counters.hits}, misses ${warm.counters.misses}, racy ${warm.counters.racy}`);
}

const root = mkdtempSync(path.join(tmpdir(), 'tsbuild-ctx-bench-'));
try {
  await time('create context (10k sources + 25k ignored)', () => createContext(root));
  const files = await compareWalkers(root);
  await compareHashing(files);
  await coldAndWarm(root, path.join(root, '..', `${path.basename(root)}-statcache.json`));
  await time('node -e 0 (process start floor)', () => spawnSync(process.execPath, ['-e', '0']));
} finally {
  rmSync(root, { recursive: true, force: true });
  rmSync(`${root}-statcache.json`, { force: true });
}
