// The public API of tsbuild: `import { ... } from 'tsbuild'`.
export { TsbuildError, DockerfileSyntaxError, UnsupportedFeatureError } from './errors.js';
export type { ErrorCode, SourceLocation } from './errors.js';
export type * from './parser/types.js';
