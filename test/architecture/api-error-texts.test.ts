// The API's messages (errors and warnings) speak of options and settings, not of CLI flags: a Node
// user never typed `--secret`. The CLI adds the flag where it helps (TsbuildError's `cliHint`).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src', import.meta.url));

/** Flags of the tsbuild command line (not Dockerfile flags such as `RUN --network` or `FROM --platform`). */
const CLI_FLAGS = [
  'secret', 'ssh', 'network', 'memory', 'memory-swap', 'cpu-quota', 'cpu-period', 'pids-limit', 'output', 'platform',
  'pull', 'change', 'security-opt', 'tmpfs', 'cpus', 'build-arg', 'tag', 'push', 'load', 'cache-from', 'cache-to',
  'allow', 'progress', 'target', 'file', 'iidfile', 'metadata-file', 'no-cache',
];
const FLAG_IN_TEXT = new RegExp(`(?<!(?:RUN|FROM|COPY|ADD|HEALTHCHECK)(?: --[a-z-]+=?\\S*)* )--(?:${CLI_FLAGS.join('|')})\\b`);
/** A string literal or template on a line that reports something. */
const REPORTING = /throw|Error\(|message|warn|usage\(|reason/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

describe('API message texts', () => {
  it('name no CLI flag outside the CLI and the Action', () => {
    const offending: string[] = [];
    for (const file of sourceFiles(src)) {
      const relative = path.relative(src, file);
      if (/^(cli|action)\//.test(relative) || relative === 'cli.ts') continue;
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        const code = line.trim();
        if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*') || /^(export )?type /.test(code)) return;
        // cliHint is the CLI's own text, added by the CLI.
        const strings = code.replace(/cliHint: (['"`])(?:\\.|(?!\1).)*\1/g, '').match(/(['"`])(?:\\.|(?!\1).)*\1/g) ?? [];
        if (strings.some((text) => FLAG_IN_TEXT.test(text)) && (REPORTING.test(code) || REPORTING.test(lines(file)[i - 1] ?? ''))) {
          offending.push(`${relative}:${i + 1}: ${code}`);
        }
      });
    }
    expect(offending).toEqual([]);
  });
});

const cache = new Map<string, string[]>();
function lines(file: string): string[] {
  let text = cache.get(file);
  if (!text) cache.set(file, (text = readFileSync(file, 'utf8').split('\n')));
  return text;
}
