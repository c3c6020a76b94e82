// `tsbuild build`: docker buildx build's flags turned into BuildOptions for the API.
import { Option } from 'commander';
import type { Command } from 'commander';
import {
  BUILD_CONTEXT_OPTION, parseAnnotationFlags, parseAttestFlags, parseBuildArgFlags, parseBuildContextFlags, parseCacheFromFlag, parseCacheToFlag, parseKeyValueFlags, parseOutputFlag, parseRunLimitFlags, parseSecretFlag, parseSshFlag,
  type LimitFlags,
} from '../build-flags.js';
import { checkRunSettings, defaultDockerfilePath, outputTypes, parseEntitlements, parseShmSize, parseUlimits } from '../../api/parsers.js';
import { createProgressRenderer, type ProgressMode } from '../progress/index.js';
import { isIP } from 'node:net';
import { TsbuildError } from '../../errors.js';
import { formatPlatform, hostPlatform } from '../../spec/index.js';
import { reportBuildFailure } from '../build-failure.js';
import type { BuildOptions, CheckWarning, OutputSpec, RuntimeName } from '../../api/build.js';

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
  progress: ProgressMode | 'rawjson';
  quiet?: boolean;
  runtime: RuntimeName;
  explainCache?: boolean;
  attest?: string[];
  annotation?: string[];
  provenance?: string;
  sbom?: string;
  addHost?: string[];
  shmSize?: string;
  ulimit?: string[];
  cgroupParent?: string;
  check?: boolean;
  call?: string;
  rm?: boolean;
  forceRm?: boolean;
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
    .option(BUILD_CONTEXT_OPTION.flags, BUILD_CONTEXT_OPTION.description, collect, [])
    .option('--platform <platforms>', 'target platforms, comma-separated')
    .option('-o, --output <spec>', `output: type=${outputTypes().join('|')},... (repeatable)`, collect, [])
    .option('--push', 'shorthand for --output=type=registry')
    .option('--load', 'also load the image into the local Docker engine (DOCKER_HOST), and keep it in the local store')
    .option('--annotation <spec>', 'OCI annotation: [manifest|index|manifest-descriptor|index-descriptor[,...][[os/arch]]:]key=value (repeatable)', collect, [])
    .option('--attest <spec>', 'attestation to attach: type=provenance[,mode=min|max,version=v1|v0.2] | type=sbom (repeatable)', collect, [])
    .option('--provenance <value>', 'shorthand for --attest=type=provenance: true, false or its attributes (mode=max)')
    .option('--sbom <value>', 'shorthand for --attest=type=sbom: true or false')
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
    .addOption(new Option('--progress <mode>', 'progress output (rawjson: the json events)').choices(['auto', 'tty', 'plain', 'json', 'rawjson', 'quiet']).default('auto'))
    .option('-q, --quiet', 'print only the image ID')
    .addOption(new Option('--runtime <name>', 'sandbox for RUN').choices(['auto', 'builtin', 'runc', 'crun']).default('auto'))
    .option('--explain-cache', 'say why each step missed the cache')
    .option('--add-host <host:ip>', 'add a host-to-IP mapping to /etc/hosts of RUN steps (repeatable)', collect, [])
    .option('--shm-size <size>', 'size of /dev/shm of RUN steps, e.g. 128m or 1g (default 64m)')
    .option('--ulimit <type=soft[:hard]>', 'ulimit of RUN steps, e.g. nofile=1024:2048 (-1: unlimited; repeatable)', collect, [])
    .option('--cgroup-parent <path>', "parent cgroup of RUN steps' cgroups, from the hierarchy's root (default: tsbuild's own)")
    .option('--check', 'run the build checks and stop (--call=check)')
    .option('--call <method>', 'build (default), check (the build checks), outline (args and secrets) or targets (the stages)')
    .option('--rm', 'accepted as buildx does: intermediate containers are always removed')
    .option('--force-rm', 'accepted as buildx does: intermediate containers are always removed')
    .action(runBuild);
}

