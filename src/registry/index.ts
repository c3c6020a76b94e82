// The public surface of src/registry: what other modules may import from it.
export { BodyLimit, readErrorText, readLimited } from './bodies.js';
export { RegistryClient } from './client.js';
export type { RegistryClientOptions, RegistryOptions } from './client.js';
export { eraseCredentials, storeCredentials } from './credentials.js';
export type { Credentials } from './credentials.js';
export { RegistryError } from './errors.js';
export { dockerKeychain, multiKeychain, staticKeychain } from './keychain.js';
export type { Keychain } from './keychain.js';
export type { ProgressCallback, TransferProgress } from './progress.js';
export { pullImage } from './pull.js';
export type { PulledManifest, PullOptions, PullResult } from './pull.js';
export { pushImage } from './push.js';
export type { PushResult } from './push.js';
export { isTemporaryStatus } from './errors.js';
export { isRetryable } from './transport.js';
