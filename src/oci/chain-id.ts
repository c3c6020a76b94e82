// Chain IDs of a layer stack (OCI image-spec config.md#layer-chainid): the name of the
// filesystem that the layers up to and including each one produce.
import { sha256Digest } from './digest.js';
import type { Digest } from '../spec/index.js';

/** ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). One per layer. */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const chain: Digest[] = [];
  for (const diffId of diffIds) {
    const parent = chain.at(-1);
    chain.push(parent === undefined ? diffId : sha256Digest(`${parent} ${diffId}`));
  }
  return chain;
}
