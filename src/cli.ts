#!/usr/bin/env -S node --
// Entry point of the `tsbuild` command, started by bin/tsbuild. The `--` above keeps Node from
// reading tsbuild's arguments (--env-file) when this file is run directly.
import { main } from './cli/main.js';

process.exitCode = await main(process.argv);
