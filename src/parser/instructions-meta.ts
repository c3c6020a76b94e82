// Typed instructions that set metadata or structure: FROM, ENV, LABEL, ARG, EXPOSE, USER,
// STOPSIGNAL, MAINTAINER, ONBUILD.

import { type InstructionRequest, InstructionError, atLeastOne, exactlyOne } from './instruction-request.js';
import type {
  ArgInstruction,
  EnvInstruction,
  ExposeInstruction,
  FromInstruction,
  Instruction,
  KeyValue,
  LabelInstruction,
  MaintainerInstruction,
  OnbuildInstruction,
  StopsignalInstruction,
  UserInstruction,
} from './types.js';

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

/** `FROM [--platform=P] image [AS name]` */
export function parseFrom(req: InstructionRequest): FromInstruction {
  const args = req.args;
  let stageName: string | undefined;
  if (args.length === 3 && args[1].toLowerCase() === 'as') {
    stageName = args[2].toLowerCase();
    if (!STAGE_NAME.test(stageName)) {
      throw new InstructionError(`invalid name for build stage: "${args[2]}", name can't start with a number or contain symbols`);
    }
  } else if (args.length !== 1) {
    throw new InstructionError('FROM requires either one or three arguments');
  }
  const flags = req.flags({ platform: 'string' });
  return { kind: 'FROM', ...req.base, image: args[0], platform: flags.values.get('platform'), stageName };
}

/** parseKvps over the key/value/separator triples of the AST (values kept as written). */
function keyValues(args: string[], keyword: string): KeyValue[] {
  if (args.length === 0) throw atLeastOne(keyword);
  if (args.length % 3 !== 0) throw new InstructionError(`Bad input to ${keyword}, too many arguments`);
  const pairs: KeyValue[] = [];
  for (let i = 0; i < args.length; i += 3) {
    if (args[i] === '') throw new InstructionError(`${keyword} names can not be blank`);
    pairs.push({ key: args[i], value: args[i + 1] });
  }
  return pairs;
}

/** `ENV k=v ...` or `ENV k v` */
export function parseEnv(req: InstructionRequest): EnvInstruction {
  req.flags({});
  return { kind: 'ENV', ...req.base, vars: keyValues(req.args, 'ENV') };
}

/** `LABEL k=v ...` */
export function parseLabel(req: InstructionRequest): LabelInstruction {
  req.flags({});
  return { kind: 'LABEL', ...req.base, labels: keyValues(req.args, 'LABEL') };
}

/** `ARG name[=default] ...` */
export function parseArg(req: InstructionRequest): ArgInstruction {
  if (req.args.length === 0) throw atLeastOne('ARG');
  req.flags({});
  const args = req.args.map((word) => {
    const eq = word.indexOf('=');
    if (eq < 0) return { name: word };
    if (eq === 0) throw new InstructionError('ARG names can not be blank');
    return { name: word.slice(0, eq), default: word.slice(eq + 1) };
  });
  return { kind: 'ARG', ...req.base, args };
}

/** `EXPOSE port[/proto] ...` (sorted, as BuildKit stores them) */
export function parseExpose(req: InstructionRequest): ExposeInstruction {
  if (req.args.length === 0) throw atLeastOne('EXPOSE');
  req.flags({});
  return { kind: 'EXPOSE', ...req.base, ports: [...req.args].sort() };
}

function singleArgument(req: InstructionRequest, keyword: string): string {
  if (req.args.length !== 1) throw exactlyOne(keyword);
  req.flags({});
  return req.args[0];
}

/** `USER user[:group]` */
export function parseUser(req: InstructionRequest): UserInstruction {
  return { kind: 'USER', ...req.base, user: singleArgument(req, 'USER') };
}

/** `STOPSIGNAL signal` */
export function parseStopsignal(req: InstructionRequest): StopsignalInstruction {
  return { kind: 'STOPSIGNAL', ...req.base, signal: singleArgument(req, 'STOPSIGNAL') };
}

/** `MAINTAINER name` */
export function parseMaintainer(req: InstructionRequest): MaintainerInstruction {
  return { kind: 'MAINTAINER', ...req.base, maintainer: singleArgument(req, 'MAINTAINER') };
}

/** `ONBUILD instruction`: the trigger is parsed now so errors surface at this line. */
export function parseOnbuild(req: InstructionRequest, parseTrigger: () => Instruction): OnbuildInstruction {
  if (req.args.length === 0) throw atLeastOne('ONBUILD');
  req.flags({});
  const trigger = req.args[0].trim().toUpperCase();
  if (trigger === 'ONBUILD') throw new InstructionError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (trigger === 'MAINTAINER' || trigger === 'FROM') throw new InstructionError(`${trigger} isn't allowed as an ONBUILD trigger`);
  let expression = req.node.original.replace(/^\s*ONBUILD\s*/i, '');
  for (const heredoc of req.node.heredocs) expression += `\n${heredoc.content}${heredoc.name}`;
  return { kind: 'ONBUILD', ...req.base, expression, trigger: parseTrigger() };
}
