// The default destination of a container's output: this process's stdout and stderr. When a reader
// goes away (EPIPE, as in `tsbuild run IMAGE yes | head -1`) the container is killed, as a shell
// pipeline's SIGPIPE would end the writer, instead of running on with nobody reading.
import type { Writable } from 'node:stream';

export interface ProcessOutput {
  onStdout(chunk: Buffer): void;
  onStderr(chunk: Buffer): void;
  /** True once a write failed because its reader has gone. */
  readonly broken: boolean;
  detach(): void;
}

export function processOutput(onBroken: () => void): ProcessOutput {
  let broken = false;
  const onError = (): void => {
    if (broken) return;
    broken = true;
    onBroken();
  };
  const streams: Writable[] = [process.stdout, process.stderr];
  for (const stream of streams) stream.on('error', onError);
  const writer = (stream: Writable) => (chunk: Buffer): void => {
    if (!broken && !stream.destroyed) stream.write(chunk);
  };
  return {
    onStdout: writer(process.stdout),
    onStderr: writer(process.stderr),
    get broken() {
      return broken;
    },
    detach: () => streams.forEach((stream) => stream.off('error', onError)),
  };
}
