export { createExpirationManager } from './manager.js';
export type {
  ExpirationManager,
  ExpirationManagerOptions,
  IrrevocableLease,
  LeaseLookup,
  LeaseOwner,
  LeaseTimes,
  RegisterAuthInput,
  RegisterSecretInput,
  RevocationState,
  Scheduler,
} from './manager.js';
export type { LeaseEntry } from './lease-entry.js';
export { calculateTtl, type MountTtls, type TtlInput } from './ttl.js';
export { formatTime, goDuration } from './time-format.js';
export { base62Random } from './random-id.js';
export { leasePaths, leaseRootPaths } from './sys-paths.js';
