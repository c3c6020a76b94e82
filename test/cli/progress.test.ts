import { describe, expect, it } from 'vitest';
import type { BuildEvent, UnstampedEvent } from '../../src/executor/index.js';
import { createProgressRenderer } from '../../src/cli/progress/index.js';
import { createTtyRenderer } from '../../src/cli/progress/tty.js';
import { StepFailedError } from '../../src/errors.js';

function sink(isTTY: boolean, size = { columns: 80, rows: 24 }) {
  const chunks: string[] = [];
  const stream = { isTTY, ...size, write: (c: string) => (chunks.push(c), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join(''), chunks };
}

const ESC = String.fromCharCode(27);
const colourCodes = (pattern = '\\d+') => new RegExp(`${ESC}\\[${pattern}m`, 'g');
const stripColours = (text: string) => text.replace(colourCodes(), '');

const stamp = (event: UnstampedEvent): BuildEvent => ({ ...event, time: '2026-01-01T00:00:00.000Z' }) as BuildEvent;

const events: BuildEvent[] = ([
  { type: 'step.cached', stepId: 's1', name: '[base 1/2] FROM docker.io/library/busybox:latest', line: 1 },
  { type: 'step.started', stepId: 's2', name: '[base 2/2] RUN echo hi', line: 2 },
  { type: 'step.log', stepId: 's2', name: '[base 2/2] RUN echo hi', stream: 'stdout', text: 'hi' },
  { type: 'step.log', stepId: 's2', name: '[base 2/2] RUN echo hi', stream: 'stdout', text: 'there' },
  { type: 'step.done', stepId: 's2', name: '[base 2/2] RUN echo hi', durationMs: 1234 },
  { type: 'warning', message: 'build arg FOO was not used' },
  { type: 'result', digest: 'sha256:abc', imageId: 'sha256:def', tags: ['docker.io/user/app:latest'], durationMs: 2000, distributed: false },
] satisfies UnstampedEvent[]).map(stamp);

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
    expect(text).toMatch(/\[\+\] Building \d+\.\ds \(2\/2\) FINISHED/);
    expect(text).toMatch(/ => \[base 1\/2\] FROM docker.io\/library\/busybox:latest +CACHED/);
    expect(text).toMatch(/ => \[base 2\/2\] RUN echo hi +1\.2s/);
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
    expect(parsed.map((e) => e.time)).toEqual(events.map((e) => e.time));
  });
});

function captureStdout(action: () => void): string {
  const lines: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => (lines.push(chunk), true)) as typeof process.stdout.write;
  try {
    action();
  } finally {
    process.stdout.write = original;
  }
  return lines.join('');
}

describe('json progress', () => {
  it('ends with an error event when the build failed before reporting one', () => {
    const text = captureStdout(() => {
      const renderer = createProgressRenderer('json');
      renderer.onEvent(events[0]);
      renderer.close(new StepFailedError('RUN failed', 3));
    });
    const last = JSON.parse(text.trim().split('\n').at(-1)!) as { type: string; code: string; message: string; time: string };
    expect(last).toMatchObject({ type: 'error', code: 'STEP_FAILED', message: 'RUN failed' });
    expect(Number.isNaN(Date.parse(last.time))).toBe(false);
  });

  it('adds no second error event after the build reported one', () => {
    const text = captureStdout(() => {
      const renderer = createProgressRenderer('json');
      renderer.onEvent(stamp({ type: 'error', code: 'STEP_FAILED', message: 'RUN failed', durationMs: 5 }));
      renderer.close(new StepFailedError('RUN failed', 3));
    });
    expect(text.trim().split('\n').map((l) => (JSON.parse(l) as BuildEvent).type)).toEqual(['error']);
  });
});

describe('plain progress', () => {
  it('prints each transfer once, under its step', () => {
    const out = sink(false);
    const renderer = createProgressRenderer('plain', out.stream);
    renderer.onEvent(stamp({ type: 'step.started', stepId: 'x', name: 'exporting to image' }));
    const push = { type: 'blob.progress', action: 'push', digest: 'sha256:aaa', total: 10, stepId: 'x' } as const;
    for (const done of [5, 10, 10]) renderer.onEvent(stamp({ ...push, done }));
    renderer.close();
    expect(out.text().match(/push sha256:aaa/g)).toEqual(['push sha256:aaa']);
    expect(out.text()).toContain('#1 push sha256:aaa 10 bytes done');
  });

  it("prints a step's status once, when it is done, with its time when it took any", () => {
    const out = sink(false);
    const renderer = createProgressRenderer('plain', out.stream);
    const from = { stepId: 'f', name: '[1/2] FROM docker.io/library/busybox:latest@sha256:bbb' };
    renderer.onEvent(stamp({ type: 'step.started', ...from }));
    renderer.onEvent(stamp({ type: 'step.status', stepId: 'f', text: 'resolve docker.io/library/busybox:latest@sha256:bbb' }));
    renderer.onEvent(stamp({ type: 'step.status', stepId: 'f', text: 'resolve docker.io/library/busybox:latest@sha256:bbb', durationMs: 0 }));
    renderer.onEvent(stamp({ type: 'step.status', stepId: 'f', text: 'extracting sha256:ccc' }));
    renderer.onEvent(stamp({ type: 'step.status', stepId: 'f', text: 'extracting sha256:ccc', durationMs: 1240 }));
    renderer.close();
    expect(out.text()).toBe([
      '#1 [1/2] FROM docker.io/library/busybox:latest@sha256:bbb',
      '#1 resolve docker.io/library/busybox:latest@sha256:bbb done',
      '#1 extracting sha256:ccc 1.2s done',
      '',
    ].join('\n'));
  });

  it("shows a failed step's error once, without the output tail the log lines showed", () => {
    const out = sink(false);
    const renderer = createProgressRenderer('plain', out.stream);
    renderer.onEvent(stamp({ type: 'step.started', stepId: 'r', name: '[2/2] RUN false' }));
    renderer.onEvent(stamp({ type: 'step.log', stepId: 'r', name: '[2/2] RUN false', stream: 'stderr', text: 'boom' }));
    renderer.onEvent(stamp({ type: 'step.failed', stepId: 'r', name: '[2/2] RUN false', durationMs: 5, error: 'RUN failed: exit code: 1\n  > boom' }));
    renderer.close();
    expect(out.text().match(/boom/g)).toHaveLength(1);
    expect(out.text()).toContain('#1 ERROR: RUN failed: exit code: 1\n');
  });
});

