import { timingSafeEqual } from 'node:crypto';
import { combine, split } from 'shamir-secret-sharing';
import { CofferError } from '@coffer/sdk';

/** Vault's bounds on a submitted key: an AES-128 key at least, an AES-256 key plus the Shamir x-coordinate at most. */
export const MIN_KEY_SHARE_BYTES = 16;
export const MAX_KEY_SHARE_BYTES = 33;

/**
 * Split the unseal key into `shares` parts, any `threshold` of which rebuild
 * it. Layout as Vault's: the y-values followed by one x-coordinate byte (so a
 * share of a 32-byte key is 33 bytes). With a single share the share is the
 * key itself, as in Vault.
 */
export async function splitUnsealKey(unsealKey: Buffer, shares: number, threshold: number): Promise<Buffer[]> {
  if (shares === 1) return [Buffer.from(unsealKey)];
  const parts = await split(new Uint8Array(unsealKey), shares, threshold);
  return parts.map((part) => Buffer.from(part));
}

/** Rebuild the unseal key from `threshold` collected shares; a malformed set is a 400. */
export async function combineKeyShares(parts: Buffer[], threshold: number): Promise<Buffer> {
  if (threshold === 1) return Buffer.from(parts[0]!);
  try {
    return Buffer.from(await combine(parts.map((part) => new Uint8Array(part))));
  } catch (err) {
    const reason = err instanceof Error ? err.message : 'unknown error';
    throw new CofferError('invalid_request', `failed to compute combined key: ${reason}`);
  }
}

/**
 * Decode a key share as Vault does: hex when it is valid hex of a plausible
 * key length (so base64 that happens to be valid hex is not misread), else
 * standard padded base64.
 */
export function decodeKeyShare(encoded: string): Buffer {
  const trimmed = encoded.trim();
  if (/^(?:[0-9a-fA-F]{2})+$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed, 'hex');
    if (bytes.length >= MIN_KEY_SHARE_BYTES && bytes.length <= MAX_KEY_SHARE_BYTES) return bytes;
  }
  if (trimmed.length === 0 || trimmed.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
    throw new CofferError('invalid_request', "'key' must be a valid hex or base64 string");
  }
  return Buffer.from(trimmed, 'base64');
}

/** Vault's length checks, applied after decoding. */
export function checkKeyShareLength(share: Buffer): void {
  if (share.length < MIN_KEY_SHARE_BYTES) {
    throw new CofferError('invalid_request', `key is shorter than minimum ${MIN_KEY_SHARE_BYTES} bytes`);
  }
  if (share.length > MAX_KEY_SHARE_BYTES) {
    throw new CofferError('invalid_request', `key is longer than maximum ${MAX_KEY_SHARE_BYTES} bytes`);
  }
}

/**
 * The shares handed in so far for one operation (unseal, rekey, generate
 * root). Shares are compared in constant time, and wiped when taken or reset.
 */
export class KeyShareCollector {
  private parts: Buffer[] = [];

  get count(): number {
    return this.parts.length;
  }

  /** False when this exact share was already given. */
  add(share: Buffer): boolean {
    for (const existing of this.parts) {
      if (existing.length === share.length && timingSafeEqual(existing, share)) return false;
    }
    this.parts.push(Buffer.from(share));
    return true;
  }

  /** Hand the shares over (the caller wipes them) and start again from zero. */
  take(): Buffer[] {
    const parts = this.parts;
    this.parts = [];
    return parts;
  }

  reset(): void {
    wipeAll(this.take());
  }
}

export function wipeAll(buffers: Buffer[]): void {
  for (const buffer of buffers) buffer.fill(0);
}
