import type { UsedCodes } from './used-codes.js';

/** What the TOTP engine's path groups share within one mount. */
export interface TotpContext {
  /** Milliseconds since the epoch; tests inject a clock to step through periods. */
  now(): number;
  usedCodes: UsedCodes;
}
