// Typed instructions about files and paths: COPY, ADD, VOLUME, WORKDIR.

import { chompHeredocContent, parseHeredocWord } from './heredoc.js';
import { type ParsedFlags, flagBool } from './flags.js';
import { type InstructionRequest, InstructionError, atLeastOne, exactlyOne, hasVariable } from './instruction-request.js';
import { isGitSource } from '../spec/index.js';
import type { AddInstruction, CopyInstruction, FileCopyFlags, Heredoc, VolumeInstruction, WorkdirInstruction } from './types.js';

const OCTAL_MODE = /^[0-7]{1,4}$/;
const SYMBOLIC_MODE = /^[ugoa]*[-+=]([rwxXst]*|[ugo])([-+=]([rwxXst]*|[ugo]))*(,[ugoa]*[-+=]([rwxXst]*|[ugo])([-+=]([rwxXst]*|[ugo]))*)*$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

function checkChmod(chmod: string | undefined): string | undefined {
  if (chmod === undefined || hasVariable(chmod) || OCTAL_MODE.test(chmod) || SYMBOLIC_MODE.test(chmod)) return chmod;
  if (/^\d/.test(chmod)) {
    throw new InstructionError(`invalid chmod parameter: '${chmod}'. it should be octal string and between 0 and 07777`);
  }
  throw new InstructionError(`invalid chmod parameter: ${chmod}; use an octal mode (0755) or a symbolic one (u+x,g-w)`);
}

function copyFlags(flags: ParsedFlags): FileCopyFlags {
  return {
    from: flags.values.get('from'),
    chown: flags.values.get('chown'),
    chmod: checkChmod(flags.values.get('chmod')),
    link: flagBool(flags, 'link'),
    parents: flagBool(flags, 'parents'),
    exclude: flags.lists.get('exclude') ?? [],
  };
}

/** BuildKit's parseSourcesAndDest: heredoc words become inline sources, the rest paths. */
function sourcesAndDest(req: InstructionRequest, keyword: string): { sources: string[]; dest: string; heredocs: Heredoc[] } {
  const dest = req.args[req.args.length - 1];
  if (parseHeredocSafe(dest)) throw new InstructionError(`${keyword} cannot accept a heredoc as a destination`);
  const bodies = new Map(req.node.heredocs.map((h) => [h.name, h.content]));
  const sources: string[] = [];
  const heredocs: Heredoc[] = [];
  for (const src of req.args.slice(0, -1)) {
    const heredoc = parseHeredocSafe(src);
    if (!heredoc) {
      sources.push(src);
      continue;
    }
    const raw = bodies.get(heredoc.name) ?? '';
    const content = heredoc.chomp ? chompHeredocContent(raw) : raw;
    heredocs.push({ name: heredoc.name, content, expand: heredoc.expand, chomp: heredoc.chomp });
  }
  return { sources, dest, heredocs };
}

function parseHeredocSafe(word: string): ReturnType<typeof parseHeredocWord> {
  try {
    return parseHeredocWord(word);
  } catch {
    return undefined;
  }
}

const noDestination = (keyword: string): InstructionError =>
  new InstructionError(`${keyword} requires at least two arguments, but only one was provided. Destination could not be determined`);

/** `COPY [--from] [--chown] [--chmod] [--link] [--parents] [--exclude]... src... dest` */
export function parseCopy(req: InstructionRequest): CopyInstruction {
  if (req.args.length < 2) throw noDestination('COPY');
  const flags = req.flags({ from: 'string', chown: 'string', chmod: 'string', link: 'bool', parents: 'bool', exclude: 'strings' });
  return { kind: 'COPY', ...req.base, ...copyFlags(flags), ...sourcesAndDest(req, 'COPY') };
}

/** `ADD [--chown] [--chmod] [--link] [--exclude]... [--checksum] [--keep-git-dir] [--unpack] src... dest` */
export function parseAdd(req: InstructionRequest): AddInstruction {
  if (req.args.length < 2) throw noDestination('ADD');
  const flags = req.flags({
    chown: 'string',
    chmod: 'string',
    link: 'bool',
    exclude: 'strings',
    checksum: 'string',
    'keep-git-dir': 'bool',
    unpack: 'bool',
  });
  const checksum = flags.values.get('checksum');
  const sources = sourcesAndDest(req, 'ADD');
  // A digest for URLs; a git source's commit hash (or prefix) is checked once the source is expanded.
  const maybeGit = sources.sources.some((source) => isGitSource(source) || hasVariable(source));
  if (checksum !== undefined && !hasVariable(checksum) && !DIGEST.test(checksum) && !maybeGit) {
    throw new InstructionError(`invalid checksum digest format: ${checksum}`);
  }
  const unpack = flags.values.get('unpack');
  return {
    kind: 'ADD',
    ...req.base,
    ...copyFlags(flags),
    ...sources,
    checksum,
    keepGitDir: flagBool(flags, 'keep-git-dir'),
    unpack: unpack === undefined ? undefined : unpack === 'true',
  };
}

/** `VOLUME /a /b` or `VOLUME ["/a", "/b"]` */
export function parseVolume(req: InstructionRequest): VolumeInstruction {
  if (req.args.length === 0) throw atLeastOne('VOLUME');
  req.flags({});
  const volumes = req.args.map((v) => v.trim());
  if (volumes.some((v) => v === '')) throw new InstructionError('VOLUME specified can not be an empty string');
  return { kind: 'VOLUME', ...req.base, volumes };
}

/** `WORKDIR /path` */
export function parseWorkdir(req: InstructionRequest): WorkdirInstruction {
  if (req.args.length !== 1) throw exactlyOne('WORKDIR');
  req.flags({});
  return { kind: 'WORKDIR', ...req.base, path: req.args[0] };
}
