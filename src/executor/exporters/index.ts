// The exporters by `--output type=` name. Adding one: a file beside these exporting an Exporter,
// and its line here (docs/design/extending.md).
import { TsbuildError } from '../../errors.js';
import { checkAttributes, compressionOptions } from './attributes.js';
import { dockerExporter } from './docker.js';
import type { Exporter, SaveFormat } from './exporter.js';
export type { DockerEngineOptions } from './docker-engine.js';
import { imageExporter } from './image.js';
import { localExporter } from './local.js';
import { ociExporter } from './oci.js';
import { registryExporter } from './registry.js';
import { tarExporter } from './tar.js';

export const exporters = {
  image: imageExporter,
  registry: registryExporter,
  oci: ociExporter,
  docker: dockerExporter,
  local: localExporter,
  tar: tarExporter,
} as const;

type Exporters = typeof exporters;
type SpecOf<E> = E extends Exporter<infer Spec> ? Spec : never;

/** Where a build result goes (`--output`, Docker's syntax): one exporter's spec. */
export type OutputSpec = { [Name in keyof Exporters]: SpecOf<Exporters[Name]> }[keyof Exporters];

export function outputTypes(): string[] {
  return Object.keys(exporters);
}

function lookup(type: string | undefined): Exporter<OutputSpec> | undefined {
  return type !== undefined && Object.hasOwn(exporters, type) ? (exporters[type as keyof Exporters] as Exporter<OutputSpec>) : undefined;
}

/** The exporter of a spec (specs are named by their exporter's `type`). */
export function exporterFor(spec: OutputSpec): Exporter<OutputSpec> {
  const exporter = lookup(spec.type);
  if (!exporter) throw new TsbuildError('USAGE', `unknown output ${JSON.stringify(spec)}`);
  return exporter;
}

/** The spec of `--output` attributes; `raw` is the flag as given, for messages. */
export function parseOutput(fields: Record<string, string>, raw: string): OutputSpec {
  compressionOptions(fields); // `compression=` is checked whatever the type, as docker does
  const known = outputTypes().join(', ');
  if (fields.type === undefined) throw new TsbuildError('USAGE', `output "${raw}": missing type= (${known})`);
  const exporter = lookup(fields.type);
  if (!exporter) throw new TsbuildError('USAGE', `output: unknown type "${fields.type}" (${known})`);
  checkAttributes(fields, exporter.attributes);
  return exporter.parse(fields);
}

export interface SaveFormatEntry extends SaveFormat {
  type: string;
  exporter: Exporter<OutputSpec>;
}

/** Every `tsbuild save --format` name, with its exporter. */
export function saveFormats(): Map<string, SaveFormatEntry> {
  const formats = new Map<string, SaveFormatEntry>();
  for (const [type, exporter] of Object.entries(exporters) as [string, Exporter<OutputSpec>][]) {
    for (const [name, format] of Object.entries(exporter.saveFormats ?? {})) formats.set(name, { ...format, type, exporter });
  }
  return formats;
}
