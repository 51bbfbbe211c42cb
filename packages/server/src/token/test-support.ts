import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { InmemStorage, silentLogger, StorageView } from '@coffer/sdk';
import { createExpirationManager, type ExpirationManager } from '../expiration/manager.js';
import { TestClock } from '../expiration/test-clock.js';
import type { BlobCipher } from './batch-token.js';
import { createTokenStore, type TokenStore, type TokenStoreOptions } from './store.js';

/** AES-256-GCM with associated data, standing in for the barrier's keyring in tests. */
export function testBlobCipher(): BlobCipher {
  const key = randomBytes(32);
  return {
    encryptBlob(plain, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(aad));
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]);
    },
    decryptBlob(blob, aad) {
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(blob.subarray(blob.length - 16));
      return Buffer.concat([decipher.update(blob.subarray(12, blob.length - 16)), decipher.final()]);
    },
  };
}

export interface TokenHarness {
  store: TokenStore;
  expiration: ExpirationManager;
  clock: TestClock;
  /** The whole "physical" storage, both views included. */
  physical: InmemStorage;
  revokedSecrets: string[];
}

/** A token store and expiration manager over one in-memory storage, with a hand-driven clock. */
export function tokenHarness(overrides: Partial<TokenStoreOptions> = {}): TokenHarness {
  const clock = new TestClock();
  const physical = new InmemStorage();
  const revokedSecrets: string[] = [];
  const expiration = createExpirationManager({
    storage: new StorageView(physical, 'sys/expire/'),
    logger: silentLogger,
    now: clock.now,
    scheduler: clock,
    revokeSecret: async (lease) => void revokedSecrets.push(lease.leaseId),
    renewSecret: async () => null,
  });
  const store = createTokenStore({
    storage: new StorageView(physical, 'sys/token/'),
    expiration,
    blobCipher: testBlobCipher(),
    logger: silentLogger,
    now: clock.now,
    ...overrides,
  });
  return { store, expiration, clock, physical, revokedSecrets };
}
