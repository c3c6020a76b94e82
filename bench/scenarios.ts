// The benchmark scenarios, generated into a temp directory: each is a build context with a
// Dockerfile FROM the local busybox image and one file that the `edit` phase changes.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Scenario } from './types.js';

export const SCENARIO_NAMES = ['multistage', 'large-context', 'big-layer', 'parallel'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

interface ScenarioSpec {
  description: string;
  editFile: string;
  dockerfile(base: string): string;
  /** Writes every context file except the Dockerfile. */
  writeFiles(dir: string): void;
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const BIG_LAYER_HALF_MIB = 150;

const SPECS: Record<ScenarioName, ScenarioSpec> = {
  multistage: {
    description: 'builder stage COPYs 20 small files and RUNs a loop writing 200 files; final stage COPY --from',
    editFile: 'src/main.txt',
    dockerfile: (base) =>
      [
        `FROM ${base} AS builder`,
        'COPY src/ /src/',
        'RUN mkdir -p /out && for i in $(seq 1 200); do cat /src/*.txt > /out/part$i.txt; done && echo built > /out/done',
        `FROM ${base}`,
        'COPY --from=builder /out /app',
        'CMD ["/bin/sh"]',
      ].join('\n'),
    writeFiles: (dir) => {
      write(path.join(dir, 'src', 'main.txt'), 'main source\n');
      for (let i = 0; i < 19; i++) write(path.join(dir, 'src', `lib${i}.txt`), `library ${i}\n`.repeat(50));
    },
  },
  'large-context': {
    description: '10k source files plus 20k files excluded by .dockerignore; COPY . /src, then a RUN counts files',
    editFile: 'src/m0/f0.ts',
    dockerfile: (base) =>
      [`FROM ${base}`, 'COPY . /src', 'RUN find /src -type f | wc -l > /file-count && cat /file-count'].join('\n'),
    writeFiles: (dir) => {
      write(path.join(dir, '.dockerignore'), 'node_modules\n**/*.log\n');
      for (let d = 0; d < 100; d++) {
        for (let f = 0; f < 100; f++) {
          write(path.join(dir, 'src', `m${d}`, `f${f}.ts`), `export const v${f} = ${d * f};\n`.repeat(1 + (f % 20)));
          write(path.join(dir, 'src', `m${d}`, `f${f}.log`), `log line ${f}\n`);
          write(path.join(dir, 'node_modules', `pkg${d}`, `file${f}.js`), `module.exports = ${f};\n`);
        }
      }
    },
  },
  'big-layer': {
    description: `RUN writes ~${2 * BIG_LAYER_HALF_MIB} MiB (half /dev/urandom, half repeated text) in one layer; then COPY of a small file`,
    editFile: 'app.txt',
    dockerfile: (base) =>
      [
        `FROM ${base}`,
        `RUN mkdir /data && dd if=/dev/urandom of=/data/random.bin bs=1M count=${BIG_LAYER_HALF_MIB} 2>/dev/null` +
          ` && yes 'lorem ipsum dolor sit amet, consectetur adipiscing elit 0123456789' | head -c ${BIG_LAYER_HALF_MIB * 1024 * 1024} > /data/text.txt`,
        'COPY app.txt /app/app.txt',
      ].join('\n'),
    writeFiles: (dir) => write(path.join(dir, 'app.txt'), 'application\n'),
  },
  parallel: {
    description: 'three independent stages each COPY a file and RUN sleep 2, combined by COPY --from in a final stage',
    editFile: 'a.txt',
    dockerfile: (base) =>
      [
        ...['a', 'b', 'c'].flatMap((s) => [
          `FROM ${base} AS stage-${s}`,
          `COPY ${s}.txt /${s}.txt`,
          `RUN sleep 2 && cp /${s}.txt /${s}.out`,
        ]),
        `FROM ${base}`,
        ...['a', 'b', 'c'].map((s) => `COPY --from=stage-${s} /${s}.out /out/${s}`),
      ].join('\n'),
    writeFiles: (dir) => {
      for (const s of ['a', 'b', 'c']) write(path.join(dir, `${s}.txt`), `stage ${s}\n`);
    },
  },
};

/** Generates the named scenarios under `root`, each FROM `baseImage`. */
export function generateScenarios(root: string, names: readonly ScenarioName[], baseImage: string): Scenario[] {
  return names.map((name) => {
    const spec = SPECS[name];
    const contextDir = path.join(root, name);
    spec.writeFiles(contextDir);
    write(path.join(contextDir, 'Dockerfile'), `${spec.dockerfile(baseImage)}\n`);
    const editOriginal = `original content of ${spec.editFile}\n`;
    write(path.join(contextDir, spec.editFile), editOriginal);
    return { name, description: spec.description, contextDir, editFile: spec.editFile, editOriginal };
  });
}

/** Puts the edit file back as generated (before a cold build). */
export function restoreEditFile(scenario: Scenario): void {
  write(path.join(scenario.contextDir, scenario.editFile), scenario.editOriginal);
}

/** Changes the edit file's content to something no builder has seen (`label` must be unique). */
export function applyEdit(scenario: Scenario, label: string): void {
  write(path.join(scenario.contextDir, scenario.editFile), `${scenario.editOriginal}edited: ${label}\n`);
}

export function describeScenarios(): Array<{ name: ScenarioName; description: string }> {
  return SCENARIO_NAMES.map((name) => ({ name, description: SPECS[name].description }));
}
