// A minimal terminal for reading what a program drew: a screen of `rows` x `columns` with a
// scrollback, fed the bytes a pty recorded. It knows what the progress view uses — printable text
// with auto-wrap, CR, LF, cursor up (CSI n A), erase below (CSI J / 0J), erase line (CSI K) —
// and drops colours (CSI ... m). Enough to count what a redrawn view leaves in the scrollback.
export interface TerminalScreen {
  scrollback: string[];
  screen: string[];
}

export function replayTerminal(output: string, rows: number, columns: number): TerminalScreen {
  const scrollback: string[] = [];
  const screen: string[][] = Array.from({ length: rows }, () => []);
  let row = 0;
  let col = 0;
  let pendingWrap = false;
  const lineFeed = () => {
    col = 0;
    pendingWrap = false;
    if (row < rows - 1) {
      row++;
      return;
    }
    scrollback.push(screen.shift()!.join('').trimEnd());
    screen.push([]);
  };
  const csi = new RegExp(`^${String.fromCharCode(27)}\\[([0-9;?]*)([A-Za-z])`);
  for (let i = 0; i < output.length; i++) {
    const ch = output[i];
    if (ch === '\x1b' && output[i + 1] === '[') {
      const match = csi.exec(output.slice(i, i + 16));
      if (!match) continue;
      i += match[0].length - 1;
      const n = Number(match[1] || '0');
      pendingWrap = false;
      if (match[2] === 'A') row = Math.max(0, row - (n || 1));
      else if (match[2] === 'J' && n === 0) {
        screen[row].length = col;
        for (let r = row + 1; r < rows; r++) screen[r] = [];
      } else if (match[2] === 'K') screen[row].length = Math.min(screen[row].length, col);
      else if (match[2] === 'H') [row, col] = [0, 0];
      continue;
    }
    if (ch === '\r') [col, pendingWrap] = [0, false];
    else if (ch === '\n') lineFeed(); // the pty's onlcr: LF arrives as CR LF
    else if (ch >= ' ') {
      if (pendingWrap) lineFeed();
      while (screen[row].length < col) screen[row].push(' ');
      screen[row][col] = ch;
      if (col === columns - 1) pendingWrap = true;
      else col++;
    }
  }
  return { scrollback, screen: screen.map((cells) => cells.join('').trimEnd()) };
}
