// The OCI document types live in src/spec/types.ts; re-exported for the oci module's users.
export * from '../spec/types.js';
