import type { Storage, StorageEntry } from '../storage/storage.js';
import type { RemoteStorage } from './remote-storage.js';
import type { SessionListener, StorageSession } from './storage-session.js';
import type { StorageEvent } from './wire-types.js';

/** Entries kept per storage before the oldest are dropped. */
const CACHE_LIMIT = 10_000;
/** Write failures remembered for settle(); older ones have been reported by then. */
const FAILURES_KEPT = 64;

/**
 * Inside a plugin: a mount's storage over the host's Storage.Session stream,
 * with a read cache kept coherent by the host's invalidations, and writes
 * sent without waiting for each acknowledgement (write-behind).
 *
 * Why it is safe:
 *  - The host applies this storage's operations in the order sent, so a read
 *    that misses the cache sees every write sent before it, and two writes
 *    land in the order the plugin made them.
 *  - Writes update the cache when sent; a read answer only fills the cache
 *    if nothing touched that key since the read was sent.
 *  - Every Backend call ends with settle(): the reply waits until the host
 *    acknowledged every write sent so far, and the call fails if a write
 *    failed that was not yet acknowledged when the call began (the call may
 *    have seen its value in the cache). After a failed write the host refuses
 *    this storage's operations until we RESET, which we do after dropping
 *    the cache, so nothing computed from the lost write lands.
 *  - Writes made elsewhere (the server, another process during a reload)
 *    are announced before they are acknowledged to their writer.
 *
 * Until the session is confirmed (or when the host has none, or it broke)
 * every call goes to `fallback`, the plain unary Storage calls, uncached.
 */
export class SessionStorage implements Storage, SessionListener {
  private readonly cache = new Map<string, StorageEntry | null>();
  /** list(prefix) answers, kept exact by our own writes and dropped on invalidations. */
  private readonly lists = new Map<string, string[]>();
  /** Per key: the change counter at its last local write or invalidation. */
  private readonly changedAt = new Map<string, number>();
  private changes = 0;
  /** Reads sent before this change count must not fill the cache (it was cleared after them). */
  private clearedAt = 0;
  private active = false;
  private writeSeq = 0;
  private ackedSeq = 0;
  private lastWrite: Promise<unknown> = Promise.resolve();
  private readonly failures: { seq: number; error: Error }[] = [];
  private resetting: Promise<unknown> | undefined;

  constructor(
    private readonly session: StorageSession,
    private readonly fallback: RemoteStorage,
  ) {}

  get storageId(): string {
    return this.fallback.storageId;
  }

  /** Asks the host for invalidations; caching starts once it agreed. */
  async start(): Promise<void> {
    this.active = await this.session.watch(this.storageId, this);
  }

  stop(): void {
    this.session.unwatch(this.storageId);
    this.lost();
  }

  async get(key: string): Promise<StorageEntry | null> {
    if (!this.usable()) return this.fallback.get(key);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached && copy(cached);
    if (this.resetting) await this.resetting;
    const sentAt = this.changes;
    const event = await this.session.send({ kind: 'STORAGE_OP_GET', storageId: this.storageId, key });
    const entry = entryFromEvent(key, event);
    if (this.active && sentAt >= this.clearedAt && (this.changedAt.get(key) ?? 0) <= sentAt) this.remember(key, entry);
    return entry && copy(entry);
  }

  async put(entry: StorageEntry): Promise<void> {
    if (!this.usable()) return this.fallback.put(entry);
    this.touch(entry.key);
    this.remember(entry.key, copy(entry));
    this.listsAfterWrite(entry.key, true);
    this.write({ kind: 'STORAGE_OP_PUT', storageId: this.storageId, entry: { key: entry.key, value: entry.value, seal_wrap: entry.sealWrap ?? false } });
  }

  async delete(key: string): Promise<void> {
    if (!this.usable()) return this.fallback.delete(key);
    this.touch(key);
    this.remember(key, null);
    this.listsAfterWrite(key, false);
    this.write({ kind: 'STORAGE_OP_DELETE', storageId: this.storageId, key });
  }

  async list(prefix: string): Promise<string[]> {
    if (!this.usable()) return this.fallback.list(prefix);
    const cached = this.lists.get(prefix);
    if (cached) return [...cached];
    if (this.resetting) await this.resetting;
    const sentAt = this.changes;
    const keys = (await this.session.send({ kind: 'STORAGE_OP_LIST', storageId: this.storageId, key: prefix })).keys;
    // Any change since the list was sent might be missing from it (coarse, but lists are rare).
    if (this.active && this.changes === sentAt) {
      this.lists.set(prefix, keys);
      if (this.lists.size > CACHE_LIMIT) this.lists.delete(this.lists.keys().next().value as string);
    }
    return [...keys];
  }

