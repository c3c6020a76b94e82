// A hostile Dockerfile cannot make planning take unbounded time or memory, or overflow the stack:
// doubling ARGs stop at the expansion limit with an error naming the line, and long chains of
// stages plan without recursion limits.
import { describe, expect, it } from 'vitest';
import { DockerfileSyntaxError } from '../../src/errors.js';
import { MAX_EXPANDED_WORD } from '../../src/parser/shell-words.js';
import { plan } from './helpers.js';

/**
 * The plan's result or error. No wall-clock assertion (CI machines are loaded): an unbounded
 * expansion or walk shows as the test's timeout instead.
 */
async function outcomeOf<T>(work: () => Promise<T>): Promise<T | unknown> {
  return work().catch((error: unknown) => error);
}

describe('planner resource limits', () => {
  it.each([22, 28, 40])('rejects %i lines of ARG A=${A}${A}, naming the line that grows too large', async (lines) => {
    const text = `FROM scratch\nARG A=x\n${'ARG A=${A}${A}\n'.repeat(lines)}RUN echo $A\n`;
    const outcome = await outcomeOf(() => plan(text));
    expect(outcome).toBeInstanceOf(DockerfileSyntaxError);
    const error = outcome as DockerfileSyntaxError;
    expect(error.code).toBe('DOCKERFILE_SYNTAX');
    // 2^21 characters is the first value over the 1 MiB limit: line 2 + 21.
    expect(error.location.line).toBe(23);
    expect(error.message).toMatch(/^Dockerfile:23: .*larger than 1 MiB/);
  });

  it('still expands words up to the limit', async () => {
    const text = `FROM scratch\nARG A=x\n${'ARG A=${A}${A}\n'.repeat(20)}ENV B=$A\n`;
    const result = await plan(text);
    const env = Object.values(result.plan.images)[0]?.config.Env ?? [];
    expect(env.find((e) => e.startsWith('B='))?.length).toBe(2 + 2 ** 20);
    expect(2 ** 20).toBeLessThanOrEqual(MAX_EXPANDED_WORD);
  });

  it('bounds the total expanded text of a plan, not only each word', async () => {
    const big = `FROM scratch\nARG A=x\n${'ARG A=${A}${A}\n'.repeat(19)}`;
    const text = `${big}${Array.from({ length: 4000 }, (_, i) => `ENV V${i}=$A\n`).join('')}`;
    const outcome = await outcomeOf(() => plan(text));
    expect(outcome).toBeInstanceOf(DockerfileSyntaxError);
    expect((outcome as Error).message).toMatch(/^Dockerfile:\d+: .*expanded text .* more than/);
  });

  it.each([
    ['FROM chain', (i: number) => `FROM s${i - 1} AS s${i}\n`],
    ['COPY --from chain', (i: number) => `FROM scratch AS s${i}\nCOPY --from=s${i - 1} /f /f${i}\n`],
    ['RUN --mount from chain', (i: number) => `FROM s${i - 1} AS s${i}\nRUN --mount=from=s${i - 1},target=/m true\n`],
  ])('plans a %s of 3000 stages without overflowing the stack', async (_name, stage) => {
    const text = `FROM scratch AS s0\nCOPY f /f\n${Array.from({ length: 2999 }, (_, i) => stage(i + 1)).join('')}`;
    const outcome = await outcomeOf(() => plan(text));
    expect(outcome, String(outcome)).toMatchObject({ plan: expect.anything() });
  });
});
