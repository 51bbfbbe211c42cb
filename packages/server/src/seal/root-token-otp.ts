import { randomInt } from 'node:crypto';
import { CofferError } from '@coffer/sdk';

/**
 * Generate-root's one-time-pad encoding, as modern Vault does it: the OTP is
 * a base62 string exactly as long as the root token ("hvs." + 24 characters
 * = 28), the token's bytes are XORed with the OTP's bytes, and the result is
 * sent as unpadded standard base64 (`encoded_token`). `vault operator
 * generate-root -decode=… -otp=…` reverses it.
 */
export const ROOT_TOKEN_OTP_LENGTH = 28;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function generateOtp(length = ROOT_TOKEN_OTP_LENGTH): string {
  let otp = '';
  // randomInt is unbiased, unlike taking a random byte modulo 62
  for (let i = 0; i < length; i++) otp += BASE62[randomInt(BASE62.length)];
  return otp;
}

export function encodeRootToken(token: string, otp: string): string {
  return xor(Buffer.from(token, 'utf8'), Buffer.from(otp, 'utf8')).toString('base64').replace(/=+$/, '');
}

/** Recover the root token from generate-root's `encoded_token` and the OTP given at init (for the CLI's `-decode`). */
export function decodeRootToken(encoded: string, otp: string): string {
  const trimmed = encoded.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed)) {
    throw new CofferError('invalid_request', 'the encoded token is not valid base64');
  }
  return xor(Buffer.from(trimmed, 'base64'), Buffer.from(otp, 'utf8')).toString('utf8');
}

function xor(a: Buffer, b: Buffer): Buffer {
  if (a.length !== b.length) {
    throw new CofferError('invalid_request', `the OTP is ${b.length} bytes but the token is ${a.length}: they must be the same length`);
  }
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}
