// Go binaries' build info, what `go version -m` prints and syft (BuildKit's SBOM scanner) lists:
// the `\xff Go buildinf:` header Go's linker puts at the start of the ELF data (the
// `.go.buildinfo` section, else the first writable segment), followed by the Go version and the
// module info either inline as varint-prefixed strings (Go 1.18+) or through two pointers to Go
// string headers (older). The file may be hostile: every read is at an offset inside the file,
// at most MAX_STRING bytes, and counts of headers are capped; a malformed binary yields nothing.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { FoundPackage } from './sbom-scanners.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const ALIGN = 16;
/** How far from the data start the header is looked for (Go's debug/buildinfo reads as much). */
const DATA_WINDOW = 64 * 1024;
/** Longest version or module info read (Go's own reader stops at the same 1 MiB). */
export const MAX_GO_STRING = 1 << 20;
const MAX_PROGRAM_HEADERS = 512;
const MAX_SECTIONS = 4096;
/** Larger header entries than the ELF ones (56/64 bytes) are refused: the tables stay under 1 MiB. */
const MAX_ENTRY_SIZE = 256;
const MAX_SECTION_NAMES = 1 << 20;
/** The sentinels cmd/go wraps the module info in (16 bytes each). */
const SENTINEL_LENGTH = 16;

const PT_LOAD = 1;
const PF_X = 1;
const PF_W = 2;

interface Segment {
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
}

interface Elf {
  little: boolean;
  is64: boolean;
  segments: Segment[];
  /** Where Go's data starts: `.go.buildinfo`'s address, else the first writable, non-executable segment's. */
  dataStart: bigint | undefined;
}

export interface GoBuildInfo {
  goVersion: string;
  /** The module info text (`path`, `mod`, `dep`, `=>`, `build` lines), sentinels removed. */
  modinfo: string;
}

/** Why a Go binary's info was not read, for a warning; undefined for files that are no Go binaries. */
export class GoBuildInfoTooLarge extends Error {}

/** The build info of the ELF executable at `file`; undefined when it is none, or malformed. */
export async function readGoBuildInfo(file: string): Promise<GoBuildInfo | undefined> {
  // O_NOFOLLOW: the walk saw a regular file; a link swapped in since is not followed out of the root.
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
  if (!handle) return undefined;
  try {
    const elf = await readElf(handle);
    if (!elf || elf.dataStart === undefined) return undefined;
    const data = await readData(handle, elf, elf.dataStart, DATA_WINDOW);
    const at = headerOffset(data);
    if (at === undefined) return undefined;
    const header = data.subarray(at, at + HEADER_SIZE);
    const ptrSize = header[14];
    const flags = header[15];
    let version: string | undefined;
    let mod: string | undefined;
    if ((flags & 2) !== 0) {
      let addr = elf.dataStart + BigInt(at + HEADER_SIZE);
      [version, addr] = await inlineString(handle, elf, addr);
      [mod] = await inlineString(handle, elf, addr);
    } else {
      if (ptrSize !== 4 && ptrSize !== 8) return undefined;
      const big = (flags & 1) !== 0;
      const pointer = (bytes: Buffer) => (ptrSize === 8 ? (big ? bytes.readBigUInt64BE(0) : bytes.readBigUInt64LE(0)) : BigInt(big ? bytes.readUInt32BE(0) : bytes.readUInt32LE(0)));
      const stringAt = async (addr: bigint) => {
        const stringHeader = await readData(handle, elf, addr, 2 * ptrSize);
        if (stringHeader.length < 2 * ptrSize) return undefined;
        const length = pointer(stringHeader.subarray(ptrSize));
        if (length > BigInt(MAX_GO_STRING)) throw new GoBuildInfoTooLarge(`a Go build info string of ${length} bytes`);
        const text = await readData(handle, elf, pointer(stringHeader), Number(length));
        return text.length === Number(length) ? text.toString('utf8') : undefined;
      };
      version = await stringAt(pointer(header.subarray(16)));
      mod = await stringAt(pointer(header.subarray(16 + ptrSize)));
    }
    if (!version || mod === undefined) return undefined;
    // cmd/go's sentinels around the text; without them (or the newline before the end one) there is none.
    const modinfo = mod.length >= 2 * SENTINEL_LENGTH + 1 && mod[mod.length - SENTINEL_LENGTH - 1] === '\n'
      ? mod.slice(SENTINEL_LENGTH, mod.length - SENTINEL_LENGTH) : '';
    return { goVersion: version, modinfo };
  } finally {
    await handle.close();
  }
}

