import { describe, expect, it } from 'vitest';
import { walkDag, type DagNode } from '../../src/executor/dag.js';

function graph(edges: Record<string, string[]>): Map<string, DagNode> {
  return new Map(Object.entries(edges).map(([id, inputs]) => [id, { id, inputs }]));
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('walkDag', () => {
  it('runs each reachable node once, after its inputs, and never unreachable ones', async () => {
    const nodes = graph({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'], unused: [] });
    const order: string[] = [];
    const results = await walkDag(nodes, ['d'], async (id) => (await tick(), order.push(id), id.toUpperCase()), {
      concurrency: 4,
    });
    expect(order[0]).toBe('a');
    expect(order.at(-1)).toBe('d');
    expect(order.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(results.get('d')).toBe('D');
  });

  it('runs independent nodes in parallel up to the limit', async () => {
    const nodes = graph({ a: [], b: [], c: [], top: ['a', 'b', 'c'] });
    let running = 0;
    let peak = 0;
    await walkDag(nodes, ['top'], async () => {
      peak = Math.max(peak, ++running);
      await tick();
      running--;
    }, { concurrency: 2 });
    expect(peak).toBe(2);
  });

  it('aborts running siblings when a step fails and rejects with that failure', async () => {
    const nodes = graph({ bad: [], slow: [], top: ['bad', 'slow'] });
    let slowSawAbort = false;
    const walk = walkDag(nodes, ['top'], async (id, signal) => {
      if (id === 'bad') throw new Error('step bad failed');
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      slowSawAbort = signal.aborted;
    }, { concurrency: 4 });
    await expect(walk).rejects.toThrow('step bad failed');
    expect(slowSawAbort).toBe(true);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const nodes = graph({ a: [], b: ['a'] });
    const ran: string[] = [];
    const walk = walkDag(nodes, ['b'], async (id) => {
      ran.push(id);
      controller.abort();
    }, { concurrency: 1, signal: controller.signal });
    await expect(walk).rejects.toThrow(/cancelled/);
    expect(ran).toEqual(['a']);
  });

  it('reports cycles by name', async () => {
    const nodes = graph({ a: ['b'], b: ['a'] });
    await expect(walkDag(nodes, ['a'], async () => 1, { concurrency: 1 })).rejects.toThrow('dependency cycle: a -> b -> a');
  });
});
