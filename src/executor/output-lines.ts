// Splits a step's output stream into lines where the program wrote newlines, however its writes
// were cut into chunks (a `set -x` trace arrives a word at a time; a UTF-8 character may straddle two).
import { StringDecoder } from 'node:string_decoder';

export class OutputLines {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const lines = (this.partial + this.decoder.write(chunk)).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.replace(/\r$/, ''));
  }

  /** Hands on the last line when the stream ended without a newline. */
  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest.length > 0) this.onLine(rest.replace(/\r$/, ''));
  }
}
