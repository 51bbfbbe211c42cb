import { getJson, KeyedMutex, putJson, type Storage } from '@coffer/sdk';
import type { KeyPolicy } from './key-policy.js';

const POLICY_PREFIX = 'policy/';

/**
 * Named keys in the mount's storage view (so in the barrier), with a cache
 * of parsed keys and one writer at a time per key. Writers work on a copy
 * and replace the cached key only after storage accepted the new one, so a
 * failed operation leaves nothing half-written.
 */
export class KeyStore {
  private readonly cache = new Map<string, KeyPolicy>();
  private readonly locks = new KeyedMutex();
  /** 0: unlimited, as Vault's cache size 0. */
  cacheSize = 0;

  async get(storage: Storage, name: string): Promise<KeyPolicy | null> {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const policy = await getJson<KeyPolicy>(storage, POLICY_PREFIX + name);
    if (policy) this.remember(policy);
    return policy;
  }

  /** Run `work` with the key's write lock held; it sees the current stored key (or null). */
  async update<T>(storage: Storage, name: string, work: (current: KeyPolicy | null) => Promise<T>): Promise<T> {
    return this.locks.run(name, async () => {
      const current = await this.get(storage, name);
      return work(current ? structuredClone(current) : null);
    });
  }

  async put(storage: Storage, policy: KeyPolicy): Promise<void> {
    await putJson(storage, POLICY_PREFIX + policy.name, policy);
    this.remember(policy);
  }

  async delete(storage: Storage, name: string): Promise<void> {
    await storage.delete(POLICY_PREFIX + name);
    this.cache.delete(name);
  }

  async list(storage: Storage): Promise<string[]> {
    return (await storage.list(POLICY_PREFIX)).filter((k) => !k.endsWith('/'));
  }

  /** Storage changed under us (another node, a restore): forget the cached copy. */
  invalidate(storageKey: string): void {
    if (storageKey.startsWith(POLICY_PREFIX)) this.cache.delete(storageKey.slice(POLICY_PREFIX.length));
  }

  private remember(policy: KeyPolicy): void {
    this.cache.delete(policy.name);
    this.cache.set(policy.name, policy);
    // Oldest entries first in a Map: drop them past the configured size.
    while (this.cacheSize > 0 && this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }
}
