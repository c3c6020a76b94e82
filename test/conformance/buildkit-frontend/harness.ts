// Runs the ported BuildKit frontend cases against the real engine (the executor in-process, the
// builtin sandbox runtime), each in a fresh root copied from one prepared busybox seed root.
import assert from 'node:assert/strict';
import { cpSync, existsSync, lstatSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { Readable } from 'node:stream';
import pLimit from 'p-limit';
import { openBuildInput, type BuildInput } from '../../../src/context/build-input.js';
import { build } from '../../../src/executor/build.js';
import type { BuildEvent } from '../../../src/executor/events.js';
import type { OutputSpec } from '../../../src/executor/options.js';
import { DiskContentStore } from '../../../src/oci/disk-store.js';
import { importRootfs } from '../../../src/oci/image-import.js';
import { ImageNames } from '../../../src/oci/image-names.js';
import { writeIndex } from '../../../src/oci/image.js';
import { rootLayout } from '../../../src/oci/root.js';
import type { Descriptor } from '../../../src/spec/types.js';
import { EPOCH, tempDir, writeContext } from '../../build/helpers.js';
import { makeBusyboxRootfs } from '../../helpers/busybox.js';
import type { BuildOutcome, BuildSpec, CaseOptions, FrontendCase, InputSpec, Vars } from './case.js';

/** The image names BuildKit's tests pull, all served by the one busybox base. */
const BASE_NAMES = ['busybox:latest', 'busybox', 'alpine:latest', 'alpine', 'busybox:stable-musl'];

/** Seed roots holding the busybox base: single-platform, and the two-platform index (lazily). */
class Seeds {
  private single?: Promise<string>;
  private multi?: Promise<string>;

  root(multiPlatform: boolean): Promise<string> {
    if (multiPlatform) return (this.multi ??= seedRoot(['amd64', 'arm64']));
    return (this.single ??= seedRoot(['amd64']));
  }
}

async function seedRoot(architectures: ('amd64' | 'arm64')[]): Promise<string> {
  const root = tempDir('tsbuild-bkfe-seed-');
  const store = await DiskContentStore.open(root);
  const manifests: Descriptor[] = [];
  for (const architecture of architectures) {
    const rootfs = tempDir(`tsbuild-bkfe-busybox-${architecture}-`);
    await makeBusyboxRootfs(rootfs, architecture);
    // What the busybox image has beyond test/helpers/busybox.ts: /usr/bin/env (the tests' scripts
    // start `#!/usr/bin/env sh`), group 65534 named `nobody`, and `wheel` (root's supplementary group).
    symlinkSync('/bin/busybox', join(rootfs, 'usr/bin/env'));
    const group = join(rootfs, 'etc/group');
    writeFileSync(group, `${readFileSync(group, 'utf8').replace('nogroup:x:65534:', 'nobody:x:65534:')}wheel:x:10:root\n`);
    manifests.push(await importRootfs(store, rootfs, { platform: { os: 'linux', architecture }, layer: { sourceDateEpoch: EPOCH } }));
  }
  const descriptor = manifests.length === 1 ? manifests[0]! : await writeIndex(store, manifests);
  const names = new ImageNames(rootLayout(root));
  for (const name of BASE_NAMES) await names.set(name, descriptor);
  return root;
}

async function runBuild(root: string, spec: ResolvedSpec, vars: Vars): Promise<BuildOutcome> {
  const context = writeContext(spec.files ?? {});
  if (spec.dockerfile !== undefined) writeFileSync(join(context, 'Dockerfile'), spec.dockerfile);
  const sockets = await Promise.all((spec.sockets ?? []).map((path) => listenOn(join(context, path))));
  const dest = tempDir('tsbuild-bkfe-out-');
  const events: BuildEvent[] = [];
  let input: BuildInput | undefined;
  try {
    const options = spec.options;
    input = spec.input ? await openInput(spec.input(vars), context) : undefined;
    const fromInput = input
      ? { context: input.context, dockerfile: input.dockerfile, dockerfileContents: input.dockerfileContents, contextSource: input.source, contextEpoch: input.epoch }
      : { context, dockerfile: options.dockerfile === undefined ? undefined : join(context, options.dockerfile) };
    // Tagged builds also go to the root's image store, for a later build to start FROM.
    const defaultOutputs: OutputSpec[] = options.tags ? [{ type: 'local', dest }, { type: 'image', push: false, names: options.tags }] : [{ type: 'local', dest }];
    const result = await build({
      root,
      runtime: 'builtin',
      ...options,
      ...fromInput,
      outputs: spec.outputs?.(dest, vars) ?? defaultOutputs,
      onEvent: (event) => events.push(event),
    });
    return { dest, config: result.config, digest: result.digest, imageId: result.imageId, events };
  } catch (error) {
    return { dest, error: error instanceof Error ? error : new Error(String(error)), events };
  } finally {
    input?.cleanup();
    for (const server of sockets) server.close();
  }
}

/** What the CLI does with its context argument and `-f` (stdin given as bytes). */
function openInput(spec: InputSpec, dir: string): Promise<BuildInput> {
  const local = spec.context === '.';
  const file = local && spec.file !== undefined && spec.file !== '-' && !isAbsolute(spec.file) ? join(dir, spec.file) : spec.file;
  return openBuildInput({ context: local ? dir : spec.context, file, stdin: Readable.from(spec.stdin === undefined ? [] : [Buffer.from(spec.stdin)]) });
}

function listenOn(path: string): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}

