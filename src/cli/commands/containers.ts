// `tsbuild ps`, `logs`, `stop`, `rm` and `container prune`: the containers under the root, with
// Docker's columns and flags.
import type { Command } from 'commander';
import { TsbuildError } from '../../errors.js';
import type { ContainerRecord } from '../../api/containers.js';
import { formatSize } from '../format-size.js';

export function register(program: Command): Command {
  program
    .command('ps')
    .description('List containers')
    .option('-a, --all', 'show all containers (default shows just running)')
    .option('-q, --quiet', 'only display container IDs')
    .option('--no-trunc', "don't truncate output")
    .action(async (flags: { all?: boolean; quiet?: boolean; trunc: boolean }) => {
      const { listContainers } = await import('../../api/containers.js');
      const records = listContainers({ all: flags.all });
      const id = (r: ContainerRecord): string => (flags.trunc ? r.id.slice(0, 12) : r.id);
      if (flags.quiet) {
        process.stdout.write(records.map((r) => `${id(r)}\n`).join(''));
        return;
      }
      const rows = records.map((r) => [id(r), r.image, quoteCommand(r.command, flags.trunc), ago(r.created), status(r), r.ports.join(', '), r.name ?? '']);
      process.stdout.write(table(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'], rows));
    });
  program
    .command('logs')
    .description("Fetch the logs of a detached container")
    .argument('<container>', 'name or ID')
    .option('-f, --follow', 'follow log output until the container exits')
    .action(async (ref: string, flags: { follow?: boolean }) => {
      const { containerLogs } = await import('../../api/containers.js');
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      try {
        await containerLogs(ref, {
          follow: flags.follow, signal: controller.signal,
          onEntry: (entry) => (entry.stream === 'stdout' ? process.stdout : process.stderr).write(entry.log),
        });
      } finally {
        process.off('SIGINT', stop);
      }
    });
  program
    .command('stop')
    .description('Stop one or more running containers')
    .argument('<container...>', 'names or IDs')
    .option('-t, --time <seconds>', 'seconds to wait for the container to stop before killing it', '10')
    .action(async (refs: string[], flags: { time: string }) => {
      const { stop } = await import('../../api/containers.js');
      const seconds = Number(flags.time);
      if (!Number.isFinite(seconds) || seconds < 0) throw new TsbuildError('USAGE', `invalid --time "${flags.time}": expected seconds`);
      for (const ref of refs) {
        await stop(ref, { timeoutMs: seconds * 1000 });
        process.stdout.write(`${ref}\n`);
      }
    });
  program
    .command('rm')
    .description('Remove one or more containers')
    .argument('<container...>', 'names or IDs')
    .option('-f, --force', 'force the removal of a running container (kills it)')
    .action(async (refs: string[], flags: { force?: boolean }) => {
      const { removeContainer } = await import('../../api/containers.js');
      for (const ref of refs) {
        await removeContainer(ref, { force: flags.force });
        process.stdout.write(`${ref}\n`);
      }
    });
  const container = program.command('container').description('Manage containers');
  container
    .command('prune')
    .description('Remove all stopped containers')
    .option('-f, --force', 'do not prompt for confirmation (tsbuild never prompts)')
    .action(async () => {
      const { pruneContainers } = await import('../../api/containers.js');
      const report = pruneContainers();
      const listed = report.removed.map((id) => `${id}\n`).join('');
      process.stdout.write(`${report.removed.length ? `Deleted Containers:\n${listed}\n` : ''}Total reclaimed space: ${formatSize(report.bytes)}\n`);
    });
  return container;
}

function status(r: ContainerRecord): string {
  if (r.status === 'running') return `Up ${duration(r.created)}`;
  return `Exited (${r.exitCode ?? 'unknown'}) ${r.finished ? ago(r.finished) : ''}`.trimEnd();
}

function quoteCommand(command: string[], trunc: boolean): string {
  const text = command.join(' ');
  return `"${trunc && text.length > 20 ? `${text.slice(0, 19)}…` : text}"`;
}

function ago(iso: string): string {
  return iso ? `${duration(iso)} ago` : '';
}

/** Docker's human durations: "Less than a second", "5 seconds", "About a minute", "3 hours". */
function duration(iso: string): string {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 1) return 'Less than a second';
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  return `${Math.round(hours / 24)} days`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join('').trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}
