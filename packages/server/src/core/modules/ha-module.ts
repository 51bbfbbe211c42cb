import type { HaNode } from '../../ha/ha-node.js';
import { writeHeartbeat } from '../../ha/heartbeat.js';
import { haSysPaths } from '../../ha/sys-paths.js';
import { REPORTED_VERSION } from '../version.js';
import type { CoreModule } from './module.js';

/** How often each unsealed node records that it is alive (sys/ha-status). */
const HEARTBEAT_INTERVAL_MS = 5000;

/**
 * Active/standby. Without HA (`node` undefined) this node is active as soon
 * as it is unsealed. With HA, once every module has started it contends for
 * the lock at `core/lock`: while it holds it, it is the active node and the
 * modules' `active` work runs (lease expiry, periodic functions); otherwise
 * it is a standby whose caches follow the storage changes other nodes make,
 * through the one invalidation mechanism. Promotion first re-reads every
 * cache; losing the lock stops the active work at once.
 */
export function haModule(node: HaNode | undefined): CoreModule {
  return {
    name: 'ha',
    // Built after the tables and caches it keeps current (and whose active work it starts).
    needs: ['barrier', 'invalidator', 'mounts', 'policies', 'tokens', 'expiration'],
    build(ctx) {
      const barrier = ctx.get('barrier');
      const invalidator = ctx.get('invalidator');
      const work = ctx.activeWork();
      const sysPaths = haSysPaths(node, barrier);
      if (!node) return { sysPaths, ready: () => work.start() };

      let heartbeat: NodeJS.Timeout | undefined;
      const beat = () =>
        writeHeartbeat(barrier.unreported, {
          node_id: node.self.nodeId,
          hostname: node.options.hostname,
          api_address: node.self.apiAddress,
          cluster_address: node.self.clusterAddress,
          version: REPORTED_VERSION,
          last_echo: new Date().toISOString(),
        }).catch((err: unknown) => ctx.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'writing the HA heartbeat failed'));
      return {
        sysPaths,
        ready: async () => {
          node.cluster?.attach(barrier);
          await node.start({
            changed: async (key) => {
              // The decrypted copy first: the caches above re-read through the barrier.
              barrier.forgetCached(key);
              await invalidator.invalidate(key);
            },
            gap: () => invalidator.invalidateAll(),
            becomeActive: async () => {
              await invalidator.invalidateAll();
              await work.start();
              // The cluster port (cluster_addr) serves forwarded requests while this node is active.
              await node.cluster?.activate();
            },
            becomeStandby: async () => {
              await work.stop();
              // Not awaited: the step-down may itself be a request in flight on the cluster port, which the close waits for.
              void node.cluster?.deactivate();
            },
          });
          await beat();
          heartbeat = setInterval(() => void beat(), HEARTBEAT_INTERVAL_MS);
          heartbeat.unref();
        },
        stop: async () => {
          clearInterval(heartbeat);
          await node.stop();
          await node.cluster?.detach();
        },
      };
    },
  };
}