/** The text a user sees for a failed build: the message, and the failed step's output. */
export function errorText(outcome: BuildOutcome): string {
  const logs = outcome.events.filter((e) => e.type === 'step.log').map((e) => e.text).join('\n');
  return `${outcome.error?.message ?? ''}\n${logs}`;
}

/** Content of an exported file, or a symlink's target as `-> target`, or undefined. */
export function exportedFile(outcome: BuildOutcome, path: string): string | undefined {
  const full = join(outcome.dest, path);
  if (!existsSync(full) && !isSymlink(full)) return undefined;
  if (isSymlink(full)) return `-> ${readlinkSync(full)}`;
  if (lstatSync(full).isDirectory()) return '<dir>';
  return readFileSync(full, 'utf8');
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

type ResolvedSpec = Omit<BuildSpec, 'options'> & { options: CaseOptions };

async function checkCase(testCase: FrontendCase, seeds: Seeds): Promise<void> {
  const newRoot = async () => {
    const root = tempDir('tsbuild-bkfe-root-');
    cpSync(await seeds.root(testCase.multiPlatform ?? false), root, { recursive: true, verbatimSymlinks: true });
    return root;
  };
  const root = await newRoot();
  const prepared = await testCase.prepare?.(root);
  const vars = prepared?.vars ?? {};
  const withPrepared = (spec: BuildSpec): ResolvedSpec => {
    const options = typeof spec.options === 'function' ? spec.options(vars) : spec.options;
    return { ...spec, options: { ...options, ...prepared?.options, buildArgs: { ...options?.buildArgs, ...prepared?.options.buildArgs } } };
  };
  try {
    const first = await runBuild(root, withPrepared(testCase), vars);
    const later: BuildOutcome[] = [];
    for (const spec of testCase.then ?? []) later.push(await runBuild(spec.freshRoot ? await newRoot() : root, withPrepared(spec), vars));
    checkOutcome(testCase, first);
    // Before dispose: an assertion may read what the session serves (a registry).
    await testCase.verify?.(first, later, vars);
  } finally {
    await prepared?.dispose();
  }
}

function checkOutcome(testCase: FrontendCase, first: BuildOutcome): void {
  if (testCase.error) {
    assert.ok(first.error, 'the build succeeded; BuildKit fails it');
    const text = errorText(first);
    for (const expected of testCase.error) {
      if (typeof expected === 'string') assert.ok(text.includes(expected), `error text lacks ${JSON.stringify(expected)}: ${text.trim().slice(0, 300)}`);
      else assert.match(text, expected);
    }
  } else if (first.error) {
    assert.fail(`build failed: ${errorText(first).trim().slice(-400)}`);
  }
  for (const [path, expected] of Object.entries(testCase.exported ?? {})) {
    const actual = exportedFile(first, path);
    if (expected === null) assert.equal(actual, undefined, `${path} exists`);
    else if (typeof expected === 'string') assert.equal(actual, expected, `${path}`);
    else assert.match(actual ?? '<missing>', expected, `${path}`);
  }
}

export interface CaseResult {
  name: string;
  /** Why it failed; undefined when it passed. */
  failure?: string;
}

/** Runs `cases` with a small pool; every case gets its own root and context. */
export async function runCases(cases: FrontendCase[], concurrency = 2): Promise<CaseResult[]> {
  const seeds = new Seeds();
  const limit = pLimit(concurrency);
  return Promise.all(cases.map((testCase) => limit(async (): Promise<CaseResult> => {
    try {
      await checkCase(testCase, seeds);
      return { name: testCase.name };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { name: testCase.name, failure: message.replace(/\s+/g, ' ').slice(0, 300) };
    }
  })));
}
