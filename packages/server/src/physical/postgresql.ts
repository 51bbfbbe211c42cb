import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import { CofferError, type Logger, type StorageEntry, type Transactional, type TxnOp } from '@coffer/sdk';
import type { PhysicalBackend } from './types.js';
import type { ChangeFeed, ChangeListener, HABackend, HALock } from './ha.js';
import { asBuffer, checkEntry, checkKey, checkOps } from './entry-check.js';
import { warnUnknownKeys } from './config-keys.js';
import { boolKey, durationMsKey, intKey } from './config-values.js';
import { pageOfChildren } from './child-page.js';
import { changeChannel, likePrefix, quoteTable, schemaStatements, splitKey, syncChannel } from './postgresql-layout.js';
import { lockTimingFor, PostgresHALock, type PostgresLockTiming } from './postgresql-ha.js';
import { watchPostgresChanges } from './postgresql-changes.js';

const TYPE = 'postgresql';
/** How long syncChanges() waits for its marker to come back. */
const SYNC_TIMEOUT_MS = 5_000;

const KNOWN_KEYS = ['connection_url', 'table', 'ha_enabled', 'ha_table', 'ha_lock_ttl', 'max_parallel', 'max_idle_connections'];

/** NOTIFY payloads must stay below 8000 bytes; a longer key is announced as a gap. */
const MAX_NOTIFY_PAYLOAD = 7999;
/**
 * A B-tree index entry holds at most about 2700 bytes, and the primary key
 * indexes path and key together: a longer key is refused up front with a
 * clear error instead of failing inside PostgreSQL.
 */
export const MAX_POSTGRESQL_KEY_BYTES = 2600;

/** Test hooks: the HA lock's timing, short in tests so that expiry happens in seconds. */
export interface PostgresqlTuning {
  lockTiming?: Partial<PostgresLockTiming>;
  /** Delay before a lost LISTEN connection is re-opened. */
  reconnectMs?: number;
}

/**
 * Storage in a PostgreSQL table with Vault's schema. Transactional (one SQL
 * transaction per Coffer transaction), an HA lock row with a TTL in
 * `ha_table`, and a change feed over LISTEN/NOTIFY: every write announces
 * its key on the table's channel when it commits, so standbys sharing the
 * database can drop stale caches.
 */
