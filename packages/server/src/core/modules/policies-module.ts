import { StorageView } from '@coffer/sdk';
import { createPolicyStore, policyAclPort, policySysPaths } from '../../policy/index.js';
import type { CoreModule } from './module.js';

/** Policies: the store (with its cache), the ACL port the pipeline and sys/ use, and sys/policy paths. */
export const policiesModule: CoreModule = {
  name: 'policies',
  needs: ['barrier'],
  provides: ['policies', 'acl'],
  async build(ctx) {
    const policies = createPolicyStore({ storage: new StorageView(ctx.get('barrier'), 'sys/policy/'), logger: ctx.logger });
    return {
      services: { policies, acl: policyAclPort(policies) },
      sysPaths: policySysPaths(policies),
      start: () => policies.setupDefaults(),
    };
  },
};
