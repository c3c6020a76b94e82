// Child-process side of the parser/planner fuzz test: parses, plans (with a fake base-image resolver, as
// the planner tests use), lints and renders each Dockerfile it is sent, and answers how that ended.
import { TsbuildError } from '../../src/errors.js';
import { parseDockerfile } from '../../src/parser/index.js';
import { planBuild, renderText, runChecks } from '../../src/planner/index.js';
import type { ImageConfig, Platform } from '../../src/spec/types.js';

export interface FuzzOutcome {
  /** Undefined when the case planned, or failed with a TsbuildError with a clean message. */
  problem?: string;
}

const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const ARM64: Platform = { os: 'linux', architecture: 'arm64' };

async function resolveImageConfig(ref: string, platform: Platform): Promise<ImageConfig | undefined> {
  if (ref.includes('missing')) return undefined;
  const onBuild = ref.includes('onbuild') ? ['RUN echo from onbuild', 'COPY --from=0 / /x'] : null;
  return { ...platform, config: { Env: ['PATH=/usr/bin:/bin', 'HOME=/root'], OnBuild: onBuild }, rootfs: { type: 'layers', diff_ids: [] } };
}

export async function runCase(text: string): Promise<FuzzOutcome> {
  try {
    const dockerfile = parseDockerfile(text, { file: 'Dockerfile' });
    await runChecks(dockerfile);
    const { plan } = await planBuild(dockerfile, {
      buildArgs: { A: 'a b', EMPTY: '' },
      platforms: [AMD64, ARM64],
      buildPlatform: AMD64,
      resolveImageConfig,
    });
    renderText(plan);
    return {};
  } catch (error) {
    return { problem: problemOf(error) };
  }
}

function problemOf(error: unknown): string | undefined {
  if (!(error instanceof TsbuildError)) {
    return `not a TsbuildError: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  }
  if (error.message.trim() === '' || /\n {4}at |\[object Object\]/.test(error.message)) {
    return `unclear message (${error.code}): ${error.message}`;
  }
  return undefined;
}

process.on('message', (text: string) => {
  void runCase(text).then((outcome) => process.send?.(outcome));
});