export class PostgresqlBackend implements PhysicalBackend, Transactional, HABackend, ChangeFeed {
  readonly name = TYPE;
  private closed = false;
  private readonly t: string;
  private readonly locks = new Set<PostgresHALock>();
  private readonly watchers = new Set<() => Promise<void>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly connectionString: string,
    readonly table: string,
    readonly haTable: string,
    readonly haEnabled: boolean,
    private readonly logger: Logger,
    private readonly tuning: PostgresqlTuning = {},
  ) {
    this.t = quoteTable(table);
  }

  async get(key: string): Promise<StorageEntry | null> {
    this.assertOpen();
    if (key === '') return null;
    const { path, name } = splitKey(key);
    const res = await this.query<{ value: Buffer | null }>(`SELECT value FROM ${this.t} WHERE path = $1 AND key = $2`, [path, name]);
    const row = res.rows[0];
    return row ? { key, value: row.value ?? Buffer.alloc(0) } : null;
  }

  async put(entry: StorageEntry): Promise<void> {
    checkEntry(entry);
    checkKeyLength(entry.key);
    this.assertOpen();
    const [sql, params] = this.putStatement(entry.key, asBuffer(entry.value));
    await this.query(sql, params);
  }

  async delete(key: string): Promise<void> {
    this.assertOpen();
    if (typeof key !== 'string') checkKey(key);
    if (key === '') return;
    const [sql, params] = this.deleteStatement(key);
    await this.query(sql, params);
  }

  async list(prefix: string): Promise<string[]> {
    return this.listPage(prefix, '', 0);
  }

  /**
   * The children of a folder come from the primary-key index: the leaves
   * whose path is the folder, and a skip scan over the paths below it, each
   * starting after `after` and stopping at `limit`, so a page costs about
   * `limit` index probes however big the folder is. A prefix that ends
   * inside a name ("ab") lists that folder's names that start with it,
   * minus the prefix, like the other backends.
   */
  async listPage(prefix: string, after: string, limit: number): Promise<string[]> {
    this.assertOpen();
    const slash = prefix.lastIndexOf('/');
    const dir = `/${prefix.slice(0, slash + 1)}`;
    const start = prefix.slice(slash + 1);
    const max = limit > 0 ? limit : null;
    const [leaves, folders] = await Promise.all([
      this.query<{ key: string }>(
        `SELECT key FROM ${this.t} WHERE path = $1 AND key LIKE $2 ESCAPE '\\' AND key > $3 ORDER BY key LIMIT $4`,
        [dir, likePrefix(start), start + after, max],
      ),
      // One folder more than the limit: the folder `after` lies in is found first and dropped.
      this.query<{ name: string }>(this.foldersQuery(), [dir, likePrefix(dir + start), dir + start + after, max]),
    ]);
    const children: string[] = [];
    for (const { key } of leaves.rows) if (key.length > start.length) children.push(key.slice(start.length));
    for (const { name } of folders.rows) children.push(`${name.slice(start.length)}/`);
    return pageOfChildren(children, after, limit);
  }

  /**
   * Up to $4 + 1 sub-folders (all when $4 is null) of folder $1 whose names
   * match the pattern $2, from the first path after $3, by a skip scan: each
   * step asks the primary-key index for the first path after the previous
   * sub-folder ("/d/x/" → the first path >= "/d/x0", '0' being the
   * character after '/'), so a folder with a million keys in ten
   * sub-folders costs ten index probes, not a million rows.
   */
  private foldersQuery(): string {
    const first = (from: string) =>
      `(SELECT split_part(substr(path, length($1) + 1), '/', 1) FROM ${this.t}
        WHERE ${from} AND path LIKE $2 ESCAPE '\\' ORDER BY path LIMIT 1)`;
    return `WITH RECURSIVE folder(name, n) AS (
        SELECT ${first('path > $3')}, 1
        UNION ALL
        SELECT ${first("path >= $1 || folder.name || '0'")}, folder.n + 1 FROM folder
          WHERE folder.name IS NOT NULL AND ($4::int IS NULL OR folder.n <= $4::int)
      )
      SELECT name FROM folder WHERE name IS NOT NULL`;
  }

  /** All operations or none: one SQL transaction, announced to watchers when it commits. */
  async transaction(ops: TxnOp[]): Promise<void> {
    checkOps(ops);
    for (const op of ops) if (op.op === 'put') checkKeyLength(op.entry.key);
    this.assertOpen();
    if (ops.length === 0) return;
    const client = await this.connect();
    try {
      await client.query('BEGIN');
      for (const op of ops) {
        if (op.op === 'delete' && op.key === '') continue;
        const [sql, params] = op.op === 'put' ? this.putStatement(op.entry.key, asBuffer(op.entry.value)) : this.deleteStatement(op.key);
        await client.query(sql, params);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw storageError('transaction failed', err);
    } finally {
      client.release();
    }
  }

  /**
   * One statement that writes and queues the notification: PostgreSQL sends
   * NOTIFY only when the surrounding transaction commits, so a watcher never
   * hears about a write it cannot read yet.
   */
  private putStatement(key: string, value: Buffer): [string, unknown[]] {
    const { parentPath, path, name } = splitKey(key);
    return [
      `WITH w AS (INSERT INTO ${this.t} (parent_path, path, key, value) VALUES ($1, $2, $3, $4)
         ON CONFLICT (path, key) DO UPDATE SET value = excluded.value, parent_path = excluded.parent_path)
       SELECT pg_notify($5, $6)`,
      [parentPath, path, name, value, changeChannel(this.table), notifyPayload(key)],
    ];
  }

  private deleteStatement(key: string): [string, unknown[]] {
    const { path, name } = splitKey(key);
    return [
      `WITH d AS (DELETE FROM ${this.t} WHERE path = $1 AND key = $2 RETURNING 1)
       SELECT pg_notify($3, $4) FROM d`,
      [path, name, changeChannel(this.table), notifyPayload(key)],
    ];
  }

  lockWith(key: string, value: string): HALock {
    this.assertOpen();
    if (!this.haEnabled) throw new CofferError('invalid_request', 'storage "postgresql": ha_enabled is false, so it offers no HA lock');
    const lock = new PostgresHALock(this.pool, quoteTable(this.haTable), key, value, this.logger, this.tuning.lockTiming);
    this.locks.add(lock);
    return lock;
  }

  /**
   * Delivers to this process's watchers, before it resolves, every change
   * committed before the call (a performance standby catches up before a
   * read): it sends a marker with NOTIFY and waits until each watcher has
   * heard it, which PostgreSQL delivers after every earlier commit's
   * notifications.
   */
  async syncChanges(): Promise<void> {
    this.assertOpen();
    const watchers = this.watchers.size;
    if (watchers === 0) return;
    const token = randomUUID();
    const seen = new Promise<void>((resolve) => this.syncWaiters.set(token, { left: watchers, done: resolve }));
    let timer: NodeJS.Timeout | undefined;
    try {
      await this.pool.query('SELECT pg_notify($1, $2)', [syncChannel(this.table), token]);
      await Promise.race([
        seen,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new CofferError('unavailable', 'postgresql storage: the change feed did not catch up within 5s')), SYNC_TIMEOUT_MS);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      this.syncWaiters.delete(token);
    }
  }

  private readonly syncWaiters = new Map<string, { left: number; done: () => void }>();

  private syncSeen(token: string): void {
    const waiter = this.syncWaiters.get(token);
    if (waiter && --waiter.left <= 0) waiter.done();
  }

  async watchChanges(listener: ChangeListener): Promise<() => Promise<void>> {
    this.assertOpen();
    const stop = await watchPostgresChanges(this.connectionString, changeChannel(this.table), listener, this.logger, this.tuning.reconnectMs, {
      channel: syncChannel(this.table),
      seen: (token) => this.syncSeen(token),
    });
    const unwatch = async (): Promise<void> => {
      this.watchers.delete(unwatch);
      await stop();
    };
    this.watchers.add(unwatch);
    return unwatch;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const lock of this.locks) await lock.dispose().catch(() => undefined);
    for (const unwatch of [...this.watchers]) await unwatch();
    await this.pool.end();
  }

  private async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (err) {
      throw storageError('query failed', err);
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw storageError('cannot connect', err);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new CofferError('unavailable', 'postgresql storage is closed');
  }
}

