import { Secret, TOTP } from 'otpauth';
import type { TotpKey } from './key-entry.js';

/** The code of the period that contains `timestampMs` (RFC 6238). */
export function generateCode(key: TotpKey, timestampMs: number): string {
  return TOTP.generate({
    secret: Secret.fromBase32(key.key),
    algorithm: key.algorithm,
    digits: key.digits,
    period: key.period,
    timestamp: timestampMs,
  });
}

/** Is `code` the code of the current period or of one within `skew` periods of it? Compared in constant time. */
export function codeIsValid(key: TotpKey, code: string, timestampMs: number): boolean {
  if (code.length !== key.digits) return false;
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(key.key),
    algorithm: key.algorithm,
    digits: key.digits,
    period: key.period,
    timestamp: timestampMs,
    window: key.skew,
  });
  return delta !== null;
}

/**
 * Normalizes a base32 secret as Vault accepts it (any case, padding
 * optional), or undefined when it is not base32.
 */
export function normalizeBase32(text: string): string | undefined {
  const upper = text.trim().toUpperCase().replace(/=+$/, '');
  if (upper === '' || !/^[A-Z2-7]+$/.test(upper)) return undefined;
  // Lengths that no whole number of bytes encodes to.
  if ([1, 3, 6].includes(upper.length % 8)) return undefined;
  return upper;
}
