/** What one build of the auth-api-key plugin is (see main-v1.ts and main-v2.ts). */
export interface Edition {
  /** What the plugin reports through runningVersion. */
  version: string;
  /**
   * Version 2's new feature: each login records the time on the key
   * (`last_login_time`, shown by reads of keys/<name>) and the token's
   * metadata names the plugin version that issued it. Version 1 ignores the
   * extra stored field, so going back to it is safe.
   */
  trackLogins: boolean;
}

export const V1: Edition = { version: 'v1.0.0', trackLogins: false };
export const V2: Edition = { version: 'v2.0.0', trackLogins: true };
