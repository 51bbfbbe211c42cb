export { createTokenStore, TokenStore, type CreatedToken, type LoginTokenInput, type TokenStoreOptions } from './store.js';
export { createTokenBackend, type TokenBackendOptions } from './backend.js';
export { createLeasePort, createTokenPort, tokenInfoOf, type StoreTokenInfo } from './core-ports.js';
export type { CreateTokenParams } from './create-plan.js';
export type { BlobCipher } from './batch-token.js';
export type { TokenEntry } from './token-entry.js';
export { tokenLeaseId } from './token-entry.js';
export type { TokenRole, RoleInput } from './role.js';
export { BATCH_TOKEN_PREFIX, SERVICE_TOKEN_PREFIX, isBatchTokenId } from './token-id.js';
