import * as fs from 'node:fs/promises';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { CofferError, parseBool, parseDurationExact, type Logger, type StorageEntry, type Transactional, type TxnOp } from '@coffer/sdk';
import type { PhysicalBackend } from './types.js';
import type { ChangeFeed, ChangeListener, HABackend, HALock } from './ha.js';
import { CHANGE_LOG_SCHEMA, SqliteChangeLog } from './sqlite-change-log.js';
import { HA_LOCK_SCHEMA, SqliteHaLock, type SqliteLockTiming } from './sqlite-ha-lock.js';
import { asBuffer, checkEntry, checkOps } from './entry-check.js';
import { requirePath, warnUnknownKeys } from './config-keys.js';
import { prepareDirectory } from './storage-directory.js';
import { listByOrderedSeek } from './ordered-list.js';

/** The database file inside the configured directory. */
export const SQLITE_FILE_NAME = 'coffer.db';

const SCHEMA = 'CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL)';

/** `ha_enabled = "true"`: several Coffer processes on one machine share the file, one of them active. */
export interface SqliteHaOptions {
  lock: SqliteLockTiming;
  /** How often watchers read the change log (ms). */
  pollMs: number;
  /** How many of the newest changes the log keeps. */
  retention: number;
  logger: Logger;
}

const DEFAULT_LOCK_TTL = '4s';
const DEFAULT_POLL_INTERVAL = '100ms';
const DEFAULT_CHANGE_RETENTION = 10_000;

/**
 * The recommended single-machine storage: one SQLite file in WAL mode with
 * synchronous=FULL, so every acknowledged write has reached the disk and
 * survives a crash (even a power cut). Transactional.
 *
 * Writes are group-committed: the puts and deletes issued during one turn
 * of the event loop go to the disk in one transaction (one fsync), and each
 * promise resolves only once its write is durable. A mass expiry of leases
 * or a burst of logins then costs a few fsyncs instead of one each — and
 * since better-sqlite3 blocks the event loop while it syncs, that is what
 * keeps other requests' latency flat. Reads see pending writes.
 *
 * Keys sort by SQLite's BINARY collation, i.e. by UTF-8 bytes (Unicode code
 * point order); list/listPage walk the primary-key index and seek past each
 * folder, so listing never loads a folder's keys into memory.
 */
export class SqliteBackend implements PhysicalBackend, Transactional, HABackend, ChangeFeed {
  readonly name = 'sqlite';
  readonly haEnabled: boolean;
  /** With HA on, every write is also appended here, in the same transaction. */
  private readonly changeLog: SqliteChangeLog | undefined;
  private readonly getStmt: Database.Statement<[string], Buffer>;
  private readonly putStmt: Database.Statement<[string, Buffer]>;
  private readonly deleteStmt: Database.Statement<[string]>;
  private readonly seekFromStmt: Database.Statement<[string], string>;
  private readonly seekAfterStmt: Database.Statement<[string], string>;
  private readonly applyOps: (ops: TxnOp[]) => void;
  /** Writes waiting for the next group commit, in order, with their callers. */
  private pending: { op: TxnOp; done: (err?: unknown) => void }[] = [];
  /** The latest pending write of each key (what a read must see). */
  private readonly pendingByKey = new Map<string, TxnOp>();
  private flushScheduled = false;

