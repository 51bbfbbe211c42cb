import { createHash, randomBytes } from 'node:crypto';
import { KeyedMutex } from '../concurrency/keyed-mutex.js';
import { CofferError } from '../errors.js';
import type { Storage } from './storage.js';

/** A fresh unguessable token: 32 random bytes, base64url. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** What is stored for a token: the caller's value and when it stops being valid. */
interface StoredRecord<T> {
  /** Milliseconds since the epoch. */
  expiresAt: number;
  value: T;
}

export interface TokenRecordsOptions {
  /** Where the records live in the backend's storage (ends with '/', holds nothing else). */
  prefix: string;
  /** Milliseconds since the epoch; injectable so tests can expire records without waiting. */
  now?: () => number;
  /**
   * At most this many records may exist at once; create() refuses more
   * (429) until some are used or expire. For records unauthenticated
   * callers can create.
   */
  maxRecords?: number;
  /** What the records are, for the refusal's message ("pending OIDC logins"). */
  describe?: string;
}

/**
 * How long a count of the records is trusted before it is taken again from
 * storage, and how often a create that finds the limit reached may sweep the
 * expired records first (so a flood of creates does not read everything on
 * every request).
 */
const RECOUNT_MS = 10_000;

/**
 * Short-lived records found by a random token their holder presents (an
 * OAuth state, an authorization code, an access token), kept in a backend's
 * storage so that every node of a cluster finds them and they survive a
 * failover; the barrier encrypts them at rest. A record is stored under
 * the SHA-256 of its token, never the token itself: whoever can list or read
 * the storage keys cannot present them. Using or removing one is a storage
 * write, so a performance standby's read that needs it is handed to the
 * active node.
 */
export class TokenRecords<T> {
  private readonly mutex = new KeyedMutex();
  private readonly now: () => number;
  /** Records under the prefix as last counted, kept up to date by this node's own writes. */
  private counted: { at: number; n: number } | undefined;
  private lastSweepAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: TokenRecordsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The storage key of a token's record. */
  keyOf(token: string): string {
    return this.options.prefix + createHash('sha256').update(token, 'utf8').digest('base64url');
  }

  /** Stores `value` under a fresh token (or the one given), valid for `ttlMs`; returns the token. */
  async create(storage: Storage, value: T, ttlMs: number, token: string = randomToken()): Promise<string> {
    const max = this.options.maxRecords;
    if (max !== undefined) {
      let n = await this.count(storage);
      if (n >= max && this.now() - this.lastSweepAt >= RECOUNT_MS) {
        await this.sweep(storage);
        n = await this.count(storage);
      }
      if (n >= max) {
        throw new CofferError('rate_limited', `too many ${this.options.describe ?? 'records'} (at most ${max}); retry in a few minutes`);
      }
    }
    const record: StoredRecord<T> = { expiresAt: this.now() + ttlMs, value };
    await storage.put({ key: this.keyOf(token), value: Buffer.from(JSON.stringify(record), 'utf8') });
    if (this.counted) this.counted.n++;
    return token;
  }

  /**
   * The token's value, removed so that it cannot be used again; undefined
   * when unknown or expired (an expired record is removed too). Uses of one
   * token are serialized, so two concurrent ones cannot both get the value.
   */
  async take(storage: Storage, token: string): Promise<T | undefined> {
    if (token === '') return undefined;
    const key = this.keyOf(token);
    return this.mutex.run(key, async () => {
      const record = await this.read(storage, key);
      if (record === null) return undefined;
      await this.remove(storage, key);
      return record !== undefined && record.expiresAt > this.now() ? record.value : undefined;
    });
  }

  /** The token's value, left in place; undefined when unknown or expired (an expired record is removed). */
  async find(storage: Storage, token: string): Promise<T | undefined> {
    if (token === '') return undefined;
    const key = this.keyOf(token);
    const record = await this.read(storage, key);
    if (record === null) return undefined;
    if (record !== undefined && record.expiresAt > this.now()) return record.value;
    await this.mutex.run(key, () => this.remove(storage, key));
    return undefined;
  }

  /** Removes every expired (or unreadable) record: the backend's periodic function calls this. */
  async sweep(storage: Storage): Promise<void> {
    this.lastSweepAt = this.now();
    let left = 0;
    for (const name of await storage.list(this.options.prefix)) {
      if (name.endsWith('/')) continue;
      const key = this.options.prefix + name;
      const removed = await this.mutex.run(key, async () => {
        const record = await this.read(storage, key);
        if (record === null) return true;
        if (record !== undefined && record.expiresAt > this.now()) return false;
        await storage.delete(key);
        return true;
      });
      if (!removed) left++;
    }
    this.counted = { at: this.now(), n: left };
  }

  /** How many records exist: counted again from storage when the last count is old (another node may have written since). */
  private async count(storage: Storage): Promise<number> {
    const t = this.now();
    if (!this.counted || t - this.counted.at >= RECOUNT_MS) {
      const names = await storage.list(this.options.prefix);
      this.counted = { at: t, n: names.filter((n) => !n.endsWith('/')).length };
    }
    return this.counted.n;
  }

  private async remove(storage: Storage, key: string): Promise<void> {
    await storage.delete(key);
    if (this.counted) this.counted.n = Math.max(0, this.counted.n - 1);
  }

  /** null when there is no record; undefined when there is one but it cannot be parsed (treated as expired). */
  private async read(storage: Storage, key: string): Promise<StoredRecord<T> | null | undefined> {
    const entry = await storage.get(key);
    if (!entry) return null;
    try {
      const record = JSON.parse(entry.value.toString('utf8')) as StoredRecord<T>;
      return typeof record?.expiresAt === 'number' ? record : undefined;
    } catch {
      return undefined;
    }
  }
}
