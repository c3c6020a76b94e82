// Attestation manifests in a content store (BuildKit's exporter/containerimage writer): the
// in-toto statements of one platform image as the layers of an OCI manifest, and an index that
// lists them after the images. A statement names its image by digest, so when an image is
// rewritten (its layers gzipped for a push) its attestation manifest is rewritten to match.
import type { ContentStore } from './content-store.js';
import { putJson, readManifest } from './image.js';
import {
  ATTESTATION_MANIFEST_TYPE, ATTESTATION_PLATFORM, IN_TOTO_MEDIA_TYPE, PREDICATE_TYPE_ANNOTATION, REFERENCE_DIGEST_ANNOTATION, REFERENCE_TYPE_ANNOTATION,
  MediaType, digestHex, digestSet, imagePurl, inTotoStatement, isAttestationManifest, parseJsonObject,
  type Descriptor, type Digest, type ImageConfig, type ImageManifest, type InTotoStatement,
} from '../spec/index.js';

/** One attestation of a platform image before it is bound to the image's digest. */
export interface Attestation {
  predicateType: string;
  predicate: unknown;
  /** The file name BuildKit gives it in a local export (`provenance.json`, `sbom.spdx.json`). */
  path: string;
}

/** BuildKit's subjects of an image's statements: one purl per image name, with the manifest digest. */
export function imageSubjects(image: Descriptor, names: string[]): InTotoStatement['subject'] {
  return names.map((name) => ({ name: imagePurl(name, image.platform), digest: digestSet(image.digest) }));
}

/** Writes the attestation manifest of `image`; returns its index entry. */
export async function writeAttestationManifest(
  store: ContentStore, image: Descriptor, attestations: Attestation[], names: string[],
): Promise<Descriptor> {
  const statements = attestations.map((a) => inTotoStatement(a.predicateType, a.predicate, imageSubjects(image, names)));
  return putAttestationManifest(store, image.digest, statements);
}

async function putAttestationManifest(store: ContentStore, target: Digest, statements: InTotoStatement[]): Promise<Descriptor> {
  const layers: Descriptor[] = [];
  for (const statement of statements) {
    const blob = await putJson(store, IN_TOTO_MEDIA_TYPE, statement);
    layers.push({ ...blob, annotations: { [PREDICATE_TYPE_ANNOTATION]: statement.predicateType } });
  }
  const config: ImageConfig = {
    architecture: ATTESTATION_PLATFORM.architecture, os: ATTESTATION_PLATFORM.os, config: {},
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
  };
  const manifest: ImageManifest = {
    schemaVersion: 2, mediaType: MediaType.OciManifest, config: await putJson(store, MediaType.OciConfig, config), layers,
  };
  const descriptor = await putJson(store, MediaType.OciManifest, manifest);
  return {
    ...descriptor,
    annotations: { [REFERENCE_DIGEST_ANNOTATION]: target, [REFERENCE_TYPE_ANNOTATION]: ATTESTATION_MANIFEST_TYPE },
    platform: ATTESTATION_PLATFORM,
  };
}

/** The in-toto statements of an attestation manifest. */
export async function readStatements(store: ContentStore, attestation: Descriptor): Promise<InTotoStatement[]> {
  const manifest = await readManifest(store, attestation);
  const statements: InTotoStatement[] = [];
  for (const layer of manifest.layers) {
    if (layer.mediaType !== IN_TOTO_MEDIA_TYPE) continue;
    statements.push(parseJsonObject(await store.read(layer.digest), { where: `attestation ${layer.digest}` }, 'an in-toto statement') as unknown as InTotoStatement);
  }
  return statements;
}

/**
 * The index entries with each attestation manifest pointed at its image's new digest (`moved`:
 * old digest -> new descriptor); entries that need no change are returned as they are.
 */
export async function repointAttestations(store: ContentStore, entries: Descriptor[], moved: Map<Digest, Descriptor>): Promise<Descriptor[]> {
  return Promise.all(entries.map(async (entry) => {
    const target = entry.annotations?.[REFERENCE_DIGEST_ANNOTATION] as Digest | undefined;
    const to = target && moved.get(target);
    if (!isAttestationManifest(entry) || !target || !to || to.digest === target) return entry;
    const statements = (await readStatements(store, entry)).map((statement) => ({
      ...statement,
      subject: statement.subject.map((s) => (s.digest.sha256 === digestHex(target) ? { ...s, digest: digestSet(to.digest) } : s)),
    }));
    const rewritten = await putAttestationManifest(store, to.digest, statements);
    return { ...rewritten, annotations: { ...entry.annotations, ...rewritten.annotations } };
  }));
}
