import { createHmac, randomBytes } from 'node:crypto';
import type { Storage } from '@coffer/sdk';

const SALT_KEY = 'salt';

/**
 * Token ids and accessors are stored under an HMAC-SHA256 of the id keyed
 * with a random per-cluster salt, so that reading storage (or a backup)
 * never yields a usable token. The "h" prefix is Vault's marker for
 * HMAC-salted ids.
 */
export class TokenSalt {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly storage: Storage) {}

  async saltId(id: string): Promise<string> {
    const key = await this.loadKey();
    return 'h' + createHmac('sha256', key).update(id).digest('hex');
  }

  private loadKey(): Promise<Buffer> {
    this.key ??= (async () => {
      const entry = await this.storage.get(SALT_KEY);
      if (entry) return Buffer.from((JSON.parse(entry.value.toString('utf8')) as { key: string }).key, 'base64');
      const key = randomBytes(32);
      await this.storage.put({ key: SALT_KEY, value: Buffer.from(JSON.stringify({ key: key.toString('base64') }), 'utf8') });
      return key;
    })().catch((err: unknown) => {
      this.key = undefined;
      throw err;
    });
    return this.key;
  }
}
