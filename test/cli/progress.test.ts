import { describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../src/executor/events.js';
import { createProgressRenderer } from '../../src/cli/progress/index.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = { isTTY, columns: 80, write: (c: string) => (chunks.push(c), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join('') };
}

const events: BuildEvent[] = [
  { type: 'step.cached', stepId: 's1', name: '[base 1/2] FROM docker.io/library/busybox:latest', line: 1 },
  { type: 'step.started', stepId: 's2', name: '[base 2/2] RUN echo hi', line: 2 },
  { type: 'step.log', stepId: 's2', name: '[base 2/2] RUN echo hi', stream: 'stdout', text: 'hi\nthere\n' },
  { type: 'step.done', stepId: 's2', name: '[base 2/2] RUN echo hi', durationMs: 1234 },
  { type: 'warning', message: 'build arg FOO was not used' },
  { type: 'result', digest: 'sha256:abc', imageId: 'sha256:def', tags: ['docker.io/user/app:latest'], durationMs: 2000, distributed: false },
];

describe('progress renderers', () => {
  it('plain numbers steps, marks cache hits and prints every output line', () => {
    const out = sink(false);
    const renderer = createProgressRenderer('plain', out.stream);
    events.forEach(renderer.onEvent);
    renderer.close();
    const text = out.text();
    expect(text).toContain('#1 [base 1/2] FROM docker.io/library/busybox:latest\n#1 CACHED\n');
    expect(text).toMatch(/#2 \d+\.\d hi\n#2 \d+\.\d there\n/);
    expect(text).toContain('#2 DONE 1.2s');
    expect(text).toContain('WARNING: build arg FOO was not used');
    expect(text).toContain('naming to docker.io/user/app:latest done');
  });

  it('auto picks plain when the stream is not a terminal', () => {
    const out = sink(false);
    const renderer = createProgressRenderer('auto', out.stream);
    renderer.onEvent(events[0]);
    renderer.close();
    expect(out.text()).toContain('#1 CACHED');
  });

  it('tty redraws a summary with CACHED markers and durations', () => {
    const out = sink(true);
    const renderer = createProgressRenderer('tty', out.stream);
    events.forEach(renderer.onEvent);
    renderer.close();
    const text = out.text();
    expect(text).toMatch(/\[\+\] Building \d+\.\ds \(2 steps, 1 cached\) FINISHED/);
    expect(text).toContain('✔ [base 1/2] FROM docker.io/library/busybox:latest CACHED');
    expect(text).toContain('✔ [base 2/2] RUN echo hi 1.2s');
    expect(text).toContain('=> image ID: sha256:def\n');
    expect(text).toContain('=> manifest digest: sha256:abc\n');
    expect(text).toContain('=> naming to docker.io/user/app:latest');
  });

  it('json writes one parseable event per line', () => {
    const lines: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (lines.push(chunk), true)) as typeof process.stdout.write;
    try {
      const renderer = createProgressRenderer('json');
      events.forEach(renderer.onEvent);
      renderer.close();
    } finally {
      process.stdout.write = original;
    }
    const parsed = lines.join('').trim().split('\n').map((l) => JSON.parse(l) as BuildEvent);
    expect(parsed.map((e) => e.type)).toEqual(events.map((e) => e.type));
  });
});
