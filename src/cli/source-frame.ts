// BuildKit's source frame for a failed instruction: the Dockerfile lines around it, the failing
// one marked `>>>`, printed before the error so the user sees where the build stopped.
const CONTEXT_LINES = 2;
const RULE = '--------------------';

/** The frame of `line` (1-based) in `text`, or undefined when the text has no such line. */
export function sourceFrame(displayName: string, text: string, line: number): string | undefined {
  const lines = text.replace(/\n$/, '').split('\n');
  if (line < 1 || line > lines.length) return undefined;
  const first = Math.max(1, line - CONTEXT_LINES);
  const last = Math.min(lines.length, line + CONTEXT_LINES);
  const body: string[] = [];
  for (let n = first; n <= last; n++) body.push(` ${String(n).padStart(3)} | ${n === line ? '>>>' : '   '} ${lines[n - 1]}`);
  return [`${displayName}:${line}`, RULE, ...body, RULE].join('\n');
}
