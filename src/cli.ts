#!/usr/bin/env node
// Executable entry point of the `tsbuild` command.
import { main } from './cli/main.js';

process.exitCode = await main(process.argv);
