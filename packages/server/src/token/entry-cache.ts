import { LruCache } from '../policy/lru-cache.js';
import type { TokenEntry } from './token-entry.js';

/** Enough for every token of a busy server; an evicted entry only costs one storage read. */
const DEFAULT_CAPACITY = 4096;
/**
 * Writes through this process invalidate at once; the age limit only bounds
 * how long a write made by another process sharing the storage goes unseen.
 */
const DEFAULT_MAX_AGE_MS = 1000;

interface Cached {
  entry: TokenEntry;
  storedAt: number;
}

/**
 * Parsed token entries by salted id. Every authenticated request looks its
 * token up; without this each one decrypts and parses the same entry again.
 * An entry holds no secret (the raw token id is blanked), only what storage
 * holds, and it is exactly coherent with storage inside this process: the
 * token store calls invalidate() before and after every write or delete of
 * an entry, and a read that overlapped a write never fills the cache (the
 * generation check), so revocation and use counts are seen by the very next
 * request. Callers get their own copy: they set `id` and change `numUses`.
 */
export class TokenEntryCache {
  private readonly entries: LruCache<string, Cached>;
  /** Bumped by every write; a read that started before a write must not store what it read. */
  private generation = 0;

  constructor(
    capacity = DEFAULT_CAPACITY,
    private readonly maxAgeMs = DEFAULT_MAX_AGE_MS,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.entries = new LruCache(capacity);
  }

  get(key: string): TokenEntry | undefined {
    const cached = this.entries.get(key);
    if (!cached) return undefined;
    if (this.clock() - cached.storedAt > this.maxAgeMs) {
      this.entries.delete(key);
      return undefined;
    }
    return copyEntry(cached.entry);
  }

  /** Call before reading storage; pass the result to set(). */
  readStarted(): number {
    return this.generation;
  }

  set(key: string, entry: TokenEntry, readStarted: number): void {
    if (readStarted !== this.generation) return;
    this.entries.set(key, { entry: { ...copyEntry(entry), id: '' }, storedAt: this.clock() });
  }

  invalidate(key: string): void {
    this.generation++;
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

function copyEntry(entry: TokenEntry): TokenEntry {
  return {
    ...entry,
    policies: [...entry.policies],
    boundCidrs: [...entry.boundCidrs],
    meta: entry.meta ? { ...entry.meta } : null,
  };
}
