// A real Go binary with a versioned dependency, built by the host's Go toolchain (Debian's
// golang-go) offline: the dependency is served by a GOPROXY=file:// directory this helper writes
// (list, .info, .mod and a module zip), so `go` itself records its version and go.sum hash.
// Also a pre-1.18 style binary: a minimal ELF whose build info is found through pointers.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

export const DEP_PATH = 'example.com/greet/v2';
export const DEP_VERSION = 'v2.1.3';

/** Builds `example.com/app` (importing DEP_PATH at DEP_VERSION) into `<dir>/app`; returns its path. */
export function buildGoBinary(dir: string): string {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch (error) {
    throw new Error('these tests build a Go binary: install Debian\'s golang-go (.ci/run does)', { cause: error });
  }
  const proxy = join(dir, 'proxy');
  const versionDir = join(proxy, DEP_PATH, '@v');
  mkdirSync(versionDir, { recursive: true });
  const depMod = `module ${DEP_PATH}\n\ngo 1.19\n`;
  const depSource = 'package greet\n\nfunc Hello() string { return "hello from greet" }\n';
  writeFileSync(join(versionDir, 'list'), `${DEP_VERSION}\n`);
  writeFileSync(join(versionDir, `${DEP_VERSION}.info`), JSON.stringify({ Version: DEP_VERSION, Time: '2024-01-02T03:04:05Z' }));
  writeFileSync(join(versionDir, `${DEP_VERSION}.mod`), depMod);
  writeFileSync(join(versionDir, `${DEP_VERSION}.zip`), storedZip({
    [`${DEP_PATH}@${DEP_VERSION}/go.mod`]: depMod,
    [`${DEP_PATH}@${DEP_VERSION}/greet.go`]: depSource,
  }));
  const app = join(dir, 'app-src');
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'go.mod'), `module example.com/app\n\ngo 1.19\n\nrequire ${DEP_PATH} ${DEP_VERSION}\n`);
  writeFileSync(join(app, 'main.go'), `package main\n\nimport "${DEP_PATH}"\n\nfunc main() { println(greet.Hello()) }\n`);
  const env = {
    ...process.env, GOPROXY: `file://${proxy}`, GOSUMDB: 'off', GOFLAGS: '-mod=mod -modcacherw', GO111MODULE: 'on', CGO_ENABLED: '0',
    GOPATH: join(dir, 'gopath'), GOMODCACHE: join(dir, 'gopath/pkg/mod'), GOTOOLCHAIN: 'local',
    // Kept between runs: the standard library is compiled once (HOME may be unset under CI).
    GOCACHE: process.env.GOCACHE ?? join(tmpdir(), 'tsbuild-test-gocache'),
  };
  const binary = join(dir, 'app');
  execFileSync('go', ['build', '-trimpath', '-o', binary, '.'], { cwd: app, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  return binary;
}

/** `go version -m FILE` read as Go reads it: the Go version and the module lines (mod, dep, =>). */
export function goVersionM(file: string): { goVersion: string; modules: string[][] } {
  const lines = execFileSync('go', ['version', '-m', file], { encoding: 'utf8' }).split('\n');
  return {
    goVersion: lines[0].slice(lines[0].indexOf(': ') + 2).trim(),
    modules: lines.slice(1).map((line) => line.trim().split('\t')).filter((f) => ['mod', 'dep', '=>'].includes(f[0])),
  };
}

const INFO_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const INFO_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

/**
 * An ELF64 executable in the old (before Go 1.18) layout: one writable loaded segment holding the
 * `\xff Go buildinf:` header with two pointers to Go string headers (pointer, length), which point
 * at the version and the sentinel-wrapped module info. `go version -m` reads it.
 */
export function oldFormatGoBinary(goVersion: string, modinfo: string, bigEndian = false): Buffer {
  const base = 0x400000n;
  const headerAt = 0x80; // 16-aligned, after the ELF and program headers
  const version = Buffer.from(goVersion);
  const mod = Buffer.concat([INFO_START, Buffer.from(modinfo), INFO_END]);
  const stringHeadersAt = headerAt + 32;
  const versionAt = stringHeadersAt + 32;
  const modAt = versionAt + version.length;
  const file = Buffer.alloc(modAt + mod.length);
  elfHeaders(file, base, bigEndian);
  Buffer.from('\xff Go buildinf:', 'latin1').copy(file, headerAt);
  file[headerAt + 14] = 8;
  file[headerAt + 15] = bigEndian ? 1 : 0;
  const u64 = (at: number, value: bigint) => (bigEndian ? file.writeBigUInt64BE(value, at) : file.writeBigUInt64LE(value, at));
  u64(headerAt + 16, base + BigInt(stringHeadersAt));
  u64(headerAt + 24, base + BigInt(stringHeadersAt + 16));
  u64(stringHeadersAt, base + BigInt(versionAt));
  u64(stringHeadersAt + 8, BigInt(version.length));
  u64(stringHeadersAt + 16, base + BigInt(modAt));
  u64(stringHeadersAt + 24, BigInt(mod.length));
  version.copy(file, versionAt);
  mod.copy(file, modAt);
  // The one segment covers the whole file.
  u64(64 + 32, BigInt(file.length));
  u64(64 + 40, BigInt(file.length));
  return file;
}

/** An ELF64 header with one PT_LOAD (read/write) segment at `base` mapping the file from offset 0. */
function elfHeaders(file: Buffer, base: bigint, bigEndian: boolean): void {
  const u16 = (at: number, v: number) => (bigEndian ? file.writeUInt16BE(v, at) : file.writeUInt16LE(v, at));
  const u32 = (at: number, v: number) => (bigEndian ? file.writeUInt32BE(v, at) : file.writeUInt32LE(v, at));
  const u64 = (at: number, v: bigint) => (bigEndian ? file.writeBigUInt64BE(v, at) : file.writeBigUInt64LE(v, at));
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, bigEndian ? 2 : 1, 1]).copy(file, 0);
  u16(16, 2); // ET_EXEC
  u16(18, bigEndian ? 21 : 62); // ppc64 / x86-64
  u32(20, 1);
  u64(24, base + 0x80n); // entry
  u64(32, 64n); // phoff
  u64(40, 0n); // no section headers
  u16(52, 64);
  u16(54, 56);
  u16(56, 1);
  u16(58, 64);
  u16(60, 0);
  u16(62, 0);
  u32(64, 1); // PT_LOAD
  u32(68, 6); // PF_R | PF_W
  u64(72, 0n);
  u64(80, base);
  u64(88, base);
  u64(112, 0x1000n);
}

/** A zip of `files` stored without compression (what `go` reads from a module proxy). */
function storedZip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