  constructor(
    private readonly db: Database.Database,
    readonly file: string,
    private readonly ha?: SqliteHaOptions,
  ) {
    this.haEnabled = ha !== undefined;
    if (ha) {
      db.exec(HA_LOCK_SCHEMA);
      db.exec(CHANGE_LOG_SCHEMA);
      this.changeLog = new SqliteChangeLog(db, { pollMs: ha.pollMs, retention: ha.retention }, ha.logger);
    }
    this.getStmt = db.prepare<[string], Buffer>('SELECT value FROM kv WHERE key = ?').pluck();
    this.putStmt = db.prepare<[string, Buffer]>(
      'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.deleteStmt = db.prepare<[string]>('DELETE FROM kv WHERE key = ?');
    this.seekFromStmt = db.prepare<[string], string>('SELECT key FROM kv WHERE key >= ? ORDER BY key').pluck();
    this.seekAfterStmt = db.prepare<[string], string>('SELECT key FROM kv WHERE key > ? ORDER BY key').pluck();
    const changeLog = this.changeLog;
    this.applyOps = db.transaction((ops: TxnOp[]) => {
      for (const op of ops) {
        if (op.op === 'put') this.putStmt.run(op.entry.key, asBuffer(op.entry.value));
        else this.deleteStmt.run(op.key);
        changeLog?.record(op.op === 'put' ? op.entry.key : op.key);
      }
    });
  }

  /** The lock several processes sharing the file contend for (ha_enabled only). */
  lockWith(key: string, value: string): HALock {
    if (!this.ha) throw new CofferError('invalid_request', 'sqlite storage: HA is not enabled (set ha_enabled = "true" in the storage stanza)');
    this.assertOpen();
    return new SqliteHaLock(this.db, key, value, this.ha.lock, this.ha.logger);
  }

  /**
   * Delivers to this process's watchers, now, every change committed before
   * the call (a standby about to serve a read catches up first).
   */
  async syncChanges(): Promise<void> {
    this.assertOpen();
    this.changeLog?.sync();
  }

  /** Changes other processes make to the file, read from its change log (ha_enabled only). */
  async watchChanges(listener: ChangeListener): Promise<() => Promise<void>> {
    if (!this.changeLog) throw new CofferError('invalid_request', 'sqlite storage: HA is not enabled (set ha_enabled = "true" in the storage stanza)');
    this.assertOpen();
    return this.changeLog.watch(listener);
  }

  async get(key: string): Promise<StorageEntry | null> {
    this.assertOpen();
    const queued = this.pendingByKey.get(key);
    if (queued) return queued.op === 'put' ? { key, value: asBuffer(queued.entry.value) } : null;
    const value = this.getStmt.get(key);
    return value === undefined ? null : { key, value: Buffer.isBuffer(value) ? value : Buffer.from(value ?? []) };
  }

  async put(entry: StorageEntry): Promise<void> {
    checkEntry(entry);
    this.assertOpen();
    // A copy: the caller may reuse its buffer before the commit.
    return this.enqueue({ op: 'put', entry: { key: entry.key, value: Buffer.from(asBuffer(entry.value)) } });
  }

  async delete(key: string): Promise<void> {
    this.assertOpen();
    return this.enqueue({ op: 'delete', key });
  }

  private enqueue(op: TxnOp): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ op, done: (err) => (err === undefined ? resolve() : reject(err)) });
      this.pendingByKey.set(op.op === 'put' ? op.entry.key : op.key, op);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits every pending write in one transaction and settles their promises. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.pendingByKey.clear();
    let failure: unknown;
    try {
      if (!this.db.open) throw new CofferError('unavailable', `sqlite storage "${this.file}" is closed`);
      this.applyOps(batch.map((p) => p.op));
    } catch (err) {
      failure = err ?? new Error('sqlite write failed');
    }
    for (const p of batch) p.done(failure);
    if (failure === undefined) this.changeLog?.pruneIfDue();
  }

  async list(prefix: string): Promise<string[]> {
    return this.listPage(prefix, '', 0);
  }

  async listPage(prefix: string, after: string, limit: number): Promise<string[]> {
    this.assertOpen();
    // A listing must see pending writes: commit them first (synchronously, in order).
    this.flush();
    const seek = (from: string, inclusive: boolean): Iterable<string> =>
      (inclusive ? this.seekFromStmt : this.seekAfterStmt).iterate(from);
    return listByOrderedSeek(seek, prefix, after, limit);
  }

  /** All operations or none: they run in one SQLite transaction. */
  async transaction(ops: TxnOp[]): Promise<void> {
    checkOps(ops);
    this.assertOpen();
    // Earlier single writes go first, so the transaction sees (and may overwrite) them.
    this.flush();
    this.applyOps(ops);
    this.changeLog?.pruneIfDue();
  }

  async close(): Promise<void> {
    // Writes already acknowledged to nobody yet still reach the disk; closing checkpoints the WAL.
    if (this.db.open) this.flush();
    if (this.db.open) this.db.close();
  }

  private assertOpen(): void {
    if (!this.db.open) throw new CofferError('unavailable', `sqlite storage "${this.file}" is closed`);
  }
}

