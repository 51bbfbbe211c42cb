import { leaseStage } from '../pipeline/stage-lease.js';
import { mountTtls } from '../system-view.js';
import type { CoreModule } from './module.js';

/**
 * Leases in the request path: the lease stage registers secrets' leases;
 * when the node becomes active (at unseal without HA), stored leases begin
 * restoring in the background (their mounts are loaded by then: this module
 * needs the mount table), and the lease timers stop at step-down and seal.
 */
export const leasesModule: CoreModule = {
  name: 'leases',
  needs: ['expiration', 'tokens', 'mounts', 'systemTtls'],
  build(ctx) {
    const expiration = ctx.get('expiration');
    const systemTtls = ctx.get('systemTtls');
    return {
      stages: [{ name: 'lease', stage: leaseStage({ leases: ctx.get('tokens').leases, mountTtls: (entry) => mountTtls(entry, systemTtls()) }) }],
      // Only the active node expires leases (a standby would revoke what the active one still serves).
      active: {
        // Leases load in the background: with a million of them the server answers at once, and
        // lookups, revocations and expiries work on storage until the in-memory index is complete.
        start: async () => {
          void expiration.restore().catch((err: unknown) => ctx.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'restoring leases failed'));
        },
        stop: async () => expiration.stop(),
      },
      stop: async () => expiration.stop(),
    };
  },
};
