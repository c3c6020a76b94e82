// Runs one builder command with wall-clock timing and peak RSS of its process tree (plus any
// daemon the builder talks to), keeping the output tail for error reports.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { RssSampler } from './process-tree.js';
import type { BuildResult } from './types.js';

const OUTPUT_TAIL_CHARS = 4000;
/** A build that takes longer than this is killed and reported as failed. */
const BUILD_TIMEOUT_MS = 15 * 60_000;

export interface MeasuredCommand {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra process ids whose trees count towards peak RSS (a daemon's pid). */
  daemonPids?: () => number[];
}

/** Runs the command to completion; a non-zero exit becomes `error` with the output's tail. */
export function runMeasured(cmd: MeasuredCommand): Promise<BuildResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(cmd.command, cmd.args, { cwd: cmd.cwd, env: cmd.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const sampler = new RssSampler(() => [...(child.pid === undefined ? [] : [child.pid]), ...(cmd.daemonPids?.() ?? [])]);
    sampler.start();
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, BUILD_TIMEOUT_MS);
    const finish = (error?: string): void => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      const peakRssBytes = sampler.stop();
      resolve(error === undefined ? { seconds, peakRssBytes } : { seconds, peakRssBytes, error });
    };
    child.on('error', (err) => finish(`${cmd.command}: ${err.message}`));
    child.on('close', (code, signal) => {
      if (timedOut) finish(`${cmd.command} killed after ${BUILD_TIMEOUT_MS / 1000} s:\n${output.trim()}`);
      else if (code === 0) finish();
      else finish(`${cmd.command} exited with ${code ?? signal}:\n${output.trim()}`);
    });
  });
}

/** Runs a setup command (not measured); rejects with its output when it fails. */
export async function runChecked(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-OUTPUT_TAIL_CHARS)}`));
    });
  });
}
