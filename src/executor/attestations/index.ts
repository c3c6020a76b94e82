// The attestations of each platform image of a build (`BuildOptions.attestations`).
import type { Attestation } from '../../oci/index.js';
import type { BuildContext } from '../context.js';
import type { BuiltPlatformImage } from '../exporters/exporter.js';
import type { BuildState } from '../state.js';
import { provenanceAttestation, type BuildTimes } from './provenance.js';
import type { SbomScan } from './sbom.js';

export { sbomScanOf, stageResults } from './sbom.js';

export { mergeAttestations, parseAttestation, shorthandAttestation } from './requests.js';
export type { AttestationFlag, AttestationRequest, ProvenanceRequest, SbomRequest } from './requests.js';

export async function imageAttestations(
  ctx: BuildContext, state: BuildState, image: BuiltPlatformImage, times: BuildTimes,
  withRootfs: (action: (rootfs: string) => unknown) => Promise<void>, scan?: SbomScan,
): Promise<Attestation[]> {
  const attestations: Attestation[] = [];
  for (const request of ctx.options.attestations ?? []) {
    if (request.type === 'provenance') attestations.push(await provenanceAttestation(ctx, state, image.platform, request, times));
    else {
      const { sbomAttestations } = await import('./sbom.js');
      attestations.push(...(await sbomAttestations(ctx, state, image, scan, times.startedOn, withRootfs)));
    }
  }
  return attestations;
}
