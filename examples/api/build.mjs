// Builds an image with tsbuild's Node API: live progress from `onEvent`, Ctrl-C cancels the build
// through an AbortSignal, and failures are told apart by their stable `code`.
// Usage: node build.mjs [CONTEXT] [TAG]     (as root, like the `tsbuild` command)
/* global AbortController */
import process from 'node:process';
import { build, TsbuildError } from 'tsbuild';

const [context = '.', tag = 'localhost:5000/example/app:dev'] = process.argv.slice(2);
const print = (line) => process.stderr.write(`${line}\n`);

const controller = new AbortController();
process.once('SIGINT', () => {
  print('interrupted: stopping the build and cleaning up...');
  controller.abort();
});

/** Renders the typed progress events (BuildEvent) as a compact log. */
function onEvent(event) {
  switch (event.type) {
    case 'step.started':
      return print(`=> ${event.name}`);
    case 'step.cached':
      return print(`=> ${event.name} CACHED`);
    case 'step.log':
      return process.stderr.write(event.text.replace(/^/gm, '   | '));
    case 'step.done':
      return print(`   done in ${(event.durationMs / 1000).toFixed(1)}s`);
    case 'step.failed':
      return print(`   FAILED: ${event.error}`);
    case 'cache.miss':
      return print(`   rebuilt because: ${event.reasons.join('; ')}`);
    case 'warning':
      return print(`warning${event.line ? ` (line ${event.line})` : ''}: ${event.message}`);
    default:
      return undefined; // blob.progress, result: not shown here
  }
}

try {
  const result = await build({
    context,
    tags: [tag],
    buildArgs: { NODE_ENV: 'production' },
    signal: controller.signal,
    onEvent,
  });
  print(`built ${result.tags.join(', ')}\n  digest   ${result.digest}\n  image id ${result.imageId}`);
} catch (error) {
  if (!(error instanceof TsbuildError)) throw error; // a bug: let Node print the stack
  switch (error.code) {
    case 'DOCKERFILE_SYNTAX':
    case 'DOCKERFILE_UNSUPPORTED':
      print(`fix the Dockerfile: ${error.message}`); // the message names file:line
      process.exitCode = 3;
      break;
    case 'STEP_FAILED':
      print(`a RUN step failed: ${error.message}`);
      process.exitCode = 1;
      break;
    case 'REGISTRY':
      print(`registry problem (check credentials and network): ${error.message}`);
      process.exitCode = 1;
      break;
    case 'CANCELLED':
      print('build cancelled');
      process.exitCode = 130;
      break;
    default:
      print(`build failed [${error.code}]: ${error.message}`);
      process.exitCode = 1;
  }
}
