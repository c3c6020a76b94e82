// `tsbuild store verify [--repair]`: checks the root's store (blobs, records, names, mounts,
// processes, secrets) after sweeping what killed processes left; exit 1 with the list of problems.
import type { Command } from 'commander';
import { TsbuildError } from '../../errors.js';

export function register(program: Command): Command {
  const store = program.command('store').description('Check and repair the local store');
  store
    .command('verify')
    .description('Sweep leftovers of killed tsbuild processes, then check every blob against its digest, every cache record and name against the blobs they need, and that no mounts, processes or secrets of dead builds remain; exit 1 when something is wrong')
    .option('--repair', 'remove what is damaged (corrupt blobs, broken records and names, stray mounts, orphaned processes, leaked secrets)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (flags: { repair?: boolean; format: string }) => {
      const { verifyStore } = await import('../../api/maintenance.js');
      if (flags.format !== 'text' && flags.format !== 'json') throw new TsbuildError('USAGE', `unknown --format "${flags.format}": use text or json`);
      const report = await verifyStore({ repair: flags.repair });
      if (flags.format === 'json') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(textReport(report));
      if (report.problems.length > 0) {
        throw new TsbuildError('STORE', `the store at ${report.root} has ${report.problems.length} problem(s)${flags.repair ? ' that could not be repaired' : ': run `tsbuild store verify --repair` to remove them'}`);
      }
    });
  return store;
}

interface ReportView {
  root: string;
  counts: { blobs: number; records: number; names: number };
  swept: string[];
  problems: { kind: string; subject: string; detail: string }[];
  repaired: { kind: string; subject: string; detail: string }[];
}

function textReport(report: ReportView): string {
  const lines = [`Checked ${report.root}: ${report.counts.blobs} blobs, ${report.counts.records} cache records, ${report.counts.names} names`];
  if (report.swept.length > 0) lines.push(`Swept ${report.swept.length} leftover(s) of killed tsbuild processes:`, ...report.swept.map((p) => `  ${p}`));
  if (report.repaired.length > 0) lines.push('Repaired:', ...report.repaired.map((p) => `  ${p.kind} ${p.subject}: ${p.detail}`));
  if (report.problems.length > 0) lines.push('Problems:', ...report.problems.map((p) => `  ${p.kind} ${p.subject}: ${p.detail}`));
  else lines.push('OK: no problems found');
  return `${lines.join('\n')}\n`;
}
