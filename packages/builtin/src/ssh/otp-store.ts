import { randomUUID } from 'node:crypto';
import { getJson, putJson, type Storage } from '@coffer/sdk';
import type { SshContext } from './context.js';

/** What an issued one-time password is good for, stored under "otp/<HMAC of the password>". */
export interface OtpEntry {
  username: string;
  ip: string;
  role_name: string;
}

const OTP_PREFIX = 'otp/';

/** Issues a new one-time password; only its HMAC reaches storage. */
export async function issueOtp(ctx: SshContext, storage: Storage, entry: OtpEntry): Promise<{ otp: string; hmac: string }> {
  const otp = randomUUID();
  const hmac = await ctx.hmacKey.hmac(storage, otp);
  await putJson(storage, OTP_PREFIX + hmac, entry);
  return { otp, hmac };
}

/**
 * Uses up a one-time password: returns what it was issued for and deletes it,
 * under a per-password lock so two verifications cannot both succeed.
 */
export async function consumeOtp(ctx: SshContext, storage: Storage, otp: string): Promise<OtpEntry | null> {
  const hmac = await ctx.hmacKey.hmac(storage, otp);
  return ctx.locks.run(`otp:${hmac}`, async () => {
    const entry = await getJson<OtpEntry>(storage, OTP_PREFIX + hmac);
    if (!entry) return null;
    await storage.delete(OTP_PREFIX + hmac);
    return entry;
  });
}

/** Revocation of the lease deletes a password that was never used. */
export async function deleteOtpByHmac(storage: Storage, hmac: string): Promise<void> {
  await storage.delete(OTP_PREFIX + hmac);
}
