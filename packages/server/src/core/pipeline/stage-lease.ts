import { leasesArePassthrough } from '../../mounts/mount-type-rules.js';
import type { MountEntry } from '../../mounts/mount-entry.js';
import type { LeasePort } from '../ports.js';
import { resultOf, routeOf, type Stage } from './stage.js';

export interface LeaseStageDeps {
  leases: Pick<LeasePort, 'registerSecret'>;
  mountTtls: (entry: MountEntry) => { defaultTtl: number; maxTtl: number };
}

/** lease: a secret in the response gets a lease (unless the mount type only reports a TTL hint). */
export function leaseStage(deps: LeaseStageDeps): Stage {
  return async (ctx, next) => {
    const secret = ctx.response?.secret;
    if (secret) {
      const route = routeOf(ctx);
      const result = resultOf(ctx);
      const ttls = deps.mountTtls(route.entry);
      if (secret.leaseId) {
        // A renewal answers with the lease it renewed: nothing new to register.
        result.leaseId = secret.leaseId;
        result.leaseDuration = secret.ttl;
        result.renewable = secret.renewable;
      } else if (leasesArePassthrough(route.entry)) {
        result.leaseDuration = secret.ttl || ttls.defaultTtl;
      } else {
        const lease = await deps.leases.registerSecret({
          path: ctx.incoming.path,
          clientToken: ctx.caller?.id ?? '',
          response: ctx.response!,
          defaultTtl: ttls.defaultTtl,
          maxTtl: ttls.maxTtl,
        });
        result.leaseId = lease.leaseId;
        result.leaseDuration = lease.ttl;
        result.renewable = lease.renewable;
      }
    }
    await next();
  };
}
