// One run of the GitHub Action: inputs -> `tsbuild build` argv -> CLI process (elevated when
// needed) -> step outputs and job summary. Resolves to the step's exit status.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TsbuildError } from '../errors.js';
import { ExitStatus, exitStatusFor } from '../cli/index.js';
import { isObject } from '../spec/index.js';
import { buildArgv, type RunFiles } from './argv.js';
import { readInputs, type ActionInputs } from './inputs.js';
import { placeError } from './error-place.js';
import { gitAuthEnv } from './git-auth.js';
import { chooseElevation, cliCommand, sudoWorks } from './privileges.js';
import { appendSummary, errorAnnotation, noticeAnnotation, writeOutputs } from './runner-files.js';
import { secretFileMounts, writeSecretFiles } from './secrets.js';
import { spawnCli } from './spawn-cli.js';
import { createStepCollector } from './step-log.js';
import { renderSummary } from './summary.js';

/** `TSBUILD_ACTION_CLI` replaces the bundled CLI (tests use a fake one). */
export function cliPath(env: NodeJS.ProcessEnv): string {
  return env.TSBUILD_ACTION_CLI || fileURLToPath(new URL('../cli.js', import.meta.url));
}

export async function runAction(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const workDir = mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), 'tsbuild-action-'));
  try {
    return await buildOnce(env, workDir);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stdout.write(errorAnnotation(message));
    return error instanceof TsbuildError ? exitStatusFor(error.code) : ExitStatus.Failure;
  } finally {
    // Holds the secret files: removed whatever happened.
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function buildOnce(env: NodeJS.ProcessEnv, workDir: string): Promise<number> {
  const inputs = readInputs(env);
  if (inputs.builder) process.stdout.write(noticeAnnotation(`input "builder: ${inputs.builder}" is ignored: tsbuild builds without a BuildKit builder`));
  const elevation = chooseElevation({
    platform: process.platform,
    uid: process.getuid?.() ?? 0,
    sudoWorks,
    rootless: inputs.rootless,
  });
  const files: RunFiles = {
    metadataFile: join(workDir, 'metadata.json'),
    iidFile: join(workDir, 'iid'),
    secretMounts: [...writeSecretFiles(inputs.secrets, join(workDir, 'secrets')), ...secretFileMounts(inputs.secretFiles)],
  };
  const argv = buildArgv(inputs, files);
  const command = cliCommand(elevation, { node: process.execPath, cli: cliPath(env), argv, env });
  process.stdout.write(`[command]${[command.command, ...command.args].join(' ')}\n`);

  const collector = createStepCollector();
  const exitCode = await spawnCli(command, collector.write, gitAuthEnv(inputs.context, inputs.githubToken, env));
  const result = readResult(files);
  if (exitCode === 0) writeOutputs(env, stepOutputs(result));
  else {
    const { message, place } = placeError(collector.failure() ?? `tsbuild build failed with exit status ${exitCode}`, env);
    process.stdout.write(errorAnnotation(message, place));
  }
  appendSummary(env, renderSummary({ exitCode, imageNames: imageNames(result, inputs), ...result, steps: collector.steps() }));
  return exitCode;
}

interface BuildOutcome {
  metadata?: Record<string, unknown>;
  digest?: string;
  imageId?: string;
}

function readResult(files: RunFiles): BuildOutcome {
  const parsed: unknown = existsSync(files.metadataFile) ? JSON.parse(readFileSync(files.metadataFile, 'utf8')) : undefined;
  const metadata = isObject(parsed) ? parsed : undefined;
  const iid = existsSync(files.iidFile) ? readFileSync(files.iidFile, 'utf8').trim() : '';
  const text = (key: string) => (typeof metadata?.[key] === 'string' ? (metadata[key] as string) : undefined);
  return { metadata, digest: text('containerimage.digest'), imageId: iid || text('containerimage.config.digest') };
}

/** Like docker/build-push-action, an output is set only when it has a value. */
function stepOutputs(result: BuildOutcome): Record<string, string> {
  const outputs: Record<string, string> = {};
  if (result.imageId) outputs.imageid = result.imageId;
  if (result.digest) outputs.digest = result.digest;
  if (result.metadata) outputs.metadata = JSON.stringify(result.metadata, null, 2);
  return outputs;
}

/** BuildKit's `image.name` is a comma-separated list of the names written. */
function imageNames(result: BuildOutcome, inputs: ActionInputs): string[] {
  const names = result.metadata?.['image.name'];
  return typeof names === 'string' && names !== '' ? names.split(',') : inputs.tags;
}