async function runBuild(context: string, flags: BuildFlags): Promise<void> {
  runSettings(flags); // a bad value fails before any input is read
  const call = buildMethod(flags);
  if (call !== 'build') {
    const { describeDockerfile } = await import('../build-call.js');
    process.stdout.write(await describeDockerfile(call, { context, file: flags.file, buildArgs: parseBuildArgFlags(flags.buildArg), target: flags.target }));
    return;
  }
  const renderer = createProgressRenderer(flags.quiet ? 'quiet' : flags.progress === 'rawjson' ? 'json' : flags.progress);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let dockerfileContents: string | undefined;
  try {
    const { build, openBuildInput } = await import('../../api/build.js');
    const input = await openBuildInput({ context, file: flags.file, stdin: process.stdin, signal: controller.signal });
    dockerfileContents = input.dockerfileContents;
    const fromInput = { dockerfile: input.dockerfile, dockerfileContents: input.dockerfileContents, contextSource: input.source, contextEpoch: input.epoch };
    const result = await build({ ...toOptions(input.context, flags), ...fromInput, signal: controller.signal, onEvent: renderer.onEvent })
      .finally(input.cleanup);
    renderer.close();
    process.stderr.write(checkWarningsSummary(result.checkWarnings));
    if (flags.quiet) process.stdout.write(`${result.imageId}\n`);
  } catch (error) {
    renderer.close(error);
    throw reportBuildFailure(error, { outputShown: renderer.showsStepOutput, dockerfileContents });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const CALL_METHODS = ['build', 'check', 'outline', 'targets'] as const;
type CallMethod = (typeof CALL_METHODS)[number];

function buildMethod(flags: BuildFlags): CallMethod {
  const call = flags.check ? 'check' : (flags.call ?? 'build');
  if (flags.check && flags.call !== undefined && flags.call !== 'check') throw new TsbuildError('USAGE', `--check is --call=check: it cannot go with --call ${flags.call}`);
  if (!(CALL_METHODS as readonly string[]).includes(call)) throw new TsbuildError('USAGE', `--call "${call}": use ${CALL_METHODS.join(', ')}`);
  return call as CallMethod;
}

/** BuildKit's summary of the build checks' findings after a build. */
function checkWarningsSummary(warnings: CheckWarning[]): string {
  if (warnings.length === 0) return '';
  const lines = warnings.map((w) => ` - ${w.rule}: ${w.message} (line ${w.line})\n`).join('');
  return `\n ${warnings.length} warning${warnings.length === 1 ? '' : 's'} found:\n${lines}`;
}

/** `--add-host name:ip` or `name=ip` (docker's forms; IPv6 may be in brackets). */
function parseAddHost(value: string): { name: string; ip: string } {
  const separator = value.includes('=') ? value.indexOf('=') : value.indexOf(':');
  const name = value.slice(0, separator);
  const ip = value.slice(separator + 1).replace(/^\[(.*)\]$/, '$1');
  if (separator <= 0) throw new TsbuildError('USAGE', `--add-host "${value}": use NAME:IP or NAME=IP`);
  if (ip === 'host-gateway') throw new TsbuildError('USAGE', `--add-host "${value}": host-gateway is not supported (RUN steps use the host's network or slirp4netns): give an IP`);
  if (isIP(ip) === 0) throw new TsbuildError('USAGE', `--add-host "${value}": "${ip}" is not an IP address`);
  return { name, ip };
}

/** `--ulimit`, `--shm-size` and `--cgroup-parent`, checked before the build starts. */
function runSettings(flags: BuildFlags): Pick<BuildOptions, 'ulimits' | 'shmSize' | 'cgroupParent'> {
  const ulimits = parseUlimits(flags.ulimit ?? []);
  const shmSize = flags.shmSize === undefined ? undefined : parseShmSize(flags.shmSize);
  const settings = {
    ...(ulimits.length > 0 ? { ulimits } : {}),
    ...(shmSize !== undefined ? { shmSize } : {}),
    ...(flags.cgroupParent ? { cgroupParent: flags.cgroupParent } : {}),
  };
  checkRunSettings(settings);
  return settings;
}

export function toOptions(context: string, flags: BuildFlags): BuildOptions {
  const outputs: OutputSpec[] = flags.output.map(parseOutputFlag);
  if (flags.push) outputs.push({ type: 'image', push: true });
  return {
    context,
    dockerfile: flags.file ?? defaultDockerfilePath(context),
    tags: flags.tag,
    buildArgs: parseBuildArgFlags(flags.buildArg),
    labels: parseKeyValueFlags(flags.label, process.env, '--label'),
    target: flags.target,
    buildContexts: parseBuildContextFlags(flags.buildContext ?? []),
    // `local` is buildx's name of the platform of the machine building.
    platforms: flags.platform?.split(',').map((p) => p.trim()).filter(Boolean).map((p) => (p === 'local' ? formatPlatform(hostPlatform()) : p)),
    outputs: outputs.length > 0 ? outputs : undefined,
    load: flags.load,
    annotations: parseAnnotationFlags(flags.annotation ?? []),
    attestations: parseAttestFlags(flags.attest ?? [], flags.provenance, flags.sbom),
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
    ...runSettings(flags),
    addHosts: (flags.addHost ?? []).map(parseAddHost),
    runtime: flags.runtime,
    iidFile: flags.iidfile,
    metadataFile: flags.metadataFile,
    explainCache: flags.explainCache,
  };
}
