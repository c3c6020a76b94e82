// Peak resident memory of a process tree, sampled from /proc: the figure a user's machine pays
// for a build (client, daemon and every helper process it starts), not only the top process.
import { readFileSync, readdirSync } from 'node:fs';

const PAGE_SIZE = 4096;

interface ProcessEntry {
  ppid: number;
  rssBytes: number;
}

/** Parses one /proc/<pid>/stat line; the command name may contain spaces and parentheses. */
export function parseStatLine(line: string): ProcessEntry | null {
  const close = line.lastIndexOf(')');
  if (close < 0) return null;
  // Fields after the name start at field 3 (state); ppid is field 4, rss (pages) field 24.
  const fields = line.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  const rssPages = Number(fields[21]);
  if (!Number.isFinite(ppid) || !Number.isFinite(rssPages)) return null;
  return { ppid, rssBytes: rssPages * PAGE_SIZE };
}

function readProcessTable(): Map<number, ProcessEntry> {
  const table = new Map<number, ProcessEntry>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const entry = parseStatLine(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      if (entry !== null) table.set(pid, entry);
    } catch {
      // the process exited between readdir and read
    }
  }
  return table;
}

/** Sum of the RSS of `roots` and all their descendants in `table`. */
export function treeRssBytes(table: ReadonlyMap<number, ProcessEntry>, roots: readonly number[]): number {
  const children = new Map<number, number[]>();
  for (const [pid, entry] of table) {
    const list = children.get(entry.ppid) ?? [];
    list.push(pid);
    children.set(entry.ppid, list);
  }
  const seen = new Set<number>();
  const queue = roots.filter((pid) => table.has(pid));
  let total = 0;
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += table.get(pid)?.rssBytes ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Current RSS of the trees below `roots`, summed (one /proc scan). */
export function currentTreeRssBytes(roots: readonly number[]): number {
  return treeRssBytes(readProcessTable(), roots);
}

/** Samples the tree RSS of the current roots every `intervalMs` until stopped; keeps the peak. */
export class RssSampler {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly roots: () => number[],
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Stops sampling and returns the highest total seen (bytes). */
  stop(): number {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    return this.peak;
  }

  private sample(): void {
    const rss = currentTreeRssBytes(this.roots());
    if (rss > this.peak) this.peak = rss;
  }
}