/** The packages syft lists for a Go binary: its main module, each dependency (replaced ones by their replacement) and `stdlib`. */
export function goModulePackages(info: GoBuildInfo, source: string): FoundPackage[] {
  const found: FoundPackage[] = [];
  const add = (fields: string[]) => {
    const [, path, version, sum] = fields;
    if (!path || !version) return;
    found.push({ type: 'golang', name: path, version, source, ...(sum?.startsWith('h1:') ? { h1Digest: sum } : {}) });
  };
  for (const line of info.modinfo.split('\n')) {
    const fields = line.split('\t');
    if (fields[0] === 'mod' || fields[0] === 'dep') add(fields);
    else if (fields[0] === '=>' && found.length > 0) {
      // A replacement of the line before it: syft lists the module that was built.
      const replaced = found.pop()!;
      if (fields[2]) add(fields);
      else found.push(replaced);
    }
  }
  if (info.goVersion.startsWith('go')) found.push({ type: 'golang', name: 'stdlib', version: info.goVersion.split(/\s/)[0], source });
  return found;
}

/** `h1:<base64 sha256>` (a go.sum hash) as hex, as syft gives it as an SPDX SHA256 checksum. */
export function h1Hex(h1: string): string | undefined {
  const bytes = Buffer.from(h1.slice(3), 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : undefined;
}

/** The offset of the first 16-byte-aligned magic with a whole header after it. */
function headerOffset(data: Buffer): number | undefined {
  for (let i = data.indexOf(MAGIC); i !== -1; i = data.indexOf(MAGIC, i + 1)) {
    if (data.length - i < HEADER_SIZE) return undefined;
    if (i % ALIGN === 0) return i;
  }
  return undefined;
}

/** A varint-prefixed string at `addr` and the address after it. */
async function inlineString(handle: FileHandle, elf: Elf, addr: bigint): Promise<[string | undefined, bigint]> {
  const prefix = await readData(handle, elf, addr, 10);
  let length = 0n;
  let shift = 0n;
  let used = 0;
  for (;;) {
    if (used >= prefix.length) return [undefined, addr];
    const byte = prefix[used++];
    length |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if ((byte & 0x80) === 0) break;
  }
  if (length > BigInt(MAX_GO_STRING)) throw new GoBuildInfoTooLarge(`a Go build info string of ${length} bytes`);
  const text = await readData(handle, elf, addr + BigInt(used), Number(length));
  if (text.length !== Number(length)) return [undefined, addr];
  return [text.toString('utf8'), addr + BigInt(used) + length];
}

/** Up to `size` bytes at virtual address `addr`, from the loaded segment holding it (Go's elfExe.ReadData). */
async function readData(handle: FileHandle, elf: Elf, addr: bigint, size: number): Promise<Buffer> {
  for (const segment of elf.segments) {
    if (segment.type !== PT_LOAD || addr < segment.vaddr || addr >= segment.vaddr + segment.filesz) continue;
    const available = segment.vaddr + segment.filesz - addr;
    return readAt(handle, segment.offset + (addr - segment.vaddr), Number(available < BigInt(size) ? available : BigInt(size)));
  }
  return Buffer.alloc(0);
}

/** At most `length` bytes at `offset` (fewer at the end of the file; none past it). */
async function readAt(handle: FileHandle, offset: bigint, length: number): Promise<Buffer> {
  if (length <= 0 || offset > BigInt(Number.MAX_SAFE_INTEGER)) return Buffer.alloc(0);
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, Number(offset) + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** The ELF header, program headers and the data start; undefined for a file that is no ELF. */
async function readElf(handle: FileHandle): Promise<Elf | undefined> {
  // One read holds the ELF header and, in every linker's layout, the program headers after it.
  const ident = await readAt(handle, 0n, 4096);
  if (ident.length < 52 || ident.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const is64 = ident[4] === 2;
  const little = ident[5] === 1;
  if ((!is64 && ident[4] !== 1) || (!little && ident[5] !== 2) || (is64 && ident.length < 64)) return undefined;
  const u16 = (b: Buffer, at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const word = (b: Buffer, at: number) => (is64 ? (little ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at)) : BigInt(u32(b, at)));
  const phoff = word(ident, is64 ? 0x20 : 0x1c);
  const shoff = word(ident, is64 ? 0x28 : 0x20);
  const [phentsize, phnum, shentsize, shnum, shstrndx] = (is64 ? [0x36, 0x38, 0x3a, 0x3c, 0x3e] : [0x2a, 0x2c, 0x2e, 0x30, 0x32]).map((at) => u16(ident, at));
  if (phnum > MAX_PROGRAM_HEADERS || phentsize < (is64 ? 56 : 32) || phentsize > MAX_ENTRY_SIZE) return undefined;
  const tableEnd = phoff + BigInt(phnum * phentsize);
  const programs = tableEnd <= BigInt(ident.length) ? ident.subarray(Number(phoff), Number(tableEnd)) : await readAt(handle, phoff, phnum * phentsize);
  const segments: Segment[] = [];
  for (let i = 0; (i + 1) * phentsize <= programs.length; i++) {
    const p = programs.subarray(i * phentsize);
    segments.push(is64
      ? { type: u32(p, 0), flags: u32(p, 4), offset: word(p, 8), vaddr: word(p, 16), filesz: word(p, 32) }
      : { type: u32(p, 0), offset: word(p, 4), vaddr: word(p, 8), filesz: word(p, 16), flags: u32(p, 24) });
  }
  const section = await buildinfoSection(handle, { shoff, shentsize, shnum, shstrndx, is64, u32, word });
  // Go's linkers have named the section since build info exists; an ELF whose section table
  // lacks it is no Go binary (and the 64 KiB look at its data is saved). Without a table, Go's fallback.
  if (section === null) return undefined;
  const writable = segments.find((s) => s.type === PT_LOAD && (s.flags & (PF_X | PF_W)) === PF_W);
  return { little, is64, segments, dataStart: section ?? writable?.vaddr };
}

interface SectionTable {
  shoff: bigint;
  shentsize: number;
  shnum: number;
  shstrndx: number;
  is64: boolean;
  u32: (b: Buffer, at: number) => number;
  word: (b: Buffer, at: number) => bigint;
}

/** The address of the `.go.buildinfo` section; null when the section table has none; undefined without a usable table. */
async function buildinfoSection(handle: FileHandle, t: SectionTable): Promise<bigint | null | undefined> {
  if (t.shnum === 0 || t.shnum > MAX_SECTIONS || t.shstrndx >= t.shnum || t.shentsize < (t.is64 ? 64 : 40) || t.shentsize > MAX_ENTRY_SIZE) return undefined;
  const table = await readAt(handle, t.shoff, t.shnum * t.shentsize);
  if (table.length < t.shnum * t.shentsize) return undefined;
  const at = (i: number) => table.subarray(i * t.shentsize);
  const addrOf = (s: Buffer) => t.word(s, t.is64 ? 16 : 12);
  const offsetOf = (s: Buffer) => t.word(s, t.is64 ? 24 : 16);
  const sizeOf = (s: Buffer) => t.word(s, t.is64 ? 32 : 20);
  const names = at(t.shstrndx);
  const namesSize = sizeOf(names);
  const strings = await readAt(handle, offsetOf(names), Number(namesSize < BigInt(MAX_SECTION_NAMES) ? namesSize : BigInt(MAX_SECTION_NAMES)));
  const wanted = Buffer.from('.go.buildinfo\0');
  for (let i = 0; i < t.shnum; i++) {
    const name = t.u32(at(i), 0);
    if (strings.subarray(name, name + wanted.length).equals(wanted)) return addrOf(at(i));
  }
  return strings.length > 0 ? null : undefined;
}
