// The planner's public surface: planBuild, the plan types, the renderers and the build checks.
export { planBuild } from './plan.js';
export { plan, planDockerfile, readDockerfile } from './plan-file.js';
export type { DockerfileSource, PlanFileOptions } from './plan-file.js';
export type * from './types.js';
export { renderText } from './render-text.js';
export { renderJson } from './render-json.js';
export { renderDot } from './render-dot.js';
export { renderMermaid } from './render-mermaid.js';
export { canonicalJson } from '../spec/canonical-json.js';
export { stepIdOf } from './step-id.js';
export { formatPlatform, hostPlatform, parsePlatform, parsePlatformList } from '../spec/platform.js';
export { platformArgs } from './platform.js';
export { runChecks, formatFinding, parseCheckDirective, CHECK_RULES } from './checks/index.js';
export type { CheckFinding, CheckResult, CheckConfig } from './checks/index.js';
export { filesystemInputs, historyChain, topologicalOrder } from './graph.js';
export { DEFAULT_PATH_ENV, withDefaultPath } from './stage-state.js';
