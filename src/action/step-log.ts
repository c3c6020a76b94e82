// Reads the build steps back out of `--progress plain` output (BuildKit-style `#N ...` lines)
// as it streams past, for the job summary's step table.

export type StepStatus = 'running' | 'done' | 'cached' | 'failed';

export interface StepRecord {
  number: number;
  name: string;
  status: StepStatus;
  durationSeconds?: number;
  error?: string;
}

export interface StepCollector {
  /** Feeds a chunk of output; chunks may split lines anywhere. */
  write(chunk: string): void;
  /** The steps seen so far, in order of first appearance. */
  steps(): StepRecord[];
  /** The CLI's last `error: ...` line (how it reports a failed build), without the prefix. */
  failure(): string | undefined;
}

const STEP_LINE = /^#(\d+) (.*)$/;
const DONE = /^DONE (\d+(?:\.\d+)?)s$/;
const ERROR = /^ERROR: (.*)$/;
/** `#N 1.2 text`: a line of a step's output, prefixed with its elapsed seconds. */
const LOG = /^\d+\.\d+ /;
const CACHE_MISS = /^cache miss: /;
const CLI_ERROR = /^(?:internal )?error: (.*)$/;

export function createStepCollector(): StepCollector {
  const steps = new Map<number, StepRecord>();
  let partial = '';
  let failure: string | undefined;
  const stepNumbered = (number: number): StepRecord => {
    let step = steps.get(number);
    if (!step) steps.set(number, (step = { number, name: '', status: 'running' }));
    return step;
  };
  const onLine = (line: string): void => {
    const text = line.replace(/\r$/, '');
    const match = STEP_LINE.exec(text);
    if (!match) {
      failure = CLI_ERROR.exec(text)?.[1] ?? failure;
      return;
    }
    const step = stepNumbered(Number(match[1]));
    const rest = match[2];
    const done = DONE.exec(rest);
    const error = ERROR.exec(rest);
    if (rest === 'CACHED') step.status = 'cached';
    else if (done) Object.assign(step, { status: 'done', durationSeconds: Number(done[1]) });
    else if (error) Object.assign(step, { status: 'failed', error: error[1] });
    else if (step.name === '' && !LOG.test(rest) && !CACHE_MISS.test(rest)) step.name = rest;
  };
  const flush = () => {
    if (partial) onLine(partial);
    partial = '';
  };
  return {
    write(chunk) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(onLine);
    },
    steps() {
      flush();
      return [...steps.values()];
    },
    failure() {
      flush();
      return failure;
    },
  };
}
