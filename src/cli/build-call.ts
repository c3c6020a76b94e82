// `build --call=check|outline|targets` (and `--check`): what BuildKit prints for each, from the
// API's check, outline and targets, without building.
import { readFileSync } from 'node:fs';
import type { CheckReport } from '../api/plan.js';
import { alignColumns } from './format/index.js';

export interface CallSource {
  context: string;
  file?: string;
  buildArgs: Record<string, string>;
  target?: string;
}

export async function describeDockerfile(call: 'check' | 'outline' | 'targets', source: CallSource): Promise<string> {
  const [{ check, checkFailed }, { outline, targets }] = await Promise.all([import('../api/plan.js'), import('../api/describe.js')]);
  const input = { context: source.context, dockerfile: source.file };
  if (call === 'targets') {
    const rows = targets(input).map((t) => `${t.name}${t.default ? ' (default)' : ''}\t${t.description}`);
    return alignColumns(['TARGET\tDESCRIPTION', ...rows, ''].join('\n'));
  }
  if (call === 'outline') {
    const result = outline({ ...input, target: source.target, buildArgs: source.buildArgs });
    const sections = [`TARGET:\t${result.target}${result.description ? `\nDESCRIPTION:\t${result.description}` : ''}\n`];
    if (result.args.length) sections.push(['BUILD ARG\tVALUE\tDESCRIPTION', ...result.args.map((a) => `${a.name}\t${a.value ?? '<nil>'}\t${a.description}`)].join('\n'));
    if (result.secrets.length) sections.push(['SECRET\tREQUIRED', ...result.secrets.map((s) => `${s.id}\t${s.required}`)].join('\n'));
    if (result.ssh.length) sections.push(['SSH\tREQUIRED', ...result.ssh.map((s) => `${s.id}\t${s.required}`)].join('\n'));
    return sections.map((section) => `${alignColumns(section)}\n`).join('\n');
  }
  const report = await check({ ...input, buildArgs: source.buildArgs });
  const text = checkReport(report.findings, dockerfileLines(source));
  if (report.failed) {
    process.stdout.write(text);
    throw checkFailed(report.findings.length);
  }
  return text;
}

function dockerfileLines(source: CallSource): string[] {
  try {
    return readFileSync(source.file ?? `${source.context}/Dockerfile`, 'utf8').split('\n');
  } catch {
    return [];
  }
}

/** BuildKit's lint report: a count, then each finding with its rule's page and a source frame. */
function checkReport(findings: CheckReport['findings'], lines: string[]): string {
  if (findings.length === 0) return 'Check complete, no warnings found.\n';
  const count = findings.length === 1 ? '1 warning has' : `${findings.length} warnings have`;
  const blocks = findings.map((f) => {
    const at = f.location.line;
    const frame = lines.slice(Math.max(0, at - 3), at + 2).map((text, i) => {
      const number = Math.max(1, at - 2) + i;
      return `${String(number).padStart(4)} | ${number === at ? '>>>' : '   '} ${text}`;
    });
    const rule = f.rule.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2').toLowerCase();
    const file = f.location.file.split('/').pop();
    return [`WARNING: ${f.rule} - https://docs.docker.com/go/dockerfile/rule/${rule}/`, f.message, `${file}:${at}`, '--------------------', ...frame, '--------------------', ''].join('\n');
  });
  return `Check complete, ${count} been found!\n\n${blocks.join('\n')}`;
}
