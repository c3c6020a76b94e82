// `--build-context` file trees as stages, as BuildKit's dockerui.NamedContext loads them: a
// directory is its files (llb.Local), a git URL its checkout without .git, any other URL one file
// named `context` (llb.HTTP). FROM, COPY --from and RUN --mount=from of that name read a stage
// that is scratch plus those files, with the empty image's config.
import type { Platform } from '../spec/index.js';
import { formatPlatform, isGitSource } from '../spec/index.js';
import type { PlanContext } from './context.js';
import type { StageState } from './stage-state.js';
import { scratchContainerConfig } from './stage-state.js';
import type { CopyFileOp, FileSource, NamedFiles, StageRef } from './types.js';

/** The stage a named file tree stands for, on `platform`. */
export function namedFilesBase(ctx: PlanContext, stage: StageRef, name: string, files: NamedFiles, platform: Platform): StageState {
  const platformText = formatPlatform(platform);
  const scratch = ctx.addStep({ kind: 'source', image: 'scratch', platform: platformText }, [], stage, 'FROM scratch');
  const copy = (command: CopyFileOp['command'], source: FileSource, dest: string, destIsDir: boolean): CopyFileOp => ({
    kind: 'file', action: 'copy', command, sources: [source], dest, destIsDir, link: false, parents: false, exclude: [], platform: platformText,
  });
  const [op, instruction] =
    files.kind === 'dir' ? [copy('COPY', { kind: 'context', path: '.', context: name }, '/', true), `[context ${name}] load from client`]
      : isGitSource(files.url) ? [copy('ADD', { kind: 'git', url: files.url, keepGitDir: false }, '/', true), `[context ${name}] ${files.url}`]
        : [copy('ADD', { kind: 'url', url: files.url }, '/context', false), `[context ${name}] ${files.url}`];
  const head = ctx.addStep(op, [scratch], stage, instruction);
  return { stage, platform, head, config: scratchContainerConfig(platform.os), args: new Map(), baseResolved: true, cmdSet: false };
}
