// The public surface of src/context: what other modules may import from it.
export { openBuildInput } from './build-input.js';
export { walkContext } from './context.js';
export type { ContextEntry } from './context.js';
export { contentDigest } from './digest.js';
export { IgnoreMatcher, compilePatterns } from './dockerignore.js';
export type { ParentMatches } from './dockerignore.js';
export { checkoutGit, parseGitUrl } from './git-source.js';
export { hashContextFiles, sha256OfFile } from './hash.js';
export { selectSources } from './select.js';
export type { SourceSelection } from './select.js';
export { StatCache } from './stat-cache.js';
export { downloadRecordsDir, keptDownloads } from './download-records.js';
export { downloadUrl } from './url-source.js';
export type { KeptDownloads } from './url-source.js';
