// Go's text/tabwriter as docker's table formats use it (minwidth 10, padding 3, spaces): each
// tab-terminated cell is padded to its column's widest cell; the last cell of a line is not.
const MIN_WIDTH = 10;
const PADDING = 3;

export function alignColumns(text: string): string {
  const lines = text.split('\n');
  const cells = lines.map((line) => line.split('\t'));
  const widths: number[] = [];
  for (const row of cells) {
    row.slice(0, -1).forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? MIN_WIDTH, [...cell].length + PADDING);
    });
  }
  return cells.map((row) => row.map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column]!) : cell)).join('')).join('\n');
}
