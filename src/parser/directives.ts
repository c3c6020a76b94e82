// Parser directives (`# syntax=`, `# escape=`, `# check=`): recognised only in the comment
// lines at the very top of the file, each at most once; the first other line ends them.
// Also BuildKit's DetectSyntax, which additionally accepts `//syntax=` and a JSON object.

import { trimLeftSpace } from './go-text.js';

export type DirectiveName = 'syntax' | 'escape' | 'check';

export interface ParsedDirective {
  name: DirectiveName;
  value: string;
  /** 1-based line of the directive. */
  line: number;
}

const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/;
const KNOWN = new Set<string>(['syntax', 'escape', 'check']);

/** BuildKit's DirectiveParser: feed it every line, in order, until it reports done. */
export class DirectiveParser {
  private line: number;
  private done = false;
  private readonly seen = new Set<string>();

  constructor(
    private readonly comment = '#',
    firstLine = 0,
  ) {
    this.line = firstLine;
  }

  /** The directive on this line, or undefined; throws on a repeated directive. */
  parseLine(text: string): ParsedDirective | undefined {
    this.line++;
    if (this.done) return undefined;
    if (!text.startsWith(this.comment)) return this.finish();
    const match = DIRECTIVE.exec(trimLeftSpace(text.slice(this.comment.length)));
    if (!match) return this.finish();
    const name = match[1].toLowerCase();
    if (!KNOWN.has(name)) return this.finish();
    if (this.seen.has(name)) throw new Error(`only one ${name} parser directive can be used`);
    this.seen.add(name);
    return { name: name as DirectiveName, value: match[2], line: this.line };
  }

  parseAll(text: string): ParsedDirective[] {
    const found: ParsedDirective[] = [];
    for (const line of text.split('\n')) {
      if (this.done) break;
      const directive = this.parseLine(line.replace(/\r$/, ''));
      if (directive) found.push(directive);
    }
    return found;
  }

  private finish(): undefined {
    this.done = true;
    return undefined;
  }
}

export interface DetectedDirective {
  /** The value up to the first space (`docker/dockerfile:1` of `docker/dockerfile:1 // x`). */
  value: string;
  /** The whole value as written. */
  cmdline: string;
  line: number;
}

/** BuildKit's DetectSyntax (anyFormat) / ParseDirective: find one directive without parsing the file. */
export function detectDirective(key: DirectiveName, text: string, anyFormat = key === 'syntax'): DetectedDirective | undefined {
  let data = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const firstLineEnd = data.indexOf('\n');
  const firstLine = firstLineEnd < 0 ? data : data.slice(0, firstLineEnd);
  const shebang = firstLine.startsWith('#!');
  if (shebang) data = firstLineEnd < 0 ? '' : data.slice(firstLineEnd + 1);
  const start = shebang ? 1 : 0;
  const comments = anyFormat ? ['#', '//'] : ['#'];
  for (const comment of comments) {
    let found: ParsedDirective | undefined;
    try {
      found = new DirectiveParser(comment, start).parseAll(data).find((d) => d.name === key);
    } catch {
      found = undefined;
    }
    if (found) return { value: found.value.split(' ')[0], cmdline: found.value, line: found.line };
  }
  return anyFormat ? detectJsonDirective(key, data, start) : undefined;
}

function detectJsonDirective(key: string, data: string, line: number): DetectedDirective | undefined {
  try {
    const parsed: unknown = JSON.parse(data);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const value = (parsed as Record<string, unknown>)[key];
    return typeof value === 'string' ? { value, cmdline: value, line } : undefined;
  } catch {
    return undefined;
  }
}
