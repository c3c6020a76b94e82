// Pluggable registry credentials (see registry/keychain.ts).
export { dockerKeychain, multiKeychain, staticKeychain } from '../registry/index.js';
export type { Keychain } from '../registry/index.js';
export type { Credentials } from '../registry/index.js';
