import { Etcd3, type IRequestOp } from 'etcd3';
import { CofferError, type Logger, type StorageEntry, type Transactional, type TxnOp } from '@coffer/sdk';
import type { PhysicalBackend } from './types.js';
import { lockRetryMsFor, type ChangeFeed, type ChangeListener, type HABackend, type HALock } from './ha.js';
import { asBuffer, checkEntry, checkKey, checkOps } from './entry-check.js';
import { listByOrderedSeekAsync } from './ordered-list.js';
import { readEtcdConfig, type EtcdSettings } from './etcd-config.js';
import { EtcdHALock } from './etcd-ha.js';
import { watchEtcdChanges, type EtcdChangeStream } from './etcd-changes.js';
import { prefixEnd } from './etcd-keys.js';
import { catchUpMethodFor, type CatchUpMethod } from './etcd-catch-up.js';
import { SharedRounds } from './shared-rounds.js';

export { prefixEnd };

/** Keys fetched per range request while listing: a folder costs one request, so keep batches small. */
const LIST_BATCH = 64;

/** Test hooks. */
export interface EtcdTuning {
  /** How often a node waiting for the HA lock tries to take it. */
  lockRetryMs?: number;
  /** How syncChanges() catches up (default: chosen from the etcd version, see etcd-catch-up.ts). */
  catchUp?: CatchUpMethod;
}

/** How long syncChanges() may take before it gives up (the read is then forwarded to the active node). */
const SYNC_TIMEOUT_MS = 5000;
/** What the marker key holds (its revision is what matters). */
const MARKER_VALUE = Buffer.from('catch-up marker (performance standbys)', 'utf8');

/**
 * Storage in etcd (v3 API) under a key prefix. Transactional through etcd's
 * Txn (atomic, all or nothing); the HA lock is a key bound to a lease that
 * the holder keeps alive; the change feed is a watch on the prefix. Keys are
 * ordered by their bytes, and listing walks the key index with range
 * requests that skip past each folder.
 */
export class EtcdBackend implements PhysicalBackend, Transactional, HABackend, ChangeFeed {
  readonly name = 'etcd';
  private closed = false;
  private readonly locks = new Set<EtcdHALock>();
  private readonly watchers = new Set<() => Promise<void>>();
  private readonly feeds = new Set<EtcdChangeStream>();
  private readonly catchUps = new SharedRounds(() => this.catchUpRound());
  private catchUpMethod: CatchUpMethod | undefined;

  constructor(
    private readonly client: Etcd3,
    private readonly settings: EtcdSettings,
    private readonly logger: Logger,
    private readonly tuning: EtcdTuning = {},
  ) {}

  get haEnabled(): boolean {
    return this.settings.haEnabled;
  }

  /** Where this backend's data lives in etcd (the `path` setting). */
  get prefix(): string {
    return this.settings.prefix;
  }

  private fullKey(key: string): Buffer {
    return Buffer.from(this.settings.prefix + key, 'utf8');
  }

  async get(key: string): Promise<StorageEntry | null> {
    this.assertOpen();
    if (key === '') return null;
    const res = await this.call('read', () => this.client.kv.range({ key: this.fullKey(key) }));
    const kv = res.kvs[0];
    return kv ? { key, value: Buffer.from(kv.value ?? []) } : null;
  }

  async put(entry: StorageEntry): Promise<void> {
    checkEntry(entry);
    this.assertOpen();
    await this.call('write', () => this.client.kv.put({ key: this.fullKey(entry.key), value: Buffer.from(asBuffer(entry.value)) }));
  }

  async delete(key: string): Promise<void> {
    this.assertOpen();
    if (typeof key !== 'string') checkKey(key);
    if (key === '') return;
    await this.call('delete', () => this.client.kv.deleteRange({ key: this.fullKey(key) }));
  }

  async list(prefix: string): Promise<string[]> {
    return this.listPage(prefix, '', 0);
  }

  async listPage(prefix: string, after: string, limit: number): Promise<string[]> {
    this.assertOpen();
    const root = this.settings.prefix;
    const end = prefixEnd(Buffer.from(root + prefix, 'utf8'));
    const seek = (from: string, inclusive: boolean): AsyncIterable<string> => this.scan(from, inclusive, end);
    return listByOrderedSeekAsync(seek, prefix, after, limit);
  }

  /** Keys (without the root prefix) from `from` up to `end`, a batch per range request. */
  private async *scan(from: string, inclusive: boolean, end: Buffer): AsyncGenerator<string> {
    const root = this.settings.prefix;
    // The smallest key after K is K followed by a zero byte.
    let start = Buffer.from(root + from + (inclusive ? '' : '\0'), 'utf8');
    for (;;) {
      const res = await this.call('list', () =>
        this.client.kv.range({ key: start, range_end: end, limit: LIST_BATCH, keys_only: true, sort_order: 'Ascend', sort_target: 'Key' }),
      );
      for (const kv of res.kvs) {
        const key = kv.key.toString('utf8').slice(root.length);
        // The prefix itself is the catch-up marker (see syncChanges), never a storage key.
        if (key !== '') yield key;
      }
      if (!res.more || res.kvs.length === 0) return;
      start = Buffer.concat([res.kvs[res.kvs.length - 1]!.key, Buffer.from([0])]);
    }
  }

