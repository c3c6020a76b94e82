// `tsbuild build`: docker buildx build's flags turned into BuildOptions for the API.
import { Option } from 'commander';
import type { Command } from 'commander';
import {
  parseBuildContextFlags, parseCacheFromFlag, parseCacheToFlag, parseKeyValueFlags, parseOutputFlag, parseRunLimitFlags, parseSecretFlag, parseSshFlag,
  type LimitFlags,
} from '../build-flags.js';
import { defaultDockerfilePath, outputTypes, parseEntitlements } from '../../api/parsers.js';
import { createProgressRenderer, type ProgressMode } from '../progress/index.js';
import type { BuildOptions, OutputSpec, RuntimeName } from '../../api/build.js';

interface BuildFlags extends LimitFlags {
  file?: string;
  tag: string[];
  buildArg: string[];
  label: string[];
  target?: string;
  buildContext?: string[];
  platform?: string;
  output: string[];
  push?: boolean;
  load?: boolean;
  cacheFrom: string[];
  cacheTo: string[];
  secret: string[];
  ssh: string[];
  cache: boolean;
  noCacheFilter: string[];
  pull?: boolean;
  network: 'default' | 'none' | 'host';
  allow: string[];
  iidfile?: string;
  metadataFile?: string;
  progress: ProgressMode;
  quiet?: boolean;
  runtime: RuntimeName;
  explainCache?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command): Command {
  return program
    .command('build')
    .description('Build an image from a Dockerfile')
    .argument('<context>', 'build context: a directory, - (a tar or a Dockerfile on stdin), a git URL or an http(s) tarball URL')
    .option('-f, --file <file>', 'Dockerfile path, - for stdin (default: CONTEXT/Dockerfile)')
    .option('-t, --tag <name>', 'name and optionally a tag (repeatable)', collect, [])
    .option('--build-arg <key=value>', 'set a build-time variable (repeatable)', collect, [])
    .option('--label <key=value>', 'set a label on the image (repeatable)', collect, [])
    .option('--target <stage>', 'build this stage')
    .option('--build-context <name=value>', 'named context replacing the stage, FROM and --from of that name: name=DIR, name=https://URL, name=docker-image://REF, name=oci-layout://PATH[:TAG][@DIGEST] (repeatable)', collect, [])
    .option('--platform <platforms>', 'target platforms, comma-separated')
    .option('-o, --output <spec>', `output: type=${outputTypes().join('|')},... (repeatable)`, collect, [])
    .option('--push', 'shorthand for --output=type=registry')
    .option('--load', 'keep the image in the local store (the default)')
    .option('--cache-from <spec>', 'external cache source (repeatable)', collect, [])
    .option('--cache-to <spec>', 'cache export destination (repeatable)', collect, [])
    .option('--secret <spec>', 'secret for RUN --mount=type=secret: id=x,src=path|env=VAR (repeatable)', collect, [])
    .option('--ssh <spec>', 'SSH agent socket for RUN --mount=type=ssh: default|id=path (repeatable)', collect, [])
    .option('--no-cache', 'do not use the build cache')
    .option('--no-cache-filter <stage>', 'do not use the cache for this stage (repeatable)', collect, [])
    .option('--pull', 'always re-resolve base images')
    .addOption(new Option('--network <mode>', 'network of RUN steps (default: their own, with outbound access)').choices(['default', 'none', 'host']).default('default'))
    .option('--allow <entitlement>', 'allow an extra privilege: network.host (for RUN --network=host) (repeatable)', collect, [])
    .option('-m, --memory <size>', 'memory limit of each RUN step, e.g. 512m (no swap beyond it)')
    .option('--memory-swap <size>', 'memory plus swap limit: only equal to --memory is supported')
    .option('--cpu-quota <us>', 'CFS quota of each RUN step, in microseconds per --cpu-period')
    .option('--cpu-period <us>', 'CFS period for --cpu-quota, in microseconds (default 100000)')
    .option('--cpu-shares <n>', 'CPU shares (not supported yet: refused)')
    .option('--cpuset-cpus <list>', 'CPUs to run on (not supported yet: refused)')
    .option('--pids-limit <n>', 'maximum number of processes of each RUN step (default 4096; 0 or -1: unlimited)')
    .option('--iidfile <file>', 'write the image ID to the file')
    .option('--metadata-file <file>', 'write build result metadata to the file')
    .addOption(new Option('--progress <mode>', 'progress output').choices(['auto', 'tty', 'plain', 'json', 'quiet']).default('auto'))
    .option('-q, --quiet', 'print only the image ID')
    .addOption(new Option('--runtime <name>', 'sandbox for RUN').choices(['auto', 'builtin', 'runc', 'crun']).default('auto'))
    .option('--explain-cache', 'say why each step missed the cache')
    .action(runBuild);
}

async function runBuild(context: string, flags: BuildFlags): Promise<void> {
  const renderer = createProgressRenderer(flags.quiet ? 'quiet' : flags.progress);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const { build, openBuildInput } = await import('../../api/build.js');
    const input = await openBuildInput({ context, file: flags.file, stdin: process.stdin, signal: controller.signal });
    const fromInput = { dockerfile: input.dockerfile, dockerfileContents: input.dockerfileContents };
    const result = await build({ ...toOptions(input.context, flags), ...fromInput, signal: controller.signal, onEvent: renderer.onEvent })
      .finally(input.cleanup);
    renderer.close();
    if (flags.quiet) process.stdout.write(`${result.imageId}\n`);
  } catch (error) {
    renderer.close();
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function toOptions(context: string, flags: BuildFlags): BuildOptions {
  const outputs: OutputSpec[] = flags.output.map(parseOutputFlag);
  if (flags.push) outputs.push({ type: 'image', push: true });
  return {
    context,
    dockerfile: flags.file ?? defaultDockerfilePath(context),
    tags: flags.tag,
    buildArgs: parseKeyValueFlags(flags.buildArg),
    labels: parseKeyValueFlags(flags.label, process.env, '--label'),
    target: flags.target,
    buildContexts: parseBuildContextFlags(flags.buildContext ?? []),
    platforms: flags.platform?.split(',').map((p) => p.trim()).filter(Boolean),
    outputs: outputs.length > 0 ? outputs : undefined,
    noCache: !flags.cache,
    cacheFrom: flags.cacheFrom.map(parseCacheFromFlag),
    cacheTo: flags.cacheTo.map(parseCacheToFlag),
    noCacheFilter: flags.noCacheFilter,
    pull: flags.pull,
    secrets: flags.secret.map(parseSecretFlag),
    ssh: flags.ssh.map(parseSshFlag),
    network: flags.network,
    allow: parseEntitlements(flags.allow),
    runLimits: parseRunLimitFlags(flags),
    runtime: flags.runtime,
    iidFile: flags.iidfile,
    metadataFile: flags.metadataFile,
    explainCache: flags.explainCache,
    sourceDateEpoch: process.env.SOURCE_DATE_EPOCH ? Number(process.env.SOURCE_DATE_EPOCH) : undefined,
  };
}
