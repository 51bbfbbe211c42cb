import type { Logger } from '@coffer/sdk';
import type { KeyLocks } from './key-locks.js';
import type { MountConfigStore } from './mount-config.js';
import type { Clock } from './time.js';

/** What the path groups of one version 2 mount share. */
export interface VersionedContext {
  config: MountConfigStore;
  locks: KeyLocks;
  now: Clock;
  logger: Logger;
}
