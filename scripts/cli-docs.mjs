// Writes docs/cli.md from the built CLI's own --help texts (`npm run docs:cli`), so the CLI
// reference never drifts from the code; test/cli/cli-docs.test.ts fails when it is stale.
// scripts/man-page.mjs makes the man page from the same texts.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url).pathname;
const help = (...args) => execFileSync(process.execPath, [cli, ...args, '--help'], { encoding: 'utf8' }).trimEnd();

let cached;

/** The top-level help, then `{ command, text }` for each command and subcommand, in --help order. */
export function helpTexts() {
  cached ??= collectHelpTexts();
  return cached;
}

function collectHelpTexts() {
  const top = help();
  const commands = [...top.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
  const sections = commands.flatMap((command) => {
    const text = help(command);
    const subcommands = /\nCommands:\n/.test(text) ? [...text.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help') : [];
    return [{ command, text }, ...subcommands.map((sub) => ({ command: `${command} ${sub}`, text: help(command, sub) }))];
  });
  return { top, sections };
}

export function cliReference() {
  const { top, sections } = helpTexts();
  const body = sections.map(({ command, text }) => `## tsbuild ${command}\n\n\`\`\`\n${text}\n\`\`\`\n`);
  return `# CLI reference\n\nGenerated from \`tsbuild --help\` by \`npm run docs:cli\`.\n\n\`\`\`\n${top}\n\`\`\`\n\n${body.join('\n')}`;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  writeFileSync(new URL('../docs/cli.md', import.meta.url), cliReference());
}
