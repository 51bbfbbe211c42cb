import { AsyncLocalStorage } from 'node:async_hooks';
import { CofferError } from '@coffer/sdk';
import type { PhysicalBackend } from '../physical/types.js';

/** A read a performance standby is serving itself. */
interface StandbyRead {
  /** Set when the request tried to write to storage: the active node must serve it instead. */
  blocked: boolean;
}

const current = new AsyncLocalStorage<StandbyRead>();

/** Runs `serve` as a standby's local read: any storage write it attempts fails and marks it blocked. */
export function serveAsStandbyRead(serve: () => void): void {
  current.run({ blocked: false }, serve);
}

/**
 * Runs `work` outside any standby read: background work a read merely
 * triggered (e.g. a change-feed catch-up starting a plugin reload) may write.
 */
export function outsideStandbyRead<T>(work: () => T): T {
  return current.exit(work);
}

/** True when the request being handled is a standby read that tried to write (it must go to the active node). */
export function standbyReadBlocked(): boolean {
  return current.getStore()?.blocked === true;
}

/**
 * The physical storage of a node whose standby serves reads: inside a
 * standby read, puts, deletes and transactions are refused (nothing is
 * written) and the request is marked for the active node. Everything else,
 * the HA capabilities included, passes through.
 */
export function refuseWritesInStandbyReads(physical: PhysicalBackend): PhysicalBackend {
  const guarded = new Set<PropertyKey>(['put', 'delete', 'transaction']);
  return new Proxy(physical, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (!guarded.has(prop)) return fn.bind(target);
      return (...args: unknown[]) => {
        const read = current.getStore();
        if (read) {
          read.blocked = true;
          return Promise.reject(new CofferError('unavailable', 'this request needs the active node (a standby does not write to storage)'));
        }
        return fn.apply(target, args);
      };
    },
  });
}
