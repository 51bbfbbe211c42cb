import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Logger } from '@coffer/sdk';
import type { HALock } from './ha.js';
import { sleep } from './abortable-sleep.js';

export const HA_LOCK_SCHEMA =
  'CREATE TABLE IF NOT EXISTS ha_locks (name TEXT PRIMARY KEY NOT NULL, holder TEXT NOT NULL, value TEXT NOT NULL, valid_until INTEGER NOT NULL)';

export interface SqliteLockTiming {
  /** How long a lock stays held without a renewal (ms). */
  ttlMs: number;
  /** How often a node waiting for the lock looks at it again (ms). */
  retryMs: number;
}

interface LockRow {
  holder: string;
  value: string;
  valid_until: number;
}

/**
 * A lease-style lock in a table of the shared SQLite file: a row with the
 * holder's id, what it advertises and when the lease ends. The holder renews
 * it three times per TTL; a holder that dies (SIGKILL) simply stops renewing
 * and the row counts as free once `valid_until` passes. All nodes run on one
 * machine (they share the file), so they share one clock.
 */
export class SqliteHaLock implements HALock {
  /** Unique per lock object: a node that restarts is a new holder. */
  private readonly holderId = randomUUID();
  private renewTimer: NodeJS.Timeout | undefined;
  private held: AbortController | undefined;
  /** When our lease ends, as far as we know (our last successful write). */
  private validUntil = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly name: string,
    private readonly value: string,
    private readonly timing: SqliteLockTiming,
    private readonly logger: Logger,
  ) {}

  async acquire(stop: AbortSignal): Promise<AbortSignal | null> {
    while (!stop.aborted) {
      if (this.tryTake()) return this.startHolding();
      await sleep(this.timing.retryMs, stop);
    }
    return null;
  }

  async release(): Promise<void> {
    this.stopHolding();
    if (!this.db.open) return;
    try {
      this.db.prepare('DELETE FROM ha_locks WHERE name = ? AND holder = ?').run(this.name, this.holderId);
    } catch (err) {
      // The lease runs out by itself; another node takes over after the TTL.
      this.logger.warn({ lock: this.name, err: errorText(err) }, 'releasing the HA lock failed');
    }
  }

  async holder(): Promise<{ held: boolean; value: string }> {
    const row = this.db.prepare<[string], LockRow>('SELECT holder, value, valid_until FROM ha_locks WHERE name = ?').get(this.name);
    if (!row || row.valid_until <= Date.now()) return { held: false, value: '' };
    return { held: true, value: row.value };
  }

  /** Takes the lock if it is free (absent, expired, or already ours), in one write transaction. */
  private tryTake(): boolean {
    try {
      // A plain read first: waiting nodes poll often, and a write transaction would queue behind the active node's writes.
      const row = this.db.prepare<[string], LockRow>('SELECT holder, value, valid_until FROM ha_locks WHERE name = ?').get(this.name);
      if (row && row.valid_until > Date.now() && row.holder !== this.holderId) return false;
      const take = this.db.transaction((): boolean => {
        const now = Date.now();
        const current = this.db.prepare<[string], LockRow>('SELECT holder, value, valid_until FROM ha_locks WHERE name = ?').get(this.name);
        if (current && current.valid_until > now && current.holder !== this.holderId) return false;
        this.db
          .prepare('INSERT INTO ha_locks (name, holder, value, valid_until) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, value = excluded.value, valid_until = excluded.valid_until')
          .run(this.name, this.holderId, this.value, now + this.timing.ttlMs);
        this.validUntil = now + this.timing.ttlMs;
        return true;
      });
      return take.immediate();
    } catch (err) {
      this.logger.warn({ lock: this.name, err: errorText(err) }, 'could not look at the HA lock; retrying');
      return false;
    }
  }

  private startHolding(): AbortSignal {
    this.stopHolding();
    const held = new AbortController();
    this.held = held;
    this.renewTimer = setInterval(() => this.renew(held), Math.max(10, Math.floor(this.timing.ttlMs / 3)));
    this.renewTimer.unref();
    return held.signal;
  }

  private renew(held: AbortController): void {
    const lost = (reason: string, err?: unknown) => {
      this.logger.warn({ lock: this.name, reason, ...(err ? { err: errorText(err) } : {}) }, 'lost the HA lock');
      this.stopHolding();
      held.abort(new Error(reason));
    };
    const now = Date.now();
    // The event loop stalled past our lease: another node may hold the lock by now.
    if (now >= this.validUntil) return lost('the lease ran out before it could be renewed');
    try {
      const result = this.db
        .prepare('UPDATE ha_locks SET valid_until = ? WHERE name = ? AND holder = ?')
        .run(now + this.timing.ttlMs, this.name, this.holderId);
      if (result.changes === 0) return lost('another node holds the lock');
      this.validUntil = now + this.timing.ttlMs;
    } catch (err) {
      lost('the storage could not be written', err);
    }
  }

  private stopHolding(): void {
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
    const held = this.held;
    this.held = undefined;
    if (held && !held.signal.aborted) held.abort(new Error('released'));
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
