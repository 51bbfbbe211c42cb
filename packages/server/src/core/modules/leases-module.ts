import { leaseStage } from '../pipeline/stage-lease.js';
import { mountTtls } from '../system-view.js';
import type { CoreModule } from './module.js';

/**
 * Leases in the request path: the lease stage registers secrets' leases;
 * at start, stored leases are restored (their mounts are loaded by then:
 * this module needs the mount table), and the lease timers stop at seal.
 */
export const leasesModule: CoreModule = {
  name: 'leases',
  needs: ['expiration', 'tokens', 'mounts', 'systemTtls'],
  build(ctx) {
    const expiration = ctx.get('expiration');
    const systemTtls = ctx.get('systemTtls');
    return {
      stages: [{ name: 'lease', stage: leaseStage({ leases: ctx.get('tokens').leases, mountTtls: (entry) => mountTtls(entry, systemTtls()) }) }],
      start: () => expiration.restore(),
      stop: async () => expiration.stop(),
    };
  },
};
