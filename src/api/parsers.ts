// Parsers of the values users write (sizes, entitlements, references), shared by the API's
// callers (the CLI's flags) so that a value means the same everywhere.
export { parseEntitlements } from '../executor/index.js';
export { defaultDockerfilePath } from '../planner/index.js';
export { bool } from '../executor/index.js';
export { outputTypes, parseOutput, saveFormats } from '../executor/index.js';
export { parseCacheLocation } from '../cache/index.js';
export { parseMemorySize, parsePidsLimit } from '../container/index.js';
export { parseSize } from '../cache/index.js';
export { familiarString, formatReference, parseReference } from '../spec/index.js';
export type { ImageReference } from '../spec/index.js';
export { formatPlatform, parsePlatform } from '../spec/index.js';
export { parseGoDuration } from '../spec/index.js';