  async listPage(prefix: string, after: string, limit: number): Promise<string[]> {
    if (!this.usable()) return this.fallback.listPage(prefix, after, limit);
    const cached = this.lists.get(prefix);
    if (cached) {
      const page = cached.filter((name) => name > after);
      return limit > 0 ? page.slice(0, limit) : page;
    }
    if (this.resetting) await this.resetting;
    return (await this.session.send({ kind: 'STORAGE_OP_LIST_PAGE', storageId: this.storageId, key: prefix, after, limit })).keys;
  }

  /** Where a Backend call starts, for settle(). */
  mark(): number {
    return this.ackedSeq;
  }

  /**
   * Waits until every write sent so far is acknowledged; throws the first
   * write failure after `mark` (see the class comment).
   */
  async settle(mark: number): Promise<void> {
    if (this.writeSeq === mark) return;
    await this.lastWrite;
    const failure = this.failures.find((f) => f.seq > mark);
    if (failure) throw failure.error;
  }

  invalidate(key: string): void {
    if (key === '') {
      this.clear();
      return;
    }
    this.touch(key);
    this.cache.delete(key);
    for (const prefix of this.lists.keys()) if (key.startsWith(prefix)) this.lists.delete(prefix);
  }

  lost(): void {
    this.active = false;
    this.clear();
  }

  private usable(): boolean {
    return this.active && this.session.isOpen;
  }

  private write(op: Parameters<StorageSession['send']>[0]): void {
    const seq = ++this.writeSeq;
    const sent = this.session.send(op).then(
      () => {
        this.ackedSeq = seq;
      },
      (error: Error) => {
        this.ackedSeq = seq;
        this.failures.push({ seq, error });
        if (this.failures.length > FAILURES_KEPT) this.failures.shift();
        this.afterFailure();
      },
    );
    this.lastWrite = sent;
  }

  /** Drops the cache, then tells the host we did, so it accepts our operations again. */
  private afterFailure(): void {
    this.clear();
    if (this.resetting || !this.session.isOpen) return;
    this.resetting = this.session
      .send({ kind: 'STORAGE_OP_RESET', storageId: this.storageId })
      .catch(() => undefined)
      .finally(() => {
        this.resetting = undefined;
      });
  }

  /**
   * Keeps cached lists exact after our own write of `key`: a direct child is
   * added or removed; a deeper key adds its folder, but its removal may or
   * may not empty that folder, so that list is dropped instead.
   */
  private listsAfterWrite(key: string, put: boolean): void {
    for (const [prefix, names] of this.lists) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash >= 0 && !put) {
        this.lists.delete(prefix);
        continue;
      }
      const name = slash >= 0 ? rest.slice(0, slash + 1) : rest;
      const at = sortedIndex(names, name);
      const present = names[at] === name;
      if (put && !present) names.splice(at, 0, name);
      else if (!put && present) names.splice(at, 1);
    }
  }

  private touch(key: string): void {
    this.changedAt.set(key, ++this.changes);
  }

  private remember(key: string, entry: StorageEntry | null): void {
    if (!this.active) return;
    this.cache.delete(key);
    this.cache.set(key, entry);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    // The change log only matters for reads in flight; when it grows large,
    // start over and let those reads go uncached.
    if (this.changedAt.size > CACHE_LIMIT * 2) {
      this.changedAt.clear();
      this.clearedAt = ++this.changes;
    }
  }

  private clear(): void {
    this.cache.clear();
    this.lists.clear();
    this.changedAt.clear();
    this.clearedAt = ++this.changes;
  }
}

/** Where `name` is or would go in the ascending `names`. */
function sortedIndex(names: string[], name: string): number {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (names[mid]! < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function copy(entry: StorageEntry): StorageEntry {
  const out: StorageEntry = { key: entry.key, value: Buffer.from(entry.value) };
  if (entry.sealWrap) out.sealWrap = true;
  return out;
}

function entryFromEvent(key: string, event: StorageEvent): StorageEntry | null {
  if (!event.entry) return null;
  const entry: StorageEntry = { key, value: Buffer.from(event.entry.value) };
  if (event.entry.seal_wrap) entry.sealWrap = true;
  return entry;
}
