import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CofferError, getJson, putJson, type Storage } from '@coffer/sdk';

const KEY_PATH = 'hmac_key';
/** Inputs longer than this are refused before hashing, as Vault does. */
export const MAX_HMAC_INPUT_LENGTH = 4096;

/**
 * The mount's random HMAC key, kept in the mount's (barrier-encrypted)
 * storage. Secret IDs, role IDs, role names and accessors are stored only
 * as HMACs under this key, so storage never holds a usable credential.
 */
export class HmacKeyStore {
  private cached: Promise<Buffer> | undefined;

  /** The key, created on first use. Concurrent first uses share one creation. */
  key(storage: Storage): Promise<Buffer> {
    this.cached ??= this.loadOrCreate(storage).catch((err: unknown) => {
      this.cached = undefined;
      throw err;
    });
    return this.cached;
  }

  async hmac(storage: Storage, value: string): Promise<string> {
    if (Buffer.byteLength(value, 'utf8') > MAX_HMAC_INPUT_LENGTH) {
      throw new CofferError('invalid_request', `value is longer than maximum of ${MAX_HMAC_INPUT_LENGTH} bytes`);
    }
    return createHmac('sha256', await this.key(storage)).update(value, 'utf8').digest('hex');
  }

  /** Another node may have written the key: forget the cached copy. */
  invalidate(key: string): void {
    if (key === KEY_PATH) this.cached = undefined;
  }

  private async loadOrCreate(storage: Storage): Promise<Buffer> {
    const stored = await getJson<{ key: string }>(storage, KEY_PATH);
    if (stored?.key) return Buffer.from(stored.key, 'base64');
    const key = randomBytes(32);
    await putJson(storage, KEY_PATH, { key: key.toString('base64') });
    return key;
  }
}

/** Compare two hex HMACs in constant time. */
export function hmacsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
