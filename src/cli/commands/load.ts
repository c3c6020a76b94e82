// `tsbuild load [-i FILE|-]`: import images from an OCI layout (tar or directory) or a
// docker-archive (`docker save`), from a file or stdin, as `docker load` does.
import type { Command } from 'commander';
import { TsbuildError } from '../../errors.js';

interface LoadFlags {
  input?: string;
  quiet?: boolean;
}

export function register(program: Command): Command {
  return program
    .command('load')
    .description('Load images from an OCI layout or docker-archive tarball (a file, or stdin)')
    .option('-i, --input <file>', 'tarball (plain or gzip) or OCI layout directory; - or none: stdin')
    .option('-q, --quiet', 'accepted for docker compatibility (load prints only the loaded images)')
    .action(async (flags: LoadFlags) => {
      const fromStdin = flags.input === undefined || flags.input === '-';
      if (fromStdin && process.stdin.isTTY) throw new TsbuildError('USAGE', 'requested load from stdin, but stdin is a terminal: pipe an archive in or use -i FILE');
      const [{ load }, { familiarString, parseReference }] = await Promise.all([import('../../api/archives.js'), import('../../api/parsers.js')]);
      for (const loaded of await load(fromStdin ? process.stdin : flags.input!)) {
        if (loaded.name) {
          process.stdout.write(`Loaded image: ${familiarString(parseReference(loaded.name))}\n`);
        } else {
          process.stdout.write(`Loaded image ID: ${loaded.imageId ?? loaded.descriptor.digest}\n`);
        }
      }
    });
}
