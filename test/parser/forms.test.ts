// Instruction forms and flags: exec vs shell form, ENV/LABEL/ARG word splitting, COPY/ADD
// flags, FROM, HEALTHCHECK, ONBUILD, EXPOSE, VOLUME, heredoc sources.
import { describe, expect, test } from 'vitest';
import type { Command } from '../../src/parser/types.js';
import { parseDockerfile } from '../../src/parser/index.js';
import { as, onlyInstruction } from './helpers.js';

describe('exec and shell forms', () => {
  test.each<[string, Command]>([
    ['CMD ["a", "b c"]', { form: 'exec', args: ['a', 'b c'] }],
    ['CMD []', { form: 'exec', args: [] }],
    ['CMD echo  "hi"  there', { form: 'shell', script: 'echo  "hi"  there', heredocs: [] }],
    ["CMD ['single', 'quotes']", { form: 'shell', script: "['single', 'quotes']", heredocs: [] }],
    ['CMD ["unterminated"', { form: 'shell', script: '["unterminated"', heredocs: [] }],
    ['CMD ["a"] trailing', { form: 'shell', script: '["a"] trailing', heredocs: [] }],
  ])('%s', (line, command) => {
    expect(as(onlyInstruction(line), 'CMD').command).toEqual(command);
    expect(as(onlyInstruction(line.replace('CMD', 'ENTRYPOINT')), 'ENTRYPOINT').command).toEqual(command);
  });

  test('a JSON array that is not all strings is an error', () => {
    expect(() => onlyInstruction('CMD ["a", 1]')).toThrow('Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only');
  });

  test('SHELL needs the JSON form', () => {
    expect(as(onlyInstruction('SHELL ["/bin/bash", "-c"]'), 'SHELL').shell).toEqual(['/bin/bash', '-c']);
    expect(() => onlyInstruction('SHELL /bin/bash -c')).toThrow('Dockerfile:2: SHELL requires the arguments to be in JSON form');
  });
});

describe('ENV, LABEL and ARG words', () => {
  test.each([
    ['ENV a=1 b="two words" c=x\\ y', [['a', '1'], ['b', '"two words"'], ['c', 'x\\ y']]],
    ['ENV legacy value with  spaces', [['legacy', 'value with  spaces']]],
    ["ENV q='single $x'", [['q', "'single $x'"]]],
    ['ENV empty=', [['empty', '']]],
  ])('%s', (line, pairs) => {
    expect(as(onlyInstruction(line), 'ENV').vars).toEqual(pairs.map(([key, value]) => ({ key, value })));
  });

  test('LABEL keeps values as written', () => {
    expect(as(onlyInstruction('LABEL "com.example.a"="x y" b=c'), 'LABEL').labels).toEqual([
      { key: '"com.example.a"', value: '"x y"' },
      { key: 'b', value: 'c' },
    ]);
  });

  test('ARG takes several names with and without defaults', () => {
    expect(as(onlyInstruction('ARG A B=2 C="x y" D='), 'ARG').args).toEqual([
      { name: 'A' },
      { name: 'B', default: '2' },
      { name: 'C', default: '"x y"' },
      { name: 'D', default: '' },
    ]);
  });

  test.each([
    ['ENV a=1 b', "Syntax error - can't find = in \"b\""],
    ['ENV PATH', 'ENV must have two arguments'],
    ['ENV =x', 'ENV names can not be blank'],
    ['LABEL =x', 'LABEL names can not be blank'],
    ['ARG =x', 'ARG names can not be blank'],
    ['ARG', 'ARG requires at least one argument'],
  ])('%s fails: %s', (line, message) => {
    expect(() => onlyInstruction(line)).toThrow(`Dockerfile:2: ${message}`);
  });
});

describe('COPY and ADD', () => {
  test('COPY flags', () => {
    const copy = as(onlyInstruction('COPY --from=build --chown=app:app --chmod=u+rwx,g-w --link --parents --exclude=*.md --exclude=.git a b /dst/'), 'COPY');
    expect(copy).toMatchObject({ from: 'build', chown: 'app:app', chmod: 'u+rwx,g-w', link: true, parents: true, exclude: ['*.md', '.git'], sources: ['a', 'b'], dest: '/dst/' });
  });

  test('COPY JSON form', () => {
    expect(as(onlyInstruction('COPY ["a b", "/c d/"]'), 'COPY')).toMatchObject({ sources: ['a b'], dest: '/c d/' });
  });

  test('ADD flags', () => {
    const add = as(onlyInstruction('ADD --checksum=sha256:abc --keep-git-dir --unpack=false --link https://x/y.tgz /opt/'), 'ADD');
    expect(add).toMatchObject({ checksum: 'sha256:abc', keepGitDir: true, unpack: false, link: true, sources: ['https://x/y.tgz'], dest: '/opt/' });
    expect(as(onlyInstruction('ADD a /b'), 'ADD').unpack).toBeUndefined();
  });

  test.each(['755', '0644', '4755', 'u+x', 'a=rX,u+w', 'go-w', '$MODE'])('--chmod=%s is accepted', (mode) => {
    expect(as(onlyInstruction(`COPY --chmod=${mode} a /b`), 'COPY').chmod).toBe(mode);
  });

  test.each([
    ['COPY --chmod=999 a /b', "invalid chmod parameter: '999'. it should be octal string and between 0 and 07777"],
    ['COPY --chmod=u*x a /b', 'invalid chmod parameter: u*x'],
    ['ADD --checksum=md5 a /b', 'invalid checksum digest format: md5'],
    ['ADD --from=x a /b', 'unknown flag: --from'],
    ['COPY --checksum=sha256:a a /b', 'unknown flag: --checksum'],
    ['COPY --link=maybe a /b', 'expecting boolean value for flag link, not: maybe'],
    ['COPY --link= a /b', 'missing a value on flag: link'],
    ['COPY --from a /b', 'missing a value on flag: from'],
    ['COPY --from=a --from=b a /b', 'duplicate flag specified: from'],
    ['COPY <<EOF\nEOF', 'COPY requires at least two arguments'],
  ])('%s fails: %s', (line, message) => {
    expect(() => onlyInstruction(line)).toThrow(`Dockerfile:2: ${message}`);
  });

  test('a misspelt flag gets a suggestion', () => {
    expect(() => onlyInstruction('COPY --chonw=a a /b')).toThrow('unknown flag: --chonw (did you mean chown?)');
  });

  test('heredoc sources mixed with paths', () => {
    const copy = as(onlyInstruction("COPY a <<-X <<'Y' /d/\n\tx body\nX\ny $body\nY"), 'COPY');
    expect(copy.sources).toEqual(['a']);
    expect(copy.heredocs).toEqual([
      { name: 'X', content: 'x body\n', expand: true, chomp: true },
      { name: 'Y', content: 'y $body\n', expand: false, chomp: false },
    ]);
  });
});

