// `tsbuild pull [--platform P] REF`: fetch an image from its registry into the local store.
import type { Command } from 'commander';
import { cancelOnSignal } from '../cancel-on-signal.js';

interface PullFlags {
  platform?: string;
  quiet?: boolean;
  registryMirror: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command): Command {
  return program
    .command('pull')
    .description('Download an image from a registry')
    .argument('<reference>', 'image reference, e.g. busybox or localhost:5000/app:1.0')
    .option('--platform <os/arch[/variant]>', 'platform to pull from a multi-platform image (default: this host)')
    .option('-q, --quiet', 'print only the image digest')
    .option('--registry-mirror <url>', 'mirror to try first for docker.io images (repeatable)', collect, [])
    .action(async (reference: string, flags: PullFlags) => {
      const [{ pullImage }, { parsePlatform }, { DiskContentStore }, { ImageNames }, { familiarString, parseReference }] =
        await Promise.all([
          import('../../registry/pull.js'),
          import('../../spec/platform.js'),
          import('../../oci/disk-store.js'),
          import('../../oci/image-names.js'),
          import('../../spec/reference.js'),
        ]);
      const ref = parseReference(reference);
      const platform = flags.platform ? parsePlatform(flags.platform) : undefined;
      const store = await DiskContentStore.open();
      const names = new ImageNames(store.layout);
      const say = (line: string) => flags.quiet || process.stderr.write(`${line}\n`);
      say(`${ref.tag ?? ref.digest}: Pulling from ${familiarString({ ...ref, tag: undefined, digest: undefined })}`);
      const result = await cancelOnSignal('pull', (signal) => pullImage(ref, {
        store, names, platform, registryMirrors: flags.registryMirror, signal,
        onProgress: (event) => {
          if (event.status === 'done') say(`${event.digest.slice(7, 19)}: Pull complete`);
          if (event.status === 'exists') say(`${event.digest.slice(7, 19)}: Already exists`);
        },
      }));
      say(`Digest: ${result.descriptor.digest}`);
      process.stdout.write(flags.quiet ? `${result.descriptor.digest}\n` : `${result.name}\n`);
    });
}