export async function openSqlite(config: Record<string, string>, logger: Logger): Promise<SqliteBackend> {
  warnUnknownKeys('sqlite', config, ['path', 'ha_enabled', 'ha_lock_ttl', 'ha_poll_interval'], logger);
  const ha = haOptions(config, logger);
  const dir = resolve(requirePath('sqlite', config));
  await prepareDirectory('sqlite', dir);
  const file = join(dir, SQLITE_FILE_NAME);
  // SQLite would create the file (and its -wal/-shm companions, which copy its
  // mode) world-readable; ciphertext or not, only the server's user should read it.
  await createPrivateFile(file);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: 5000 });
    // The first statement reads the file header: a corrupt or foreign file fails here.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') {
      throw new Error(`the database refused WAL journal mode (it reports "${String(mode)}")`);
    }
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (err) {
    if (db?.open) db.close();
    throw sqliteOpenError(file, err);
  }
  logger.info({ path: file }, 'sqlite storage opened');
  return new SqliteBackend(db, file, ha);
}

/** The stanza's HA keys; undefined when ha_enabled is off. */
function haOptions(config: Record<string, string>, logger: Logger): SqliteHaOptions | undefined {
  const enabled = config.ha_enabled === undefined ? false : parseBool(config.ha_enabled);
  if (enabled === undefined) throw new CofferError('invalid_request', `storage "sqlite": ha_enabled must be true or false, got "${config.ha_enabled}"`);
  if (!enabled) return undefined;
  const ms = (key: string, fallback: string, min: number): number => {
    let seconds: number;
    try {
      seconds = parseDurationExact(config[key] ?? fallback);
    } catch {
      throw new CofferError('invalid_request', `storage "sqlite": ${key} must be a duration such as "${fallback}", got "${config[key]}"`);
    }
    if (seconds * 1000 < min) throw new CofferError('invalid_request', `storage "sqlite": ${key} must be at least ${min}ms`);
    return Math.round(seconds * 1000);
  };
  const pollMs = ms('ha_poll_interval', DEFAULT_POLL_INTERVAL, 10);
  const ttlMs = ms('ha_lock_ttl', DEFAULT_LOCK_TTL, 300);
  return { lock: { ttlMs, retryMs: Math.max(pollMs, 50) }, pollMs, retention: DEFAULT_CHANGE_RETENTION, logger: logger.child({ component: 'ha' }) };
}

async function createPrivateFile(file: string): Promise<void> {
  try {
    await (await fs.open(file, 'wx', 0o600)).close();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw sqliteOpenError(file, err);
  }
}

/** Turns SQLite's terse open errors into a message that names the file and says what to do. */
function sqliteOpenError(file: string, err: unknown): CofferError {
  const code = String((err as { code?: unknown })?.code ?? '');
  const detail = err instanceof Error ? err.message : String(err);
  let advice: string;
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    advice = 'the file is not a SQLite database or is corrupt; restore it from a backup, or move it aside to start with empty storage';
  } else if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    advice = 'another process holds the database locked; stop it (is another Coffer server using the same path?)';
  } else if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_IOERR')) {
    advice = "check that the file and its directory exist and are readable and writable by the Coffer server's user";
  } else {
    advice = 'check the file and its directory, or restore the file from a backup';
  }
  return new CofferError('unavailable', `sqlite storage: cannot open "${file}" (${detail}): ${advice}`, { cause: err });
}
