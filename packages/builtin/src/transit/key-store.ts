import { getJson, KeyedMutex, putJson, type Storage } from '@coffer/sdk';
import type { KeyPolicy, KeyVersion } from './key-policy.js';

const POLICY_PREFIX = 'policy/';
const ARCHIVE_PREFIX = 'archive/';

/**
 * Named keys in the mount's storage view (so in the barrier), with a cache
 * of parsed keys and one writer at a time per key. Writers work on a copy
 * and replace the cached key only after storage accepted the new one, so a
 * failed operation leaves nothing half-written.
 *
 * As in Vault, a key's stored document holds only the versions that may
 * still decrypt (from min_decryption_version); older ones wait in an
 * archive document, so keys rotated for years stay quick to load, and come
 * back if min_decryption_version is lowered again. Readers see the active
 * versions; writers see every version.
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

  /** Run `work` with the key's write lock held; it sees a copy of the stored key with every version (or null). */
  async update<T>(storage: Storage, name: string, work: (current: KeyPolicy | null) => Promise<T>): Promise<T> {
    return this.locks.run(name, async () => {
      const current = await this.get(storage, name);
      if (!current) return work(null);
      const copy = structuredClone(current);
      const archived = await getJson<{ keys: Record<string, KeyVersion> }>(storage, ARCHIVE_PREFIX + name);
      copy.keys = { ...(archived?.keys ?? {}), ...copy.keys };
      return work(copy);
    });
  }

  /** Store a key (with every version, as update() handed it out): active versions in the key, older ones archived. Returns the key as readers now see it. */
  async put(storage: Storage, policy: KeyPolicy): Promise<KeyPolicy> {
    const active: Record<string, KeyVersion> = {};
    const archived: Record<string, KeyVersion> = {};
    for (const [version, entry] of Object.entries(policy.keys)) {
      (Number(version) >= policy.min_decryption_version ? active : archived)[version] = entry;
    }
    // The archive first: a crash in between leaves versions in both places, never in neither.
    if (Object.keys(archived).length > 0) await putJson(storage, ARCHIVE_PREFIX + policy.name, { keys: archived });
    else await storage.delete(ARCHIVE_PREFIX + policy.name);
    const stored: KeyPolicy = { ...policy, keys: active };
    await putJson(storage, POLICY_PREFIX + policy.name, stored);
    this.remember(stored);
    return stored;
  }

  async delete(storage: Storage, name: string): Promise<void> {
    await storage.delete(POLICY_PREFIX + name);
    await storage.delete(ARCHIVE_PREFIX + name);
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
