import { StorageView } from '@coffer/sdk';
import { createExpirationManager, leasePaths } from '../../expiration/index.js';
import { callBackend } from '../backend-calls.js';
import { mountTtls } from '../system-view.js';
import type { CoreModule } from './module.js';

/**
 * The lease manager. Leases call back into the router to reach the backend
 * that issued them. It is built here; leases are restored by the leases
 * module once the mounts that issued them are loaded.
 */
export const expirationModule: CoreModule = {
  name: 'expiration',
  needs: ['barrier', 'router', 'systemTtls'],
  uses: ['identity'],
  provides: ['expiration'],
  build(ctx) {
    const router = ctx.get('router');
    const systemTtls = ctx.get('systemTtls');
    const identity = ctx.later('identity');
    const expiration = createExpirationManager({
      storage: new StorageView(ctx.get('barrier'), 'sys/expire/'),
      logger: ctx.logger,
      revokeSecret: async (lease) => {
        await callBackend(router, lease.path, 'revoke', { secret: lease.secret, data: lease.data ?? {} });
      },
      renewSecret: (lease, increment) => callBackend(router, lease.path, 'renew', { secret: { ...lease.secret!, increment }, data: lease.data ?? {} }),
      renewAuth: async (lease, increment, connection) => {
        const response = await callBackend(router, lease.path, 'renew', { auth: { ...lease.auth!, increment }, data: {}, ...(connection ? { connection } : {}) });
        return identity().afterRenewal({ leaseAuth: lease.auth, mountAccessor: router.match(lease.path)?.entry.accessor, response });
      },
      mountTtls: (path) => {
        const route = router.match(path);
        return route ? mountTtls(route.entry, systemTtls()) : null;
      },
    });
    return { services: { expiration }, sysPaths: leasePaths(expiration) };
  },
};
