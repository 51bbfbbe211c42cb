import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Logger } from '@coffer/sdk';
import type { ChangeListener } from './ha.js';

export const CHANGE_LOG_SCHEMA =
  'CREATE TABLE IF NOT EXISTS ha_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, origin TEXT NOT NULL)';

export interface ChangeLogOptions {
  /** How often watchers read new changes (ms). */
  pollMs: number;
  /** How many of the newest changes are kept; older ones are pruned. */
  retention: number;
}

interface ChangeRow {
  seq: number;
  key: string;
  origin: string;
}

/** Rows read per query while catching up. */
const PAGE = 1000;

/**
 * The change feed of a SQLite file shared by several processes: every put
 * and delete appends (seq, key) to an append-only table in the same
 * transaction as the write, so a change is in the log exactly when it is in
 * the data. Watchers poll the table; the log keeps its newest `retention`
 * rows, and a watcher that fell behind what was pruned hears onGap().
 * Changes this process made are not delivered back to it: it told its own
 * caches already.
 */
export class SqliteChangeLog {
  /** Tags this process's rows, so its watchers skip them. */
  readonly origin = randomUUID();
  private readonly insert: Database.Statement<[string, string]>;
  private readonly oldestStmt: Database.Statement<[], number | null>;
  private readonly pageStmt: Database.Statement<[number, number], ChangeRow>;
  private sincePrune = 0;
  /** Each watcher's poll, so that sync() can run them at once. */
  private readonly polls = new Set<() => void>();

  constructor(
    private readonly db: Database.Database,
    private readonly options: ChangeLogOptions,
    private readonly logger: Logger,
  ) {
    this.insert = db.prepare('INSERT INTO ha_changes (key, origin) VALUES (?, ?)');
    this.oldestStmt = db.prepare<[], number | null>('SELECT min(seq) FROM ha_changes').pluck();
    this.pageStmt = db.prepare<[number, number], ChangeRow>('SELECT seq, key, origin FROM ha_changes WHERE seq > ? ORDER BY seq LIMIT ?');
  }

  /** Inside the write's transaction. */
  record(key: string): void {
    this.insert.run(key, this.origin);
    this.sincePrune++;
  }

  /** After a committed write: drop rows older than the retention, now and then. */
  pruneIfDue(): void {
    // Pruning is a write of its own: do it once per tenth of the retention, not after every write.
    if (this.sincePrune < Math.max(1, Math.floor(this.options.retention / 10))) return;
    this.sincePrune = 0;
    try {
      const newest = this.newestSeq();
      this.db.prepare('DELETE FROM ha_changes WHERE seq <= ?').run(newest - this.options.retention);
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'pruning the change log failed');
    }
  }

  newestSeq(): number {
    return (this.db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck().get('ha_changes') as number | undefined) ?? 0;
  }

  /** Starts polling from the current end of the log. */
  watch(listener: ChangeListener): () => Promise<void> {
    let last = this.newestSeq();
    let stopped = false;
    const poll = () => {
      if (stopped || !this.db.open) return;
      try {
        last = this.deliver(last, listener);
      } catch (err) {
        // The storage is busy or gone: what happened meanwhile is unknown, so the caches must start over.
        this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'reading the change log failed');
        listener.onGap();
      }
    };
    const timer = setInterval(poll, this.options.pollMs);
    timer.unref();
    this.polls.add(poll);
    return async () => {
      stopped = true;
      clearInterval(timer);
      this.polls.delete(poll);
    };
  }

  /** Every watcher reads the log now: what was committed before this call has been delivered when it returns. */
  sync(): void {
    for (const poll of this.polls) poll();
  }

  /** Delivers every change after `last`; returns the new position. */
  private deliver(last: number, listener: ChangeListener): number {
    const oldest = this.oldestStmt.get() ?? null;
    if (oldest !== null && oldest > last + 1) {
      listener.onGap();
      last = oldest - 1;
    }
    for (;;) {
      const rows = this.pageStmt.all(last, PAGE);
      for (const row of rows) {
        last = row.seq;
        if (row.origin !== this.origin) listener.onChange(row.key);
      }
      if (rows.length < PAGE) return last;
    }
  }
}
