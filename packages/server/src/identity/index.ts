export { createIdentityBackend } from './backend.js';
export { entityForLogin, refreshExternalGroups } from './login.js';
export { identityAfterRenewal } from './renewal.js';
export { identityPolicies, requestIdentity } from './request-identity.js';
export { identityLoginPoliciesStage, identityLoginStage, identityStage } from './stages.js';
export { IdentityStore, type IdentityStoreDeps } from './store.js';
export type { Entity, EntityAlias, Group, GroupAlias, MountInfo } from './types.js';
