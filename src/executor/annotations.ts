// `--annotation` (buildx's syntax): `[TYPE[,TYPE...][PLATFORM]:]KEY=VALUE`, TYPE one of
// `manifest` (the default), `index`, `manifest-descriptor`, `index-descriptor`; `[os/arch]`
// limits a manifest-level annotation to that platform.
import { TsbuildError } from '../errors.js';
import { formatPlatform, parsePlatform } from '../spec/index.js';

export const ANNOTATION_LEVELS = ['manifest', 'index', 'manifest-descriptor', 'index-descriptor'] as const;
export type AnnotationLevel = (typeof ANNOTATION_LEVELS)[number];

export interface Annotation {
  level: AnnotationLevel;
  key: string;
  value: string;
  /** Only the image of this platform (`os/arch[/variant]`); manifest levels only. */
  platform?: string;
}

const usage = (message: string) => new TsbuildError('USAGE', message);
const TYPE = /^([a-z-]+)(?:\[([^\]]+)\])?$/;

/** The annotations one `--annotation` value sets (one per level it names). */
export function parseAnnotation(text: string): Annotation[] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw usage(`invalid --annotation "${text}": expected [TYPE:]KEY=VALUE`);
  const [target, value] = [text.slice(0, eq), text.slice(eq + 1)];
  const colon = target.lastIndexOf(':');
  const types = colon < 0 ? 'manifest' : target.slice(0, colon);
  const key = target.slice(colon + 1);
  if (!key) throw usage(`invalid --annotation "${text}": empty key`);
  return types.split(',').map((part) => {
    const match = TYPE.exec(part);
    const level = match?.[1] as AnnotationLevel | undefined;
    if (!match || !level || !ANNOTATION_LEVELS.includes(level)) {
      throw usage(`invalid --annotation "${text}": unknown type "${part}" (${ANNOTATION_LEVELS.join(', ')})`);
    }
    if (match[2] && !level.startsWith('manifest')) throw usage(`invalid --annotation "${text}": a [platform] applies to manifest levels only`);
    return { level, key, value, ...(match[2] ? { platform: formatPlatform(parsePlatform(match[2])) } : {}) };
  });
}

/** The annotations of one level, for one platform's image (or for the index: no platform). */
export function annotationsAt(annotations: Annotation[] | undefined, level: AnnotationLevel, platform?: string): Record<string, string> | undefined {
  const wanted = platform === undefined ? undefined : formatPlatform(parsePlatform(platform));
  const picked = (annotations ?? []).filter((a) => a.level === level && (a.platform === undefined || a.platform === wanted));
  return picked.length > 0 ? Object.fromEntries(picked.map((a) => [a.key, a.value])) : undefined;
}
