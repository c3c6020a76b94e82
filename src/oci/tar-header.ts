// Encodes tar headers (ustar, with PAX extended headers for long names, big numbers and xattrs).
// Hand-written rather than tar-stream's packer so that every byte is under our control: layer
// digests must not change with a dependency's defaults.

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo';

export interface TarHeader {
  /** Path inside the archive, without a leading `/` or `./`; directories without trailing `/`. */
  name: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Record<string, Buffer>;
}

const TYPE_FLAGS: Record<TarEntryType, string> = {
  file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', directory: '5', fifo: '6',
};

/** The largest value each octal field holds (7 digits for ids and modes, 11 for size and mtime). */
const MAX_ID = 0o7777777;
const MAX_SIZE = 0o77777777777;

const TAR_BLOCK = 512;
export const END_OF_ARCHIVE = Buffer.alloc(TAR_BLOCK * 2);

/** Header block(s) for one entry: an optional PAX header + data, then the ustar header. */
export function encodeTarHeader(header: TarHeader): Buffer {
  const name = header.type === 'directory' ? `${header.name}/` : header.name;
  const pax = paxRecords(header, name);
  const ustar = ustarBlock({ ...header, name: truncate(name, 100), linkname: truncate(header.linkname ?? '', 100) });
  if (pax.length === 0) return ustar;
  const paxData = Buffer.concat(pax);
  const paxHeader = ustarBlock({
    name: truncate(`PaxHeaders/${name.replace(/\/$/, '').split('/').pop() ?? ''}`, 100),
    type: 'file', mode: 0o644, uid: 0, gid: 0, size: paxData.byteLength, mtime: clampSeconds(header.mtime), linkname: '',
  }, 'x');
  return Buffer.concat([paxHeader, paxData, padding(paxData.byteLength), ustar]);
}

/** Zero bytes that round `size` up to a whole tar block. */
export function padding(size: number): Buffer {
  const rest = size % TAR_BLOCK;
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(TAR_BLOCK - rest);
}

function paxRecords(header: TarHeader, name: string): Buffer[] {
  const records: Buffer[] = [];
  if (needsPax(name)) records.push(paxRecord('path', name));
  if (header.linkname && needsPax(header.linkname)) records.push(paxRecord('linkpath', header.linkname));
  if (header.uid > MAX_ID) records.push(paxRecord('uid', String(header.uid)));
  if (header.gid > MAX_ID) records.push(paxRecord('gid', String(header.gid)));
  if (header.size > MAX_SIZE) records.push(paxRecord('size', String(header.size)));
  for (const key of Object.keys(header.xattrs ?? {}).sort()) {
    records.push(paxRecord(`SCHILY.xattr.${key}`, header.xattrs![key]!));
  }
  return records;
}

function needsPax(text: string): boolean {
  return Buffer.byteLength(text) > 100 || !/^[\x20-\x7e]*$/.test(text);
}

/** One `"<len> key=value\n"` record, where len counts itself. */
function paxRecord(key: string, value: string | Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
  let length = body.byteLength + String(body.byteLength).length;
  if (String(length).length !== String(body.byteLength).length) length = body.byteLength + String(length).length;
  return Buffer.concat([Buffer.from(String(length)), body]);
}

function ustarBlock(header: TarHeader, typeFlag = TYPE_FLAGS[header.type]): Buffer {
  const block = Buffer.alloc(TAR_BLOCK);
  block.write(header.name, 0, 100, 'utf8');
  writeOctal(block, header.mode & 0o7777, 100, 8);
  writeOctal(block, Math.min(header.uid, MAX_ID), 108, 8);
  writeOctal(block, Math.min(header.gid, MAX_ID), 116, 8);
  writeOctal(block, header.size > MAX_SIZE ? 0 : header.size, 124, 12);
  writeOctal(block, clampSeconds(header.mtime), 136, 12);
  block.write(typeFlag, 156, 1, 'ascii');
  block.write(header.linkname ?? '', 157, 100, 'utf8');
  block.write('ustar\x0000', 257, 8, 'ascii');
  writeOctal(block, header.devmajor ?? 0, 329, 8);
  writeOctal(block, header.devminor ?? 0, 337, 8);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\x00 `, 148, 8, 'ascii');
  return block;
}

function writeOctal(block: Buffer, value: number, offset: number, width: number): void {
  block.write(`${value.toString(8).padStart(width - 1, '0')}\x00`, offset, width, 'ascii');
}

function clampSeconds(mtime: number): number {
  return Math.max(0, Math.min(Math.floor(mtime), MAX_SIZE));
}

/** Cuts a string to at most `bytes` UTF-8 bytes without splitting a character. */
function truncate(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char) > bytes) break;
    out += char;
  }
  return out;
}
