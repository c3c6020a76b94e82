// Leases: what running builds use, so that garbage collection (prune, auto-gc, rmi) never removes
// it. Each build appends what it is about to use to its own file `<root>/leases/<owner>-<random>`
// (one `<kind> <id>` line per item) and deletes the file when it ends; a lease whose owner died
// (owner token, see owner.ts) is ignored and removed by the next collection.
//
// Ordering: a collection holds an exclusive lock on `<root>/leases/.gc` and, while it runs, a
// marker file `.gc-running`, from before it reads the leases to its last deletion. A build appends
// to its lease first and then looks for the marker; only when one is there does it wait for the
// collection to end (a shared lock on `.gc`). Either the collection read the leases after the
// append (the item is kept), or the build waited and then finds the item gone (it checks after
// leasing) and unpacks or fetches it again. Without a collection running, adding costs no lock.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock, isLeftover, ownerToken } from '../fs/index.js';
import type { RootLayout } from './root.js';

export type LeaseKind = 'blob' | 'snapshot' | 'record' | 'mount';

export interface LeaseItem {
  kind: LeaseKind;
  /** A digest for blobs, the chain ID hex for snapshots, the key for records, the dir name for mounts. */
  id: string;
}

/** Everything leased by live processes, by kind. */
export type LeasedItems = Record<LeaseKind, Set<string>>;

function leasesDir(layout: RootLayout): string {
  return join(layout.root, 'leases');
}

function gcLockPath(layout: RootLayout): string {
  return join(leasesDir(layout), '.gc');
}

function gcMarkerPath(layout: RootLayout): string {
  return join(leasesDir(layout), '.gc-running');
}

export class Lease {
  private readonly held = new Set<string>();
  private released = false;

  private constructor(private readonly layout: RootLayout, readonly file: string) {}

  static async create(layout: RootLayout): Promise<Lease> {
    await mkdir(leasesDir(layout), { recursive: true });
    return new Lease(layout, join(leasesDir(layout), `${ownerToken()}-${randomBytes(6).toString('hex')}`));
  }

  /** Leases items (those not yet held); call before using them, and check they exist after. */
  async add(items: LeaseItem[]): Promise<void> {
    if (this.released) throw new Error('lease already released');
    const lines = [...new Set(items.map((item) => `${item.kind} ${item.id}`))].filter((line) => !this.held.has(line));
    if (lines.length === 0) return;
    await appendFile(this.file, lines.map((line) => `${line}\n`).join(''));
    for (const line of lines) this.held.add(line);
    if (existsSync(gcMarkerPath(this.layout))) await withFileLock(gcLockPath(this.layout), async () => undefined, { shared: true });
  }

  async release(): Promise<void> {
    this.released = true;
    await rm(this.file, { force: true });
  }
}

/**
 * Runs a collection: `action` gets every item leased by a live process and may delete anything
 * else; no lease can be added meanwhile. Leases of dead processes are removed first.
 */
export async function withCollectorLock<T>(layout: RootLayout, action: (leased: LeasedItems) => Promise<T>): Promise<T> {
  await mkdir(leasesDir(layout), { recursive: true });
  return withFileLock(gcLockPath(layout), async () => {
    await writeFile(gcMarkerPath(layout), '');
    try {
      return await action(await readLeases(layout));
    } finally {
      await rm(gcMarkerPath(layout), { force: true });
    }
  });
}

/** Deletes the leases of dead processes (no lock needed: their owners append nothing more). */
export async function removeDeadLeases(layout: RootLayout): Promise<string[]> {
  const dir = leasesDir(layout);
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name.startsWith('.') || !isLeftover(name, 0)) continue;
    await rm(join(dir, name), { force: true });
    removed.push(join(dir, name));
  }
  return removed;
}

async function readLeases(layout: RootLayout): Promise<LeasedItems> {
  const leased: LeasedItems = { blob: new Set(), snapshot: new Set(), record: new Set(), mount: new Set() };
  const dir = leasesDir(layout);
  await removeDeadLeases(layout);
  for (const name of await readdir(dir)) {
    if (name.startsWith('.')) continue;
    const text = await readFile(join(dir, name), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      const [kind, id] = line.split(' ');
      if (id && kind && kind in leased) leased[kind as LeaseKind].add(id);
    }
  }
  return leased;
}