  /**
   * All operations or none, as one etcd Txn. etcd refuses a Txn that names a
   * key twice, so only each key's last operation is sent (the outcome is the
   * same). etcd also caps the operations per Txn (--max-txn-ops, 128 by default).
   */
  async transaction(ops: TxnOp[]): Promise<void> {
    checkOps(ops);
    this.assertOpen();
    const last = new Map<string, TxnOp>();
    for (const op of ops) {
      const key = op.op === 'put' ? op.entry.key : op.key;
      if (key === '') continue;
      last.delete(key);
      last.set(key, op);
    }
    if (last.size === 0) return;
    const success: IRequestOp[] = [...last.values()].map((op) =>
      op.op === 'put'
        ? { request_put: { key: this.fullKey(op.entry.key), value: Buffer.from(asBuffer(op.entry.value)) } }
        : { request_delete_range: { key: this.fullKey(op.key) } },
    );
    await this.call('transaction', () => this.client.kv.txn({ compare: [], success, failure: [] }));
  }

  lockWith(key: string, value: string): HALock {
    this.assertOpen();
    if (!this.haEnabled) throw new CofferError('invalid_request', 'storage "etcd": ha_enabled is false, so it offers no HA lock');
    // Locks live beside the data, not in it: a lock key must never show up in a listing of the data.
    const lockKey = `${this.settings.prefix.replace(/\/$/, '')}_locks/${key}`;
    const lock = new EtcdHALock(
      this.client,
      lockKey,
      value,
      this.settings.lockTtlSeconds,
      this.logger,
      this.tuning.lockRetryMs ?? lockRetryMsFor(this.settings.lockTtlSeconds * 1000),
    );
    this.locks.add(lock);
    return lock;
  }

  async watchChanges(listener: ChangeListener): Promise<() => Promise<void>> {
    this.assertOpen();
    const feed = await watchEtcdChanges(this.client, this.settings.prefix, listener, this.logger);
    this.feeds.add(feed);
    const unwatch = async (): Promise<void> => {
      this.watchers.delete(unwatch);
      this.feeds.delete(feed);
      await feed.stop();
    };
    this.watchers.add(unwatch);
    return unwatch;
  }

  /**
   * Delivers to this process's watchers, before it resolves, every change
   * committed before the call (a performance standby catches up before a
   * read). Concurrent calls share catch-ups: one runs, the callers that
   * came later wait for the next. See etcd-catch-up.ts for how a catch-up
   * learns the feed's progress.
   */
  async syncChanges(): Promise<void> {
    this.assertOpen();
    if (this.feeds.size === 0) return;
    await this.catchUps.run();
  }

  private async catchUpRound(): Promise<void> {
    const method = await this.chooseCatchUpMethod();
    const deadline = Date.now() + SYNC_TIMEOUT_MS;
    // Any answer's header.revision is the store's revision (linearizable reads): every change
    // committed before this call is at or below it.
    const revision =
      method === 'progress'
        ? await this.call('catch-up', () => this.client.kv.range({ key: this.fullKey(''), count_only: true })).then((res) => BigInt(res.header.revision))
        : await this.call('catch-up marker write', () => this.client.kv.put({ key: this.fullKey(''), value: MARKER_VALUE })).then((res) => BigInt(res.header.revision));
    const timeoutMs = Math.max(1, deadline - Date.now());
    await Promise.all([...this.feeds].map((feed) => feed.reach(revision, method === 'progress', timeoutMs)));
  }

  private async chooseCatchUpMethod(): Promise<CatchUpMethod> {
    if (this.tuning.catchUp) return this.tuning.catchUp;
    this.catchUpMethod ??= await catchUpMethodFor(this.client, this.logger);
    return this.catchUpMethod;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const lock of this.locks) await lock.dispose().catch(() => undefined);
    for (const unwatch of [...this.watchers]) await unwatch().catch(() => undefined);
    this.client.close();
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      if (/request is too large|message larger than max/.test(detail)) {
        // The caller's value, not etcd, is the problem: say so with a 400.
        throw new CofferError('invalid_request', `etcd storage: ${what} refused: the entry is larger than etcd accepts (its --max-request-bytes, 1.5 MiB by default)`, { cause: err });
      }
      throw new CofferError('unavailable', `etcd storage (${this.settings.hosts.join(', ')}): ${what} failed: ${detail}`, { cause: err });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new CofferError('unavailable', 'etcd storage is closed');
  }
}

export async function openEtcd(config: Record<string, string>, logger: Logger, tuning?: EtcdTuning): Promise<EtcdBackend> {
  const settings = readEtcdConfig(config, logger);
  const client = new Etcd3(settings.client);
  try {
    // Fail at startup, with the endpoint named, rather than at the first request.
    await client.kv.range({ key: Buffer.from(settings.prefix, 'utf8'), limit: 1, keys_only: true });
  } catch (err) {
    client.close();
    const detail = err instanceof Error ? err.message : String(err);
    throw new CofferError('unavailable', `storage "etcd": cannot reach ${settings.hosts.join(', ')}: ${detail}`, { cause: err });
  }
  logger.info({ address: settings.hosts, path: settings.prefix, ha_enabled: settings.haEnabled }, 'etcd storage opened');
  return new EtcdBackend(client, settings, logger, tuning);
}