function checkKeyLength(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > MAX_POSTGRESQL_KEY_BYTES) {
    throw new CofferError('invalid_request', `storage key is too long for postgresql storage (at most ${MAX_POSTGRESQL_KEY_BYTES} bytes)`);
  }
}

function notifyPayload(key: string): string {
  return Buffer.byteLength(key, 'utf8') <= MAX_NOTIFY_PAYLOAD ? key : '';
}

/** Errors keep PostgreSQL's message (never the connection URL, which may hold a password). */
function storageError(what: string, err: unknown): CofferError {
  if (err instanceof CofferError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new CofferError('unavailable', `postgresql storage: ${what}: ${detail}`, { cause: err });
}

export async function openPostgresql(config: Record<string, string>, logger: Logger, tuning?: PostgresqlTuning): Promise<PostgresqlBackend> {
  warnUnknownKeys(TYPE, config, KNOWN_KEYS, logger);
  const connectionString = config.connection_url || process.env['VAULT_PG_CONNECTION_URL'] || '';
  if (connectionString === '') {
    throw new CofferError(
      'invalid_request',
      'storage "postgresql": "connection_url" is missing; set it (or VAULT_PG_CONNECTION_URL), e.g. connection_url = "postgres://coffer:PASSWORD@db.example.com:5432/coffer"',
    );
  }
  const table = config.table || 'vault_kv_store';
  const haTable = config.ha_table || 'vault_ha_locks';
  const haEnabled = boolKey(TYPE, config, 'ha_enabled', false);
  const maxParallel = intKey(TYPE, config, 'max_parallel', 128, 1);
  const maxIdle = Math.min(intKey(TYPE, config, 'max_idle_connections', 0, 0), maxParallel);
  quoteTable(table);
  quoteTable(haTable);

  // TCP keep-alives notice a database host that vanished; a request waits at most 15 s for a connection.
  const pool = new pg.Pool({ connectionString, max: maxParallel, min: maxIdle, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 15_000, keepAlive: true });
  // An idle connection that the server drops must not crash the process; the next query reconnects.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'postgresql storage: an idle connection failed'));
  // A connection the server drops just after the pool let go of it (close()) emits an error nobody
  // else listens to any more; without a listener that would crash the process.
  pool.on('connect', (client) => client.on('error', (err) => logger.debug({ err: err.message }, 'postgresql storage: a connection failed')));
  try {
    await createSchema(pool, table, haEnabled ? haTable : undefined);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw storageError('cannot open the database', err);
  }
  logger.info({ table, ha_enabled: haEnabled }, 'postgresql storage opened');
  // ha_lock_ttl (Coffer's; Vault fixes 15 s): how long a lock outlives its holder, which bounds failover.
  const ttlMs = durationMsKey(TYPE, config, 'ha_lock_ttl', 0);
  const lockTiming = tuning?.lockTiming ?? (ttlMs > 0 ? lockTimingFor(ttlMs) : undefined);
  return new PostgresqlBackend(pool, connectionString, table, haTable, haEnabled, logger, { ...tuning, ...(lockTiming ? { lockTiming } : {}) });
}

/** Creates the tables once, even when several nodes start together (the advisory lock serializes them). */
async function createSchema(pool: pg.Pool, table: string, haTable: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const lockId = createHash('sha256').update(`coffer-schema:${table}`).digest().readBigInt64BE(0);
    await client.query('SELECT pg_advisory_xact_lock($1)', [lockId.toString()]);
    for (const sql of schemaStatements(table, haTable)) await client.query(sql);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