describe('FROM, HEALTHCHECK, ONBUILD, EXPOSE, VOLUME', () => {
  test('FROM with platform and a stage name (lower-cased)', () => {
    const parsed = parseDockerfile('FROM --platform=linux/arm64 busybox AS Builder\nFROM builder\n');
    expect(parsed.stages.map((s) => [s.index, s.from.image, s.from.platform, s.from.stageName])).toEqual([
      [0, 'busybox', 'linux/arm64', 'builder'],
      [1, 'builder', undefined, undefined],
    ]);
  });

  test.each([
    ['FROM a AS 1st', 'invalid name for build stage: "1st"'],
    ['FROM a b', 'FROM requires either one or three arguments'],
    ['FROM --plaform=x a', 'unknown flag: --plaform'],
  ])('%s fails: %s', (text, message) => {
    expect(() => parseDockerfile(`${text}\n`)).toThrow(`Dockerfile:1: ${message}`);
  });

  test('HEALTHCHECK options and forms', () => {
    const check = as(onlyInstruction('HEALTHCHECK --interval=1m30s --start-interval=2s --retries=0 CMD ["curl", "-f", "x"]'), 'HEALTHCHECK');
    expect(check.options).toEqual({ interval: '1m30s', startInterval: '2s', retries: 0 });
    expect(check.test).toEqual({ type: 'CMD', command: { form: 'exec', args: ['curl', '-f', 'x'] } });
    expect(as(onlyInstruction('HEALTHCHECK none'), 'HEALTHCHECK').test).toEqual({ type: 'NONE' });
  });

  test.each([
    ['HEALTHCHECK --interval=5 CMD x', 'time: missing unit in duration "5"'],
    ['HEALTHCHECK --timeout=1d CMD x', 'time: unknown unit "d" in duration "1d"'],
    ['HEALTHCHECK --timeout=10us CMD x', 'Interval "timeout" cannot be less than 1ms'],
    ['HEALTHCHECK --retries=-1 CMD x', '--retries cannot be negative (-1)'],
    ['HEALTHCHECK --retries=x CMD x', 'strconv.ParseInt: parsing "x": invalid syntax'],
    ['HEALTHCHECK NONE x', 'HEALTHCHECK NONE takes no arguments'],
    ['HEALTHCHECK CMD', 'Missing command after HEALTHCHECK CMD'],
    ['HEALTHCHECK RUN x', 'Unknown type "RUN" in HEALTHCHECK (try CMD)'],
  ])('%s fails: %s', (line, message) => {
    expect(() => onlyInstruction(line)).toThrow(`Dockerfile:2: ${message}`);
  });

  test('ONBUILD parses its trigger and keeps the expression', () => {
    const onbuild = as(onlyInstruction('ONBUILD RUN --mount=type=cache,target=/c make'), 'ONBUILD');
    expect(onbuild.expression).toBe('RUN --mount=type=cache,target=/c make');
    expect(as(onbuild.trigger, 'RUN').mounts).toHaveLength(1);
  });

  test('ONBUILD with a heredoc trigger appends the body to the expression', () => {
    const onbuild = as(onlyInstruction('ONBUILD RUN <<EOF\necho hi\nEOF'), 'ONBUILD');
    expect(onbuild.expression).toBe('RUN <<EOF\necho hi\nEOF');
    expect(as(onbuild.trigger, 'RUN').command).toEqual({ form: 'shell', script: '<<EOF', heredocs: [{ name: 'EOF', content: 'echo hi\n', expand: true, chomp: false }] });
  });

  test('EXPOSE ports are sorted like BuildKit stores them; VOLUME takes both forms', () => {
    expect(as(onlyInstruction('EXPOSE 8080 443/tcp 53/udp'), 'EXPOSE').ports).toEqual(['443/tcp', '53/udp', '8080']);
    expect(as(onlyInstruction('VOLUME /a /b'), 'VOLUME').volumes).toEqual(['/a', '/b']);
    expect(as(onlyInstruction('VOLUME ["/a b"]'), 'VOLUME').volumes).toEqual(['/a b']);
    expect(() => onlyInstruction('VOLUME [""]')).toThrow('Dockerfile:2: VOLUME specified can not be an empty string');
  });

  test('instructions are case-insensitive', () => {
    expect(as(onlyInstruction('run echo hi'), 'RUN').command).toEqual({ form: 'shell', script: 'echo hi', heredocs: [] });
  });
});
