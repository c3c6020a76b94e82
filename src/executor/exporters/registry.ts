// `type=registry`: `type=image,push=true`.
import { imageExporter, type ImageOutput } from './image.js';
import type { Exporter } from './exporter.js';

export const registryExporter: Exporter<ImageOutput> = {
  ...imageExporter,
  attributes: imageExporter.attributes,
  parse: (fields) => imageExporter.parse({ ...fields, push: 'true' }),
};
