import type { KeyedMutex, SystemView } from '@coffer/sdk';
import type { HmacKeyStore } from '../approle/hmac-key.js';

/** What the SSH engine's path groups share within one mount. */
export interface SshContext {
  system: SystemView;
  /** Milliseconds since the epoch; tests inject a clock to sign certificates in the past. */
  now(): number;
  /** Serializes CA configuration. */
  locks: KeyedMutex;
  /** One-time passwords are stored only as HMACs under this mount's key. */
  hmacKey: HmacKeyStore;
}
