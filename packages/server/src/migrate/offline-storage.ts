import { CofferError } from '@coffer/sdk';
import { isHABackend, type HALock } from '../physical/ha.js';
import type { PhysicalBackend } from '../physical/types.js';

/** The lock a running server holds on HA-capable storage (the HA module's key). */
const SERVER_LOCK_KEY = 'core/lock';
/** How long to try for a storage's lock before deciding a server holds it. */
const LOCK_WAIT_MS = 3_000;

/**
 * For the offline storage commands (migrate, restore): holds the storage's
 * HA lock, so no server becomes active on it meanwhile, and refuses a
 * storage a running server holds. Null for storage without an HA lock.
 */
export async function takeServerLock(storage: PhysicalBackend, role: string): Promise<HALock | null> {
  if (!isHABackend(storage) || !storage.haEnabled) return null;
  const lock = storage.lockWith(SERVER_LOCK_KEY, JSON.stringify({ offline: role }));
  const held = await lock.acquire(AbortSignal.timeout(LOCK_WAIT_MS));
  if (!held) {
    throw new CofferError('invalid_request', `the ${role} storage (${storage.name}) is in use by a running Coffer server (its HA lock is held); stop every server on it first`);
  }
  return lock;
}

export async function refuseNonEmpty(storage: PhysicalBackend, advice: string): Promise<void> {
  if ((await storage.listPage('', '', 1)).length > 0) {
    throw new CofferError('invalid_request', `the destination storage (${storage.name}) is not empty; ${advice}`);
  }
}
