// SOURCE_DATE_EPOCH as BuildKit's Dockerfile frontend resolves it (dockerfile2llb/epoch.go,
// convert.go getBuildArgValue): a build arg wins, else the global ARG's default; whole seconds,
// or the name of a source-only stage; anything else fails the build.
import { describe, expect, it, test } from 'vitest';
import { envOf, execAt, plan } from './helpers.js';

describe('the build\'s SOURCE_DATE_EPOCH', () => {
  test.each<{ name: string; text: string; buildArgs: Record<string, string>; epoch: number | undefined }>([
    { name: 'a global ARG default', text: 'ARG SOURCE_DATE_EPOCH=1700000001\nFROM scratch', buildArgs: {}, epoch: 1700000001 },
    { name: 'a build arg over the default', text: 'ARG SOURCE_DATE_EPOCH=1700000001\nFROM scratch', buildArgs: { SOURCE_DATE_EPOCH: '1700000002' }, epoch: 1700000002 },
    { name: 'an empty build arg resets the default', text: 'ARG SOURCE_DATE_EPOCH=1700000001\nFROM scratch', buildArgs: { SOURCE_DATE_EPOCH: '' }, epoch: undefined },
    { name: 'a build arg without any ARG', text: 'FROM scratch', buildArgs: { SOURCE_DATE_EPOCH: '5' }, epoch: 5 },
    { name: 'a default made of another global ARG', text: 'ARG T=1700000003\nARG SOURCE_DATE_EPOCH=$T\nFROM scratch', buildArgs: {}, epoch: 1700000003 },
    { name: 'an empty default', text: 'ARG SOURCE_DATE_EPOCH=\nFROM scratch', buildArgs: {}, epoch: undefined },
    { name: 'a stage ARG default does not count', text: 'FROM scratch\nARG SOURCE_DATE_EPOCH=7', buildArgs: {}, epoch: undefined },
    { name: '`context` on a local context', text: 'ARG SOURCE_DATE_EPOCH=context\nFROM scratch', buildArgs: {}, epoch: undefined },
  ])('$name', async ({ text, buildArgs, epoch }) => {
    const { plan: p } = await plan(text, { buildArgs });
    expect(p.sourceDateEpoch).toBe(epoch);
  });

  it('is what a stage\'s ARG SOURCE_DATE_EPOCH sees, in whole seconds', async () => {
    const { plan: p } = await plan('ARG SOURCE_DATE_EPOCH=+0042\nFROM scratch\nARG SOURCE_DATE_EPOCH\nRUN x');
    expect(p.sourceDateEpoch).toBe(42);
    expect(envOf(execAt(p, 4)).SOURCE_DATE_EPOCH).toBe('42');
  });

  test.each([
    ['ARG SOURCE_DATE_EPOCH=not-a-timestamp\nFROM scratch', {}, 'invalid SOURCE_DATE_EPOCH: not-a-timestamp'],
    ['FROM scratch', { SOURCE_DATE_EPOCH: '12abc' }, 'invalid SOURCE_DATE_EPOCH: 12abc'],
    [
      'ARG SOURCE_DATE_EPOCH=mysource\nFROM scratch AS mysource\nCOPY Dockerfile /Dockerfile\nFROM scratch',
      {}, 'SOURCE_DATE_EPOCH stage does not meet source-only requirements: unsupported COPY instruction',
    ],
    ['ARG SOURCE_DATE_EPOCH=src\nFROM busybox AS src\nADD https://example.com/a.tar /\nFROM scratch', {}, 'SOURCE_DATE_EPOCH stage must use FROM scratch'],
    ['ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nARG X\nFROM scratch', {}, 'SOURCE_DATE_EPOCH stage must contain exactly one remote ADD'],
    [
      'ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nADD https://example.com/a.tar /\nADD https://example.com/b.tar /\nFROM scratch',
      {}, 'SOURCE_DATE_EPOCH stage must contain exactly one remote ADD',
    ],
    ['ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nADD a.tar b.tar /\nFROM scratch', {}, 'SOURCE_DATE_EPOCH stage must contain exactly one remote ADD source'],
    ['ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nADD local.tar /\nFROM scratch', {}, 'SOURCE_DATE_EPOCH stage source must be a single HTTP(S) or Git ADD'],
  ])('%s %j fails: %s', async (text, buildArgs, message) => {
    await expect(plan(text, { buildArgs })).rejects.toThrow(message);
  });

  it('dates the build by the stage\'s remote source, through the resolver (none offline)', async () => {
    const text = 'ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nARG V=1\nADD --checksum=sha256:abc https://example.com/a-$V.tar /\nFROM scratch\nARG SOURCE_DATE_EPOCH\nRUN x';
    const asked: [string, string | undefined][] = [];
    const { plan: p } = await plan(text, { resolveSourceEpoch: (url, checksum) => (asked.push([url, checksum]), Promise.resolve(1700000402)) });
    expect(asked).toEqual([['https://example.com/a-1.tar', 'sha256:abc']]);
    expect(p.sourceDateEpoch).toBe(1700000402);
    expect(envOf(execAt(p, 7)).SOURCE_DATE_EPOCH).toBe('1700000402');
    expect((await plan(text)).plan.sourceDateEpoch).toBeUndefined();
    await expect(plan('ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nADD https://example.com/r.git /\nFROM scratch')).rejects.toThrow('is not supported by tsbuild yet');
  });

  it('names the stage line in a source-only error', async () => {
    const error = await plan('ARG SOURCE_DATE_EPOCH=mysource\nFROM scratch AS mysource\nCOPY a /a\nFROM scratch').catch((e: unknown) => e);
    expect(error).toMatchObject({ location: { line: 2 } });
  });
});
