// Parsers of the values users write (sizes, entitlements, references), shared by the API's
// callers (the CLI's flags) so that a value means the same everywhere.
export { parseEntitlements } from '../executor/entitlements.js';
export { defaultDockerfilePath } from '../planner/dockerfile-path.js';
export { bool } from '../executor/exporters/attributes.js';
export { parseAnnotation } from '../executor/annotations.js';
export { mergeAttestations, parseAttestation, shorthandAttestation } from '../executor/attestations/requests.js';
export { outputTypes, parseOutput, saveFormats } from '../executor/exporters/index.js';
export { parseCacheLocation } from '../cache/backends/index.js';
export { parseMemorySize, parsePidsLimit, parseShmSize } from '../container/sizes.js';
export { checkRunSettings } from '../runtime-shim/run-settings.js';
export { parseUlimits } from '../spec/ulimit.js';
export { parseSize } from '../cache/size.js';
export { familiarString, formatReference, parseReference } from '../spec/reference.js';
export type { ImageReference } from '../spec/reference.js';
export { formatPlatform, parsePlatform } from '../spec/platform.js';
export { parseGoDuration } from '../spec/duration.js';
