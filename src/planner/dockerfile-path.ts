// Where the Dockerfile of a context is when none is named: `Dockerfile`, or else a lowercase
// `dockerfile` beside it (BuildKit's dockerui tries both).
import { existsSync } from 'node:fs';
import path from 'node:path';

export function defaultDockerfilePath(contextDir: string): string {
  const standard = path.join(contextDir, 'Dockerfile');
  const lowercase = path.join(contextDir, 'dockerfile');
  return !existsSync(standard) && existsSync(lowercase) ? lowercase : standard;
}
