// The plain-progress step reader, the job summary and the GITHUB_OUTPUT block format.
import { describe, expect, it } from 'vitest';
import { formatOutputs } from '../../src/action/runner-files.js';
import { createStepCollector } from '../../src/action/step-log.js';
import { renderSummary } from '../../src/action/summary.js';

const PLAIN = [
  '#1 [internal] load build definition',
  '#1 DONE 0.0s',
  '#2 [base 1/2] FROM busybox',
  '#2 CACHED',
  '#3 [base 2/2] RUN make',
  '#3 0.2 DONE 9.9s is only a log line',
  '#3 0.3 ERROR: so is this',
  'pull sha256:abc 10 bytes done',
  '#3 ERROR: exit status 2',
  'error: Dockerfile:3: RUN make failed',
].join('\n');

describe('createStepCollector', () => {
  it('reads names, cached/done/failed states and durations, across split chunks', () => {
    const collector = createStepCollector();
    for (let i = 0; i < PLAIN.length; i += 7) collector.write(PLAIN.slice(i, i + 7));
    expect(collector.steps()).toEqual([
      { number: 1, name: '[internal] load build definition', status: 'done', durationSeconds: 0 },
      { number: 2, name: '[base 1/2] FROM busybox', status: 'cached' },
      { number: 3, name: '[base 2/2] RUN make', status: 'failed', error: 'exit status 2' },
    ]);
    expect(collector.failure()).toBe('Dockerfile:3: RUN make failed');
  });

  it('takes the name from the first plain line, whatever comes before it', () => {
    const collector = createStepCollector();
    collector.write('#4 cache miss: file a.txt changed\n#4 [app 3/3] COPY . .\n#5 ERROR: base image not found\n');
    expect(collector.steps()).toEqual([
      { number: 4, name: '[app 3/3] COPY . .', status: 'running' },
      { number: 5, name: '', status: 'failed', error: 'base image not found' },
    ]);
  });
});

describe('renderSummary', () => {
  it('shows outcome, images, digest and an escaped step table', () => {
    const markdown = renderSummary({
      exitCode: 0,
      imageNames: ['r/a:1', 'r/a:2'],
      digest: 'sha256:dd',
      imageId: 'sha256:cc',
      steps: [{ number: 1, name: 'RUN a | b > <c> & d', status: 'done', durationSeconds: 1.25 }],
    });
    expect(markdown).toContain('| Result | ✅ succeeded |');
    expect(markdown).toContain('| Image | <code>r/a:1</code><br><code>r/a:2</code> |');
    expect(markdown).toContain('| Digest | <code>sha256:dd</code> |');
    expect(markdown).toContain('| 1 | RUN a \\| b &gt; &lt;c&gt; &amp; d | ✅ done | 1.3s |');
  });

  it('labels a step whose name never appeared', () => {
    const markdown = renderSummary({ exitCode: 1, imageNames: [], steps: [{ number: 2, name: '', status: 'running' }] });
    expect(markdown).toContain('| 2 | (unnamed step) | ⏹️ not finished |  |');
  });

  it('reports a failure with its exit status and no step table when there were no steps', () => {
    const markdown = renderSummary({ exitCode: 3, imageNames: [], steps: [] });
    expect(markdown).toContain('❌ failed (exit status 3)');
    expect(markdown).not.toContain('Build steps');
  });
});

describe('formatOutputs', () => {
  it('writes name<<DELIMITER blocks that carry multi-line values', () => {
    const text = formatOutputs({ digest: 'sha256:x', metadata: '{\n  "a": 1\n}' }, 'ghadelimiter_T');
    expect(text).toBe('digest<<ghadelimiter_T\nsha256:x\nghadelimiter_T\nmetadata<<ghadelimiter_T\n{\n  "a": 1\n}\nghadelimiter_T\n');
  });

  it('refuses a value containing the delimiter', () => {
    expect(() => formatOutputs({ x: 'a ghadelimiter_T b' }, 'ghadelimiter_T')).toThrow(/delimiter/);
  });
});
