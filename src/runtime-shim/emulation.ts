// Whether a RUN for a foreign architecture can execute here: the kernel's binfmt_misc must hold an
// enabled handler (qemu-user-static) whose ELF magic matches that architecture's executables.
import { readdirSync, readFileSync } from 'node:fs';
import { TsbuildError } from '../errors.js';
import { hostPlatform, parsePlatform } from '../spec/index.js';

export const BINFMT_MISC_DIR = '/proc/sys/fs/binfmt_misc';

/** The ELF identity of an architecture's executables, and qemu's name for its emulator. */
interface ElfTarget {
  bits: 32 | 64;
  bigEndian: boolean;
  machine: number;
  qemu: string;
}

const ELF_TARGETS: Record<string, ElfTarget> = {
  amd64: { bits: 64, bigEndian: false, machine: 62, qemu: 'x86_64' },
  '386': { bits: 32, bigEndian: false, machine: 3, qemu: 'i386' },
  arm64: { bits: 64, bigEndian: false, machine: 183, qemu: 'aarch64' },
  arm: { bits: 32, bigEndian: false, machine: 40, qemu: 'arm' },
  ppc64le: { bits: 64, bigEndian: false, machine: 21, qemu: 'ppc64le' },
  ppc64: { bits: 64, bigEndian: true, machine: 21, qemu: 'ppc64' },
  s390x: { bits: 64, bigEndian: true, machine: 22, qemu: 's390x' },
  riscv64: { bits: 64, bigEndian: false, machine: 243, qemu: 'riscv64' },
  mips64le: { bits: 64, bigEndian: false, machine: 8, qemu: 'mips64el' },
  mips64: { bits: 64, bigEndian: true, machine: 8, qemu: 'mips64' },
  mipsle: { bits: 32, bigEndian: false, machine: 8, qemu: 'mipsel' },
  mips: { bits: 32, bigEndian: true, machine: 8, qemu: 'mips' },
  loong64: { bits: 64, bigEndian: false, machine: 258, qemu: 'loongarch64' },
};

/**
 * Architectures a host runs without emulation besides its own: x86-64 kernels run i386 binaries
 * and (most) arm64 CPUs run 32-bit arm ones.
 */
const NATIVE_COMPAT: Record<string, string[]> = { amd64: ['386'], arm64: ['arm'] };

/** One registration under binfmt_misc, as the kernel prints it. */
export interface BinfmtHandler {
  name: string;
  enabled: boolean;
  interpreter: string;
  flags: string;
  offset: number;
  magic: Buffer;
  mask: Buffer;
}

/** What the check found for an architecture: a usable handler, or why there is none. */
type Verdict = { ok: true; handler?: BinfmtHandler } | { ok: false; reason: string };

const verdicts = new Map<string, Verdict>();

/** Where a step comes from, for the message (a planner Step fits). */
export interface StepOrigin {
  file: string;
  range?: { start: { line: number } };
  instruction: string;
}

/**
 * Throws a `SANDBOX` error naming the Dockerfile line when `platform`'s executables cannot run
 * here: a foreign architecture with no enabled, fix-binary binfmt_misc handler. Cached per
 * directory and architecture. `dir` defaults to `$TSBUILD_BINFMT_DIR` or the kernel's.
 */
export async function assertCanRun(
  platform: string,
  step?: StepOrigin,
  dir: string = process.env.TSBUILD_BINFMT_DIR ?? BINFMT_MISC_DIR,
): Promise<void> {
  const architecture = parsePlatform(platform).architecture;
  const key = `${dir}\0${architecture}`;
  let verdict = verdicts.get(key);
  if (!verdict) {
    verdict = emulationVerdict(architecture, dir);
    verdicts.set(key, verdict);
  }
  if (verdict.ok) return;
  const where = step?.range ? `${step.file}:${step.range.start.line}: ` : '';
  const what = step ? `cannot run "${step.instruction}"` : 'cannot run';
  throw new TsbuildError('SANDBOX', `${where}${what} for ${platform} on this ${hostPlatformText()} host: ${verdict.reason}`);
}

function hostPlatformText(): string {
  const host = hostPlatform();
  return `${host.os}/${host.architecture}${host.variant ? `/${host.variant}` : ''}`;
}

