// `--format` as docker's listings take it: `table` (with headers, aligned), `json` (one object a
// line), or a Go template executed once per row.
import { parseTemplate } from './template.js';
import { alignColumns } from './table.js';

export { goJson, goPrint, parseTemplate } from './template.js';
export { alignColumns } from './table.js';
export { createdSince, ellipsis, goTime, humanDuration, humanSize, rfc3339, shortId } from './human.js';

export interface ListingFormat {
  /** The table when no --format is given, e.g. `table {{.ID}}\t{{.Size}}`. */
  defaultTable: string;
  /** Column titles by field name (docker's: `ID` -> `IMAGE ID`). */
  headers: Record<string, string>;
}

/** Renders `rows` as `format` says (default: the listing's table); each line ends with a newline. */
export function renderRows(format: string | undefined, rows: object[], listing: ListingFormat): string {
  let source = format === undefined || format === '' || format === 'table' ? listing.defaultTable : format === 'json' ? '{{json .}}' : format;
  const table = source.startsWith('table');
  if (table) source = source.slice('table'.length);
  source = source.trim().replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const template = parseTemplate(source, { data: 'struct' });
  const lines = rows.map((row) => `${template.execute(row)}\n`);
  if (!table) return lines.join('');
  const header = parseTemplate(source, { data: 'struct' }).execute(headerRow(source, listing.headers));
  return alignColumns([`${header}\n`, ...lines].join(''));
}

/** The header "row": each field the template names, titled (functions such as json see the title). */
function headerRow(source: string, headers: Record<string, string>): Record<string, string> {
  const row: Record<string, string> = {};
  for (const match of source.matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const name = match[1]!;
    row[name] = headers[name] ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
  }
  return row;
}

/** Executes `format` on each document, as `docker inspect --format`. */
export function renderDocuments(format: string, documents: unknown[]): string {
  const template = parseTemplate(format.replace(/\\t/g, '\t').replace(/\\n/g, '\n'), { data: 'map' });
  return documents.map((document) => `${template.execute(document)}\n`).join('');
}
