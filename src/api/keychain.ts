// Pluggable registry credentials (see registry/keychain.ts).
export { dockerKeychain, multiKeychain, staticKeychain } from '../registry/keychain.js';
export type { Keychain } from '../registry/keychain.js';
export type { Credentials } from '../registry/credentials.js';
