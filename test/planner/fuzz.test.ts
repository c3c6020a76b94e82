// Bounded fuzz test of the parser and planner: Dockerfiles from the shared corpus, mutated by a
// seeded PRNG (byte flips, duplicated/deleted lines, inserted keywords, flags, `${}` forms,
// heredoc markers, escape directives), each parsed, linted, planned and rendered in a child process
// under a per-case time limit. Any error that is not a TsbuildError with a clean message, and any
// case slower than the limit, fails the test with its seed and input.
// TSBUILD_FUZZ_MS (default 10000) sets the total time, TSBUILD_FUZZ_SEED the first seed.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FuzzOutcome } from './fuzz-case.js';
import { seededRandom } from '../helpers/seeded-random.js';

const TOTAL_MS = Number(process.env.TSBUILD_FUZZ_MS ?? 10_000);
const CASE_MS = Number(process.env.TSBUILD_FUZZ_CASE_MS ?? 1_000);
const FIRST_SEED = Number(process.env.TSBUILD_FUZZ_SEED ?? 1);
const corpusRoot = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

const BUILTIN = [
  'FROM busybox AS base\nARG A=1\nENV B=${A:-x}\nRUN --mount=type=cache,target=/c echo $B\n',
  'FROM base-onbuild\nCOPY --from=0 --chown=1:1 a b /dst/\nWORKDIR /w\nUSER u:g\nEXPOSE 80/udp\n',
  '# syntax=docker/dockerfile:1\n# escape=`\nFROM scratch\nCOPY <<EOF /f\nhello ${A}\nEOF\nRUN <<EOT bash\necho hi\nEOT\n',
  'ARG IMG=alpine\nFROM $IMG AS one\nFROM one\nHEALTHCHECK --interval=5s CMD true\nONBUILD RUN x\nSHELL ["sh","-c"]\nCMD ["a"]\n',
];

const TOKENS = [
  'FROM ', 'FROM scratch', 'FROM one AS two', 'RUN ', 'COPY ', 'ADD ', 'ENV ', 'ARG ', 'LABEL ', 'EXPOSE ', 'WORKDIR ',
  'USER ', 'VOLUME ', 'CMD ', 'ENTRYPOINT ', 'SHELL ', 'ONBUILD ', 'HEALTHCHECK ', 'STOPSIGNAL ', 'MAINTAINER ',
  '--from=', '--from=0 ', '--mount=type=bind,from=one,source=/,target=/m ', '--mount=type=cache,id=x,target=/c ',
  '--mount=type=secret,id=s ', '--chown=1:2 ', '--chmod=0755 ', '--link ', '--platform=$BUILDPLATFORM ', '--network=none ',
  '--exclude=*.md ', '--keep-git-dir ', '--checksum=sha256:0 ', '--parents ', '--interval=1s ',
  '$A', '${A}', '${A:-x}', '${A:+y}', '${A?err}', '${A#*}', '${A%%x*}', '${A//a/b}', '${A/#a/b}', '${', '}', '$$', '${A:-${B:-c}}',
  '<<EOF\n', '<<-EOT\n', '<<"EOF"\n', 'EOF\n', '\n', '\\\n', '`\n', '"', "'", '[', ']', '["a", "b"]', '=', ' ', '#',
  '# escape=`\n', '# escape=\\\n', '# syntax=docker/dockerfile:1\n', '# check=skip=all\n', 'A=b ', '0', '-1', '65536-1', '1-99999999999', '/',
];

function corpusFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/^Dockerfile/.test(name)) files.push(path);
    }
  };
  for (const part of ['real-world', 'buildkit-parser']) if (existsSync(join(corpusRoot, part))) walk(join(corpusRoot, part));
  return files;
}

function mutate(text: string, random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const at = (length: number) => Math.floor(random() * (length + 1));
  let out = text;
  const count = 1 + Math.floor(random() * 6);
  for (let i = 0; i < count; i++) {
    const lines = out.split('\n');
    switch (Math.floor(random() * 6)) {
      case 0: {
        const index = at(out.length - 1);
        out = out.slice(0, index) + String.fromCharCode(Math.floor(random() * 128)) + out.slice(index + 1);
        break;
      }
      case 1: {
        const index = at(lines.length - 1);
        lines.splice(index, 0, ...Array.from({ length: 1 + Math.floor(random() * 3) }, () => lines[index] ?? ''));
        out = lines.join('\n');
        break;
      }
      case 2:
        lines.splice(at(lines.length - 1), 1 + Math.floor(random() * 3));
        out = lines.join('\n');
        break;
      case 3: {
        const index = at(out.length);
        out = out.slice(0, index) + pick(TOKENS) + out.slice(index);
        break;
      }
      case 4:
        lines.splice(at(lines.length), 0, pick(TOKENS) + pick(TOKENS) + pick(TOKENS));
        out = lines.join('\n');
        break;
      default:
        out = `${pick(TOKENS)}${out}`;
    }
  }
  return out;
}

class CaseRunner {
  private child = this.start();

  private start(): ChildProcess {
    return fork(fileURLToPath(new URL('./fuzz-case.ts', import.meta.url)), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  }

  /** The outcome, or undefined when the case ran longer than `limitMs` (the child is replaced). */
  run(text: string, limitMs: number): Promise<FuzzOutcome | undefined> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        this.child.kill('SIGKILL');
        this.child = this.start();
        resolve(undefined);
      }, limitMs);
      const onMessage = (outcome: FuzzOutcome) => {
        cleanup();
        resolve(outcome);
      };
      const onExit = (code: number | null, signal: string | null) => {
        cleanup();
        reject(new Error(`the fuzz child exited (${code ?? signal}) on this input:\n${text}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.child.off('message', onMessage).off('exit', onExit);
      };
      this.child.on('message', onMessage).on('exit', onExit);
      this.child.send(text);
    });
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}

describe('parser and planner fuzzing', () => {
  it(`finds no crash, unclear error or hang in ${TOTAL_MS} ms of mutated Dockerfiles`, async () => {
    const corpus = [...BUILTIN, ...corpusFiles().map((file) => readFileSync(file, 'utf8'))];
    const runner = new CaseRunner();
    const failures: string[] = [];
    let cases = 0;
    try {
      // The first case also loads the modules in the worker: no time limit for it.
      await runner.run(BUILTIN[0]!, 60_000);
      const end = Date.now() + TOTAL_MS;
      for (let seed = FIRST_SEED; Date.now() < end && failures.length < 5; seed++) {
        const random = seededRandom(seed);
        const input = mutate(corpus[Math.floor(random() * corpus.length)]!, random);
        const outcome = await runner.run(input, CASE_MS);
        cases++;
        const problem = outcome === undefined ? `took longer than ${CASE_MS} ms` : outcome.problem;
        if (problem) failures.push(`seed ${seed}: ${problem}\n--- input ---\n${input}\n--- end ---`);
      }
    } finally {
      runner.stop();
    }
    console.log(`fuzz: ${cases} cases from seed ${FIRST_SEED}, ${failures.length} failing`);
    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(cases).toBeGreaterThan(0);
  }, TOTAL_MS + 120_000);
});
