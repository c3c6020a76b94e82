// Splits a list input the way docker/actions-toolkit's `Util.getInputList` does (it runs
// csv-parse with relaxed quotes over the whole input): one item per line, and per comma unless
// `ignoreComma`; `"..."` quotes keep commas and newlines inside one field.
import { TsbuildError } from '../errors.js';

export interface ListOptions {
  /** Keep commas: an item is a whole line (build-args, labels, secrets, cache-from/to, outputs). */
  ignoreComma?: boolean;
  /** `false` makes `"` an ordinary character (the toolkit's `quote: false`, used for outputs). */
  quote?: boolean;
}

/** Returns the items of a list input; `input` is the value as `getInput` returns it (trimmed). */
export function parseInputList(input: string, options: ListOptions = {}): string[] {
  if (input === '') return [];
  const items: string[] = [];
  for (const record of parseRecords(input, options.quote !== false)) {
    if (options.ignoreComma) items.push(record.join(','));
    else if (record.length === 1) items.push(...record[0].split(','));
    else items.push(...record);
  }
  // The toolkit trims after dropping empty items, so a blank-looking line would survive as '';
  // an empty tag or build-arg is never meant, so empty items are dropped after trimming here.
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

const RECORD_DELIMITERS = ['\r\n', '\n', '\r'];

/**
 * csv-parse semantics with `relax_quotes`, `relax_column_count` and `skip_empty_lines`: the
 * record delimiter is the first of CRLF, LF, CR met outside quotes; a quote opens a quoted field
 * only at the start of a field, `""` inside quotes is one quote, and a closing quote followed
 * by anything but a delimiter is kept literally.
 */
function parseRecords(input: string, quotesEnabled: boolean): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoting = false;
  let wasQuoted = false;
  let recordDelimiter: string | undefined;
  const endField = () => {
    record.push(field);
    field = '';
    wasQuoted = false;
  };
  for (let pos = 0; pos < input.length; pos++) {
    const ch = input[pos];
    if (!quoting && recordDelimiter === undefined) {
      recordDelimiter = RECORD_DELIMITERS.find((d) => input.startsWith(d, pos));
    }
    if (quotesEnabled && ch === '"') {
      if (quoting && input[pos + 1] === '"') {
        field += '"';
        pos++;
        continue;
      }
      if (quoting) {
        quoting = false;
        wasQuoted = true;
        if (atFieldEnd(input, pos + 1, recordDelimiter)) continue;
        field = `"${field}`; // relaxed: the quotes were not a quoted field after all
      } else if (field === '' && !wasQuoted) {
        quoting = true;
        continue;
      }
    } else if (!quoting && ch === ',') {
      endField();
      continue;
    } else if (!quoting && recordDelimiter !== undefined && input.startsWith(recordDelimiter, pos)) {
      pos += recordDelimiter.length - 1;
      if (record.length === 0 && field === '' && !wasQuoted) continue; // an empty line
      endField();
      records.push(record);
      record = [];
      continue;
    }
    field += ch;
  }
  if (quoting) throw new TsbuildError('USAGE', `list input has a quote that is never closed: ${input}`);
  if (record.length > 0 || field !== '' || wasQuoted) {
    endField();
    records.push(record);
  }
  return records;
}

function atFieldEnd(input: string, pos: number, recordDelimiter: string | undefined): boolean {
  if (pos >= input.length || input[pos] === ',') return true;
  const delimiter = recordDelimiter ?? RECORD_DELIMITERS.find((d) => input.startsWith(d, pos));
  return delimiter !== undefined && input.startsWith(delimiter, pos);
}
