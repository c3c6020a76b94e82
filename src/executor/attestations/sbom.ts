export async function sbomAttestation(..._a: unknown[]): Promise<never> { throw new Error('todo'); }
