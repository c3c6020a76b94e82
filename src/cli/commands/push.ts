// `tsbuild push REF`: upload a local image (and, for an index, every platform's manifest) to its registry.
import type { Command } from 'commander';
import { cancelOnSignal } from '../cancel-on-signal.js';

interface PushFlags {
  quiet?: boolean;
}

export function register(program: Command): Command {
  return program
    .command('push')
    .description('Upload an image to a registry')
    .argument('<reference>', 'name of a local image, e.g. localhost:5000/app:1.0')
    .option('-q, --quiet', 'print only the pushed digest')
    .action(async (reference: string, flags: PushFlags) => {
      const [{ push }, { parseReference }] = await Promise.all([import('../../api/registry.js'), import('../../api/parsers.js')]);
      const ref = parseReference(reference);
      const say = (line: string) => flags.quiet || process.stderr.write(`${line}\n`);
      say(`The push refers to repository [${ref.domain}/${ref.path}]`);
      const result = await cancelOnSignal('push', (signal) => push(reference, {
        signal,
        onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
        onProgress: (event) => {
          const short = event.digest.slice(7, 19);
          if (event.status === 'done') say(`${short}: Pushed`);
          if (event.status === 'exists') say(`${short}: Layer already exists`);
          if (event.status === 'mounted') say(`${short}: Mounted${event.from ? ` from ${event.from}` : ''}`);
        },
      }));
      say(`${ref.tag ?? ''}: digest: ${result.descriptor.digest} size: ${result.descriptor.size}`);
      process.stdout.write(`${result.descriptor.digest}\n`);
    });
}
