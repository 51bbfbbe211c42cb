import type { PasswordHash, ScryptParams } from './password-hash.js';

/** What the userpass path groups share within one mount. */
export interface UserpassContext {
  /** Cost of newly written password hashes. */
  hashParams: ScryptParams;
  /** Checked against for unknown users, so their logins cost the same as real ones. */
  dummyHash: PasswordHash;
}

export const usernameField = { type: 'string', description: 'Name of the user (case-insensitive).' } as const;