describe('tty progress', () => {
  const steps = (n: number): BuildEvent[] =>
    Array.from({ length: n }, (_, i) => stamp({ type: 'step.started', stepId: `s${i}`, name: `[${i + 1}/${n}] RUN step-${i + 1}` }));

  it('never draws a live frame taller than the terminal, and lists every step in the final one', async () => {
    const out = sink(true, { columns: 100, rows: 15 });
    const renderer = createTtyRenderer(out.stream, {});
    steps(20).forEach(renderer.onEvent);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => out.chunks.length > 0 && (clearInterval(poll), resolve()), 10);
    });
    renderer.close();
    const frames = out.chunks.map((chunk) => chunk.replace(new RegExp(`^${ESC}\\[\\d+A${ESC}\\[0J`), '').replace(/\n$/, '').split('\n'));
    for (const frame of frames.slice(0, -1)) expect(frame.length).toBeLessThanOrEqual(14);
    expect(frames.at(-1)).toHaveLength(21);
    expect(frames[0].at(-1)).toMatch(/\[20\/20\] RUN step-20/); // the latest steps stay in view
  });

  it('cuts a long step name before the elapsed time, which ends at the last column', () => {
    const out = sink(true, { columns: 40, rows: 24 });
    const renderer = createTtyRenderer(out.stream, {});
    renderer.onEvent(stamp({ type: 'step.started', stepId: 'a', name: `[1/1] RUN ${'x'.repeat(80)}` }));
    renderer.onEvent(stamp({ type: 'step.done', stepId: 'a', name: 'ignored', durationMs: 2500 }));
    renderer.close();
    const line = out.text().split('\n').find((l) => l.includes('[1/1]'))!;
    expect(stripColours(line)).toMatch(/^ => \[1\/1\] RUN x+ 2\.5s$/);
    expect(stripColours(line)).toHaveLength(39);
  });

  it("colours finished steps blue and failures red as BuildKit does, and not at all under NO_COLOR", () => {
    const draw = (env: NodeJS.ProcessEnv) => {
      const out = sink(true);
      const renderer = createTtyRenderer(out.stream, env);
      renderer.onEvent(stamp({ type: 'step.started', stepId: 'a', name: '[1/2] RUN true' }));
      renderer.onEvent(stamp({ type: 'step.done', stepId: 'a', name: '[1/2] RUN true', durationMs: 10 }));
      renderer.onEvent(stamp({ type: 'step.started', stepId: 'b', name: '[2/2] RUN false' }));
      renderer.onEvent(stamp({ type: 'step.failed', stepId: 'b', name: '[2/2] RUN false', durationMs: 10, error: 'exit code: 1' }));
      renderer.close();
      return out.text();
    };
    expect(draw({})).toContain(`${ESC}[34m => [1/2] RUN true`);
    expect(draw({})).toContain(`${ESC}[31m => [2/2] RUN false`);
    expect(draw({ NO_COLOR: '1' })).not.toMatch(colourCodes('3\\d'));
  });

  it('shows a transfer under its step', () => {
    const out = sink(true);
    const renderer = createTtyRenderer(out.stream, {});
    renderer.onEvent(stamp({ type: 'step.started', stepId: 'x', name: 'exporting to image' }));
    renderer.onEvent(stamp({ type: 'step.started', stepId: 'y', name: '[1/1] RUN true' }));
    renderer.onEvent(stamp({ type: 'blob.progress', action: 'push', digest: `sha256:${'a'.repeat(64)}`, done: 1048576, total: 2097152, stepId: 'x' }));
    renderer.close();
    const lines = out.text().split('\n');
    const exporting = lines.findIndex((l) => l.includes('exporting to image'));
    expect(lines[exporting + 1]).toMatch(/^ => => push sha256:aaaaaaaaaaaa +1\.00MB \/ 2\.00MB$/);
  });

  it("shows a step's unfinished status under it with its time, and drops it from the final view once done", () => {
    const out = sink(true);
    const renderer = createTtyRenderer(out.stream, {});
    renderer.onEvent(stamp({ type: 'step.started', stepId: 'f', name: '[1/2] FROM busybox@sha256:bbb' }));
    renderer.onEvent(stamp({ type: 'step.status', stepId: 'f', text: 'extracting sha256:ccc' }));
    renderer.onEvent(stamp({ type: 'step.status', stepId: 'f', text: 'resolve busybox@sha256:bbb', durationMs: 0 }));
    renderer.close();
    const lines = stripColours(out.text()).split('\n');
    const from = lines.findIndex((l) => l.includes('FROM busybox'));
    expect(lines[from + 1]).toMatch(/^ => => extracting sha256:ccc +\d+\.\ds$/);
    expect(lines.some((l) => l.includes('resolve busybox'))).toBe(false);
  });
});
