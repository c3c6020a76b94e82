// `npm prepare`: builds dist/ when the dev tools are installed (a checkout's `npm ci`). Without them
// (`npm ci --omit=dev`, the Action's release recipe run after `npm run build`) there is no compiler:
// the build already made dist/, so this keeps it rather than failing the install.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('../', import.meta.url);
if (existsSync(new URL('node_modules/typescript/package.json', root))) {
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
} else if (existsSync(new URL('dist/cli.js', root))) {
  process.stdout.write('tsbuild prepare: no dev dependencies (npm ci --omit=dev): keeping the dist/ already built\n');
} else {
  process.stderr.write('tsbuild prepare: dist/ is not built and the dev dependencies are not installed: run `npm ci` then `npm run build` first\n');
  process.exit(1);
}
