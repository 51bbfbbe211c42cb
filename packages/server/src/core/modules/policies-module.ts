import { StorageView } from '@coffer/sdk';
import { createPolicyStore, policyAclPort, policySysPaths } from '../../policy/index.js';
import type { CoreModule } from './module.js';

/** Policies: the store (with its cache), the ACL port the pipeline and sys/ use, and sys/policy paths. */
const POLICY_PREFIX = 'sys/policy/';

export const policiesModule: CoreModule = {
  name: 'policies',
  needs: ['barrier'],
  provides: ['policies', 'acl'],
  async build(ctx) {
    const policies = createPolicyStore({ storage: new StorageView(ctx.get('barrier'), POLICY_PREFIX), logger: ctx.logger });
    return {
      services: { policies, acl: policyAclPort(policies) },
      sysPaths: policySysPaths(policies),
      invalidation: [{ prefix: POLICY_PREFIX, invalidate: (key) => policies.invalidate(key.slice(POLICY_PREFIX.length)), invalidateAll: () => policies.invalidateAll() }],
      start: () => policies.setupDefaults(),
    };
  },
};
