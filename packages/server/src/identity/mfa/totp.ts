import { randomBytes } from 'node:crypto';
import { codeIsValid } from '@coffer/builtin/totp/codes.js';
import { keyUrl } from '@coffer/builtin/totp/otpauth-url.js';
import { barcodePng } from '@coffer/builtin/totp/barcode.js';
import type { TotpMethod, TotpSecret } from './records.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** A fresh secret of the method's key size for an account. */
export function newTotpSecret(method: TotpMethod, accountName: string): TotpSecret {
  return { key: base32(randomBytes(method.keySize)), accountName };
}

function asKey(method: TotpMethod, secret: TotpSecret) {
  return { key: secret.key, issuer: method.issuer, account_name: secret.accountName, period: method.period, algorithm: method.algorithm, digits: method.digits, skew: method.skew };
}

/** The otpauth:// URL and (when the method's qr_size is not 0) the QR code PNG, base64, an authenticator app reads. */
export async function enrollment(method: TotpMethod, secret: TotpSecret): Promise<{ url: string; barcode: string }> {
  const url = keyUrl(asKey(method, secret));
  return { url, barcode: method.qrSize > 0 ? await barcodePng(url, method.qrSize) : '' };
}

/** Is the passcode valid now (within the method's skew), compared in constant time by the TOTP engine's algorithm. */
export function passcodeIsValid(method: TotpMethod, secret: TotpSecret, passcode: string, nowMs: number): boolean {
  return /^[0-9]+$/.test(passcode) && codeIsValid(asKey(method, secret), passcode, nowMs);
}
