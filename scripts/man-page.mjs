// Writes docs/tsbuild.1, the man page (package.json's "man"), from the built CLI's --help texts
// (`npm run docs:man`); test/cli/cli-docs.test.ts fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { helpTexts } from './cli-docs.mjs';

const { version, description } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** Text for a roff no-fill block: backslashes and hyphens escaped, no line read as a request. */
function roff(text) {
  return text.split('\n').map((line) => line.replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/^([.'])/, '\\&$1')).join('\n');
}

export function manPage() {
  const { top, sections } = helpTexts();
  return [
    `.TH TSBUILD 1 "" "tsbuild ${version}" "User Commands"`,
    '.SH NAME',
    `tsbuild \\- ${roff(description)}`,
    '.SH SYNOPSIS',
    '.B tsbuild',
    '[\\fIoptions\\fR] \\fIcommand\\fR [\\fIargs\\fR]',
    '.SH DESCRIPTION',
    '.nf',
    roff(top),
    '.fi',
    '.SH COMMANDS',
    ...sections.flatMap(({ command, text }) => [`.SS tsbuild ${command}`, '.nf', roff(text), '.fi']),
    '.SH SEE ALSO',
    'docs/cli.md, docs/api.md and docs/github-action.md in the tsbuild package.',
    '',
  ].join('\n');
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  writeFileSync(new URL('../docs/tsbuild.1', import.meta.url), manPage());
}
