// Entry point of the GitHub Action (`runs.main` in action.yml, built to dist/action/main.js).
import { runAction } from './run.js';

process.exitCode = await runAction(process.env);
