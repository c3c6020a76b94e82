// Creates the builder adapters requested on the command line.
import type { Builder, BuilderName } from '../types.js';
import { BuildahBuilder, type BuildahIsolation } from './buildah.js';
import { BuildkitBuilder } from './buildkit.js';
import { TsbuildBuilder } from './tsbuild.js';

export interface BuilderOptions {
  tsbuildCli?: string;
  buildahIsolation: BuildahIsolation;
  dockerdFlags: string[];
}

export type VersionedBuilder = Builder & { version: string };

export function createBuilder(name: BuilderName, options: BuilderOptions): VersionedBuilder {
  switch (name) {
    case 'tsbuild':
      return new TsbuildBuilder(options.tsbuildCli);
    case 'buildkit':
      return new BuildkitBuilder(options.dockerdFlags);
    case 'buildah':
      return new BuildahBuilder(options.buildahIsolation);
    default: {
      const unreachable: never = name;
      throw new Error(`unknown builder ${String(unreachable)}`);
    }
  }
}
