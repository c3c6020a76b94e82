// `tsbuild completion bash|zsh|fish`, the bash script driven by bash itself as the shell does on Tab.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const script = (shell: string) => spawnSync(process.execPath, [cli, 'completion', shell], { encoding: 'utf8' });

/** What Tab offers after `line` (the cursor at its end) with the generated bash completion. */
function complete(line: string): string[] {
  const words = line.split(' ');
  const program = [
    script('bash').stdout,
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}`,
    '_tsbuild; printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = spawnSync('bash', ['--norc', '-c', program], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.split('\n').filter(Boolean);
}

describe('shell completion', () => {
  it('bash completes commands, subcommands, flags and flag values', () => {
    expect(complete('tsbuild bu')).toEqual(['build']);
    expect(complete('tsbuild build --prog')).toEqual(['--progress']);
    expect(complete('tsbuild build --pro')).toEqual(['--provenance', '--progress']);
    expect(complete('tsbuild build --progress p')).toEqual(['plain']);
    expect(complete('tsbuild build -t x --no-cache-')).toEqual(['--no-cache-filter']);
    expect(complete('tsbuild cache ')).toContain('du');
    expect(complete('tsbuild completion ')).toEqual(['bash', 'zsh', 'fish', '--help']);
  });

  it('zsh loads the same functions through bashcompinit; fish gets complete commands', () => {
    const zsh = script('zsh').stdout;
    expect(zsh.startsWith('#compdef tsbuild\n')).toBe(true);
    expect(zsh).toContain('bashcompinit');
    expect(zsh).toContain('complete -o default -F _tsbuild tsbuild');
    const fish = script('fish').stdout;
    expect(fish).toContain("complete -c tsbuild -n __fish_use_subcommand -a 'build' -d 'Build an image from a Dockerfile'");
    expect(fish).toMatch(/complete -c tsbuild -n '__fish_seen_subcommand_from build' -l progress -r -a 'auto tty plain json rawjson quiet' -d/);
  });

  it('refuses another shell', () => {
    const result = script('tcsh');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Allowed choices are bash, zsh, fish");
  });
});