/** Decides, without caching, whether `architecture` runs natively or through a handler in `dir`. */
export function emulationVerdict(architecture: string, dir: string, hostArch = hostPlatform().architecture): Verdict {
  if (architecture === hostArch || NATIVE_COMPAT[hostArch]?.includes(architecture)) return { ok: true };
  const target = ELF_TARGETS[architecture];
  if (!target) return { ok: false, reason: `tsbuild knows no emulator for architecture "${architecture}"` };
  const handlers = readHandlers(dir);
  if (handlers === undefined) {
    return { ok: false, reason: `binfmt_misc is not mounted at ${dir}.\n${enableHint(target, architecture, true)}` };
  }
  const matching = handlers.filter((h) => h.enabled && matchesElf(h, target));
  const fixed = matching.find((h) => h.flags.includes('F'));
  if (fixed) return { ok: true, handler: fixed };
  if (matching.length > 0) {
    const h = matching[0];
    return {
      ok: false,
      reason: `the binfmt_misc handler "${h.name}" (${h.interpreter}) lacks the F (fix-binary) flag, so its interpreter ` +
        `is not reachable inside the build's root filesystem.\n${enableHint(target, architecture, false)}`,
    };
  }
  return {
    ok: false,
    reason: `no emulator for ${architecture} (qemu-${target.qemu}) is registered in binfmt_misc (${dir}).\n${enableHint(target, architecture, false)}`,
  };
}

function enableHint(target: ElfTarget, architecture: string, mount: boolean): string {
  return [
    'Enable emulation (as root) with qemu-user-static, for example:',
    ...(mount ? ['  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc'] : []),
    `  apt-get install qemu-user-static binfmt-support && update-binfmts --enable qemu-${target.qemu}`,
    `  or: docker run --privileged --rm tonistiigi/binfmt --install ${architecture}`,
    'or build that stage with FROM --platform=$BUILDPLATFORM and cross-compile, which needs no emulation.',
  ].join('\n');
}

/** The handlers registered in `dir`; undefined when binfmt_misc is not mounted there. */
function readHandlers(dir: string): BinfmtHandler[] | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  if (!names.includes('register')) return undefined;
  if (readText(`${dir}/status`)?.trim() === 'disabled') return [];
  return names
    .filter((name) => name !== 'register' && name !== 'status')
    .flatMap((name) => {
      const text = readText(`${dir}/${name}`);
      return text === undefined ? [] : [parseHandler(name, text)];
    });
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Parses the kernel's `enabled` / `interpreter` / `flags:` / `offset` / `magic` / `mask` lines. */
export function parseHandler(name: string, text: string): BinfmtHandler {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(\w+):?\s*(.*)$/.exec(line.trim());
    if (match) fields.set(match[1], match[2]);
  }
  const magic = Buffer.from(fields.get('magic') ?? '', 'hex');
  const mask = fields.has('mask') ? Buffer.from(fields.get('mask')!, 'hex') : Buffer.alloc(magic.length, 0xff);
  return {
    name,
    enabled: fields.has('enabled'),
    interpreter: fields.get('interpreter') ?? '',
    flags: fields.get('flags') ?? '',
    offset: Number(fields.get('offset') ?? 0),
    magic,
    mask,
  };
}

/** Whether the handler's magic (under its mask) matches a static executable of `target`. */
function matchesElf(handler: BinfmtHandler, target: ElfTarget): boolean {
  if (handler.offset !== 0 || handler.magic.length === 0) return false;
  const header = elfHeader(target);
  if (handler.magic.length > header.length) return false;
  for (let i = 0; i < handler.magic.length; i++) {
    const mask = handler.mask[i] ?? 0xff;
    if ((header[i] & mask) !== (handler.magic[i] & mask)) return false;
  }
  return true;
}

/** The first 20 bytes of an ELF executable (ET_EXEC) of `target`. */
function elfHeader(target: ElfTarget): Buffer {
  const header = Buffer.alloc(20);
  header.write('\x7fELF', 0, 'latin1');
  header[4] = target.bits === 64 ? 2 : 1;
  header[5] = target.bigEndian ? 2 : 1;
  header[6] = 1;
  if (target.bigEndian) {
    header.writeUInt16BE(2, 16);
    header.writeUInt16BE(target.machine, 18);
  } else {
    header.writeUInt16LE(2, 16);
    header.writeUInt16LE(target.machine, 18);
  }
  return header;
}
