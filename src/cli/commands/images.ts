// `tsbuild images`: the images of the local store with `docker images`' columns, flags, filters
// and `--format`.
import type { Command } from 'commander';
import { TsbuildError } from '../../errors.js';
import type { ImageFilters, ImageSummary } from '../../api/images.js';
import { createdSince, goTime, humanSize, renderRows, shortId } from '../format/index.js';

interface ImagesFlags {
  all?: boolean;
  quiet?: boolean;
  digests?: boolean;
  trunc: boolean;
  filter: string[];
  format?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const HEADERS = {
  ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', Size: 'SIZE',
  Containers: 'CONTAINERS', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', VirtualSize: 'VIRTUAL SIZE',
};

export function register(program: Command): Command {
  return program
    .command('images')
    .description('List images in the local store')
    .argument('[repository]', 'only images of this repository (and tag)')
    .option('-a, --all', 'show all images (tsbuild keeps no intermediate images: the same list)')
    .option('-q, --quiet', 'only show image IDs')
    .option('--digests', 'show manifest digests')
    .option('--no-trunc', "don't truncate output")
    .option('-f, --filter <filter>', 'filter: reference=PATTERN, dangling=true|false, label=KEY[=VALUE], before=IMAGE, since=IMAGE (repeatable)', collect, [])
    .option('--format <format>', "table, json (one object a line) or a Go template, e.g. 'table {{.Repository}}\\t{{.ID}}'")
    .action(async (repository: string | undefined, flags: ImagesFlags) => {
      const filters = parseImageFilters(flags.filter);
      if (repository) filters.reference = [...(filters.reference ?? []), repository.includes(':') ? repository : `${repository}:*`, repository];
      const images = await (await import('../../api/images.js')).images({ filters });
      const rows = images.map((image) => imageRow(image, flags.trunc));
      if (flags.quiet) {
        process.stdout.write(rows.map((row) => `${row.ID}\n`).join(''));
        return;
      }
      const columns = flags.digests ? '{{.Repository}}\\t{{.Tag}}\\t{{.Digest}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}' : '{{.Repository}}\\t{{.Tag}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}';
      process.stdout.write(renderRows(flags.format, rows, { defaultTable: `table ${columns}`, headers: HEADERS }));
    });
}

/** A row with the fields of docker's image formatter (what `--format` templates name). */
function imageRow(image: ImageSummary, trunc: boolean): Record<string, string> {
  const id = image.id ?? image.digest;
  const size = humanSize(image.size);
  return {
    Containers: 'N/A',
    CreatedAt: goTime(image.created),
    CreatedSince: createdSince(image.created),
    Digest: image.digest,
    ID: trunc ? shortId(id) : id,
    Repository: image.repository,
    SharedSize: 'N/A',
    Size: size,
    Tag: image.tag,
    UniqueSize: 'N/A',
    VirtualSize: humanSize(image.size, 4),
  };
}

function parseImageFilters(values: string[]): ImageFilters {
  const filters: ImageFilters = {};
  for (const value of values) {
    const equals = value.indexOf('=');
    const [key, argument] = equals < 0 ? [value, ''] : [value.slice(0, equals), value.slice(equals + 1)];
    if (key === 'reference' || key === 'label') {
      filters[key] = [...(filters[key] ?? []), argument];
    } else if (key === 'dangling') {
      if (argument !== 'true' && argument !== 'false') throw new TsbuildError('USAGE', `invalid filter 'dangling=${argument}': use true or false`);
      filters.dangling = argument === 'true';
    } else if (key === 'before' || key === 'since') {
      filters[key] = argument;
    } else {
      throw new TsbuildError('USAGE', `invalid filter '${key}': use reference, dangling, label, before or since`);
    }
    if (argument === '' && key !== 'dangling') throw new TsbuildError('USAGE', `filter '${key}' needs a value: ${key}=...`);
  }
  return filters;
}
