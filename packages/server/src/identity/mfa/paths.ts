import type { PathDefinition } from '@coffer/sdk';
import type { IdentityStore } from '../store.js';
import { loginEnforcementPaths } from './path-login-enforcement.js';
import { totpMethodPaths } from './path-totp-method.js';

/** identity/mfa/…: login MFA methods and enforcements (the login side is core/modules/mfa-module.ts). */
export function mfaPaths(store: IdentityStore): PathDefinition[] {
  return [...totpMethodPaths(store), ...loginEnforcementPaths(store)];
}
