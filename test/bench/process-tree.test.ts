// /proc parsing and tree RSS sums of the benchmark harness (bench/process-tree.ts), against the
// real /proc of this test process as well as hand-made tables.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseStatLine, RssSampler, treeRssBytes } from '../../bench/process-tree.js';

describe('parseStatLine', () => {
  test('reads ppid and rss even when the command name has spaces and parentheses', () => {
    const fields = ['S', '42', ...Array.from({ length: 19 }, (_, i) => String(i)), '10', '0'];
    const line = `1234 (we (ird) name) ${fields.join(' ')}`;
    expect(parseStatLine(line)).toEqual({ ppid: 42, rssBytes: 10 * 4096 });
  });

  test('reads this process', () => {
    const entry = parseStatLine(readFileSync(`/proc/${process.pid}/stat`, 'utf8'));
    expect(entry?.ppid).toBe(process.ppid);
    expect(entry?.rssBytes).toBeGreaterThan(1024 * 1024);
  });

  test('rejects garbage', () => {
    expect(parseStatLine('no parenthesis here')).toBeNull();
  });
});

describe('treeRssBytes', () => {
  const table = new Map([
    [1, { ppid: 0, rssBytes: 1000 }],
    [10, { ppid: 1, rssBytes: 10 }],
    [11, { ppid: 10, rssBytes: 20 }],
    [12, { ppid: 11, rssBytes: 40 }],
    [20, { ppid: 1, rssBytes: 100 }],
  ]);

  test('sums a process and all its descendants', () => {
    expect(treeRssBytes(table, [10])).toBe(70);
  });
  test('counts overlapping roots once and ignores unknown ones', () => {
    expect(treeRssBytes(table, [10, 11, 20, 999])).toBe(170);
  });
});

test('RssSampler sees a child process that allocates memory', async () => {
  const child = spawn(process.execPath, ['-e', 'const b = Buffer.alloc(64 * 1024 * 1024, 1); setTimeout(() => b.length, 600);']);
  const sampler = new RssSampler(() => [child.pid as number], 20);
  sampler.start();
  await new Promise((resolve) => child.once('close', resolve));
  expect(sampler.stop()).toBeGreaterThan(64 * 1024 * 1024);
});
