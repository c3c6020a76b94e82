// `tsbuild history REF`: the history entries of an image's config, newest first, with
// `docker history`'s columns, flags and `--format`.
import type { Command } from 'commander';
import type { HistoryRow } from '../../api/images.js';
import { createdSince, ellipsis, humanSize, renderRows, rfc3339, shortId } from '../format/index.js';

interface HistoryFlags {
  platform?: string;
  format?: string;
  human: string;
  trunc: boolean;
  quiet?: boolean;
}

const HEADERS = { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' };

export function register(program: Command): Command {
  return program
    .command('history')
    .description('Show the history of a local image')
    .argument('<reference>', 'image name, image ID or digest')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default: this host)')
    .option('-H, --human <bool>', 'print sizes and dates in human readable format', 'true')
    .option('--no-trunc', "don't truncate output")
    .option('-q, --quiet', 'only show image IDs')
    .option('--format <format>', "table, json (one object a line) or a Go template, e.g. '{{.CreatedBy}}'")
    .action(async (reference: string, flags: HistoryFlags) => {
      const { history, inspectImage } = await import('../../api/images.js');
      const platform = flags.platform || undefined;
      const [entries, image] = await Promise.all([history(reference, { platform }), inspectImage(reference, { platform })]);
      // `-H=false` reaches commander as the value `=false`.
      const human = !['false', '0', 'f', 'F', 'FALSE', 'False'].includes(flags.human.replace(/^=/, ''));
      const rows = entries.map((entry, i) => historyRow(entry, i === 0 ? image.Id : undefined, { human, trunc: flags.trunc }));
      if (flags.quiet) {
        process.stdout.write(rows.map((row) => `${row.ID}\n`).join(''));
        return;
      }
      const created = human ? '{{.CreatedSince}}' : '{{.CreatedAt}}';
      const table = `table {{.ID}}\\t${created}\\t{{.CreatedBy}}\\t{{.Size}}\\t{{.Comment}}`;
      process.stdout.write(renderRows(flags.format, rows, { defaultTable: table, headers: HEADERS }));
    });
}

/**
 * A row with the fields of docker's history formatter: only the newest entry has an image ID, as
 * in docker; without `human`, CREATED is the RFC 3339 time and SIZE bytes.
 */
function historyRow(entry: HistoryRow, id: string | undefined, options: { human: boolean; trunc: boolean }): Record<string, string> {
  const createdBy = (entry.created_by ?? '').replace(/\t/g, ' ').replace(/\n/g, ' ');
  return {
    Comment: entry.comment ?? '',
    CreatedAt: rfc3339(entry.created),
    CreatedBy: options.trunc ? ellipsis(createdBy, 45) : createdBy,
    CreatedSince: options.human ? createdSince(entry.created) : rfc3339(entry.created),
    ID: id ? (options.trunc ? shortId(id) : id) : '<missing>',
    Size: options.human ? humanSize(entry.size) : String(entry.size),
  };
}
