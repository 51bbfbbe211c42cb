import { LruCache } from '../policy/lru-cache.js';

/** Entries kept; each costs its plaintext in memory. */
const DEFAULT_ENTRIES = 2048;
/** Larger values are not kept: the cache is for small hot entries (token entries, policies, kv metadata). */
const MAX_VALUE_BYTES = 16 * 1024;

/**
 * Decrypted barrier entries, so a hot entry is not decrypted on every read.
 * Bounded (entries and value size), emptied (and its buffers zeroed) at
 * seal and on a keyring reload, updated by every write through the
 * barrier, and told by the invalidation mechanism about writes made below
 * it. Memory only: nothing here ever reaches storage unencrypted.
 *
 * A read that overlapped a write must not store what it read (it may be the
 * older value): the generation counter catches that.
 */
export class PlaintextCache {
  private readonly entries: LruCache<string, Buffer>;
  private generation = 0;

  constructor(
    capacity = DEFAULT_ENTRIES,
    private readonly maxValueBytes = MAX_VALUE_BYTES,
  ) {
    this.entries = new LruCache(capacity);
  }

  /** A copy (callers may change the buffer they get). */
  get(key: string): Buffer | undefined {
    const value = this.entries.get(key);
    return value ? Buffer.from(value) : undefined;
  }

  readStarted(): number {
    return this.generation;
  }

  /** Keep what a read decrypted, unless a write happened since the read started. */
  fill(key: string, value: Buffer, readStarted: number): void {
    if (readStarted !== this.generation || value.length > this.maxValueBytes) return;
    this.entries.set(key, Buffer.from(value));
  }

  /** Before and after a write or delete of `key` (and when it changed below the barrier). */
  forget(key: string): void {
    this.generation++;
    const old = this.entries.get(key);
    old?.fill(0);
    this.entries.delete(key);
  }

  clear(): void {
    this.generation++;
    for (const value of this.entries.values()) value.fill(0);
    this.entries.clear();
  }
}
