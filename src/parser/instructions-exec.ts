// Typed instructions that run or describe commands: RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK.

import { chompHeredocContent } from './heredoc.js';
import { parseGoDuration } from '../spec/index.js';
import { type InstructionRequest, InstructionError, atLeastOne } from './instruction-request.js';
import { MountError, parseMount } from './mounts.js';
import type {
  CmdInstruction,
  Command,
  EntrypointInstruction,
  HealthcheckInstruction,
  HealthcheckOptions,
  MountSpec,
  RunInstruction,
  ShellInstruction,
} from './types.js';


/** handleJSONArgs plus heredocs: exec form keeps the array, shell form joins the words. */
export function commandOf(req: InstructionRequest, args: string[] = req.args): Command {
  if (req.node.json) return { form: 'exec', args };
  const heredocs = req.node.heredocs.map((h) => ({
    name: h.name,
    content: h.chomp ? chompHeredocContent(h.content) : h.content,
    expand: h.expand,
    chomp: h.chomp,
  }));
  return { form: 'shell', script: args.join(' '), heredocs };
}

const NETWORK_MODES = ['default', 'none', 'host'] as const;
const SECURITY_MODES = ['sandbox', 'insecure'] as const;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new InstructionError(`unsupported ${what} mode "${value}"`);
  return value as T;
}

/** `RUN [--mount=...] [--network=...] [--security=...] command` */
export function parseRun(req: InstructionRequest): RunInstruction {
  const flags = req.flags({ mount: 'strings', network: 'string', security: 'string' });
  const mounts: MountSpec[] = (flags.lists.get('mount') ?? []).map((value) => {
    try {
      return parseMount(value);
    } catch (error) {
      if (error instanceof MountError) throw new InstructionError(error.message, error.suggestion);
      throw error;
    }
  });
  return {
    kind: 'RUN',
    ...req.base,
    command: commandOf(req),
    mounts,
    network: oneOf(flags.values.get('network'), NETWORK_MODES, 'network'),
    security: oneOf(flags.values.get('security'), SECURITY_MODES, 'security'),
  };
}

/** `CMD command` */
export function parseCmd(req: InstructionRequest): CmdInstruction {
  req.flags({});
  return { kind: 'CMD', ...req.base, command: commandOf(req) };
}

/** `ENTRYPOINT command` */
export function parseEntrypoint(req: InstructionRequest): EntrypointInstruction {
  req.flags({});
  return { kind: 'ENTRYPOINT', ...req.base, command: commandOf(req) };
}

/** `SHELL ["executable", "param"]`: JSON form only. */
export function parseShell(req: InstructionRequest): ShellInstruction {
  req.flags({});
  if (req.args.length === 0) throw atLeastOne('SHELL');
  if (!req.node.json) throw new InstructionError('SHELL requires the arguments to be in JSON form');
  return { kind: 'SHELL', ...req.base, shell: req.args };
}

const MIN_INTERVAL_NANOS = 1e6;

function checkInterval(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  let nanos: number;
  try {
    nanos = parseGoDuration(value);
  } catch (error) {
    throw new InstructionError((error as Error).message);
  }
  if (nanos !== 0 && nanos < MIN_INTERVAL_NANOS) throw new InstructionError(`Interval "${name}" cannot be less than 1ms`);
  return value;
}

function healthcheckOptions(req: InstructionRequest): HealthcheckOptions {
  const flags = req.flags({ interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' });
  const options: HealthcheckOptions = {
    interval: checkInterval('interval', flags.values.get('interval')),
    timeout: checkInterval('timeout', flags.values.get('timeout')),
    startPeriod: checkInterval('start-period', flags.values.get('start-period')),
    startInterval: checkInterval('start-interval', flags.values.get('start-interval')),
  };
  const retries = flags.values.get('retries');
  if (retries !== undefined && retries !== '') {
    if (!/^[+-]?\d+$/.test(retries) || Math.abs(Number(retries)) > 2 ** 31 - 1) {
      throw new InstructionError(`strconv.ParseInt: parsing "${retries}": invalid syntax`);
    }
    if (Number(retries) < 0) throw new InstructionError(`--retries cannot be negative (${Number(retries)})`);
    options.retries = Number(retries);
  }
  return options;
}

/** `HEALTHCHECK [options] CMD command` or `HEALTHCHECK NONE` */
export function parseHealthcheck(req: InstructionRequest): HealthcheckInstruction {
  if (req.args.length === 0) throw atLeastOne('HEALTHCHECK');
  const type = req.args[0].toUpperCase();
  const rest = req.args.slice(1);
  if (type === 'NONE') {
    if (rest.length !== 0) throw new InstructionError('HEALTHCHECK NONE takes no arguments');
    req.flags({});
    return { kind: 'HEALTHCHECK', ...req.base, test: { type: 'NONE' }, options: {} };
  }
  const options = healthcheckOptions(req);
  if (type !== 'CMD') throw new InstructionError(`Unknown type "${type}" in HEALTHCHECK (try CMD)`);
  if (rest.length === 0) throw new InstructionError('Missing command after HEALTHCHECK CMD');
  return { kind: 'HEALTHCHECK', ...req.base, test: { type: 'CMD', command: commandOf(req, rest) }, options };
}
