import { StorageView } from '@coffer/sdk';
import { PasswordPolicyStore, passwordPolicySysPaths } from '../../password-policy/index.js';
import type { CoreModule } from './module.js';

/**
 * Password policies (sys/policies/password): stored under sys/password_policy/
 * and read on every use (no cache to invalidate); backends generate from them
 * through their system view.
 */
export const passwordPolicyModule: CoreModule = {
  name: 'password-policies',
  needs: ['barrier'],
  provides: ['passwordPolicies'],
  build(ctx) {
    const passwordPolicies = new PasswordPolicyStore(new StorageView(ctx.get('barrier'), 'sys/password_policy/'));
    return { services: { passwordPolicies }, sysPaths: passwordPolicySysPaths(passwordPolicies) };
  },
};
