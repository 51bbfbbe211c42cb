import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '@coffer/sdk';
import { lockRetryMsFor, type HALock } from './ha.js';
import { sleep } from './abortable-sleep.js';

export interface PostgresLockTiming {
  /** How long a row stays valid without renewal (Coffer: 4 s by default; Vault fixes 15 s). */
  ttlMs: number;
  /** How often the holder renews its row. */
  renewMs: number;
  /** How often a waiting node tries to take the row. */
  retryMs: number;
}

/** The holder renews three times per TTL; a waiting node retries as lockRetryMsFor says. */
export function lockTimingFor(ttlMs: number): PostgresLockTiming {
  return { ttlMs, renewMs: Math.max(100, Math.floor(ttlMs / 3)), retryMs: lockRetryMsFor(ttlMs) };
}

/** 4 s, like sqlite's: failover after a crash well under 5 s (Vault's 15 s is one ha_lock_ttl away). */
const DEFAULT_TIMING = lockTimingFor(4000);

/**
 * The HA lock as a row in `ha_table` (Vault's layout): the holder's random
 * identity, the value it advertises, and `valid_until`, which the holder
 * pushes forward every `renewMs`. A node may take the row when it is free or
 * expired. All times are the database's clock, so the nodes' clocks need not
 * agree. The holder gives up (its signal aborts) as soon as a renewal finds
 * the row gone or taken, or when it could not renew for a whole TTL.
 */
export class PostgresHALock implements HALock {
  private readonly identity = randomUUID();
  private readonly timing: PostgresLockTiming;
  private held: AbortController | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly quotedTable: string,
    private readonly key: string,
    private readonly value: string,
    private readonly logger: Logger,
    timing: Partial<PostgresLockTiming> = {},
  ) {
    this.timing = { ...DEFAULT_TIMING, ...timing };
  }

  /** Aborted when the storage closes: a node still waiting for the lock stops waiting. */
  private readonly disposed = new AbortController();

  async acquire(callerStop: AbortSignal): Promise<AbortSignal | null> {
    const stop = AbortSignal.any([callerStop, this.disposed.signal]);
    if (this.held && !this.held.signal.aborted) return this.held.signal;
    while (!stop.aborted) {
      try {
        const attempt = this.tryTake();
        // A database that stopped answering must not keep a stopped caller waiting.
        const taken = await untilAborted(attempt, stop);
        if (stop.aborted) {
          // If the attempt still succeeds, nobody renews the row: give it back.
          void attempt.then(
            async (won) => void (won && (await this.deleteRow())),
            () => undefined,
          );
          return null;
        }
        if (taken) return this.startHolding();
      } catch (err) {
        this.logger.warn({ err: (err as Error).message, lock: this.key }, 'postgresql HA lock: cannot reach the database; retrying');
      }
      await sleep(this.timing.retryMs, stop);
    }
    return null;
  }

  /** release(), and no more waiting: the storage is closing. */
  async dispose(): Promise<void> {
    this.disposed.abort();
    await this.release();
  }

  async release(): Promise<void> {
    const held = this.held;
    this.stopHolding('the lock was released');
    if (held) await this.deleteRow();
  }

  async holder(): Promise<{ held: boolean; value: string }> {
    const res = await this.pool.query<{ ha_value: string | null }>(
      `SELECT ha_value FROM ${this.quotedTable} WHERE ha_key = $1 AND valid_until > now()`,
      [this.key],
    );
    const row = res.rows[0];
    return row ? { held: true, value: row.ha_value ?? '' } : { held: false, value: '' };
  }

  /** Takes the row if free, expired or already ours; true when this node now holds it. */
  private async tryTake(): Promise<boolean> {
    const res = await this.pool.query(
      `INSERT INTO ${this.quotedTable} AS l (ha_key, ha_identity, ha_value, valid_until)
         VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond')
       ON CONFLICT (ha_key) DO UPDATE
         SET ha_identity = excluded.ha_identity, ha_value = excluded.ha_value, valid_until = excluded.valid_until
         WHERE l.valid_until <= now() OR l.ha_identity = excluded.ha_identity`,
      [this.key, this.identity, this.value, this.timing.ttlMs],
    );
    return res.rowCount === 1;
  }

  private startHolding(): AbortSignal {
    const held = new AbortController();
    this.held = held;
    let lastRenewed = Date.now();
    const renew = async (): Promise<void> => {
      if (this.held !== held) return;
      try {
        const res = await this.pool.query(
          `UPDATE ${this.quotedTable} SET valid_until = now() + $3 * interval '1 millisecond'
           WHERE ha_key = $1 AND ha_identity = $2 AND valid_until > now()`,
          [this.key, this.identity, this.timing.ttlMs],
        );
        if (res.rowCount === 1) lastRenewed = Date.now();
        else return this.lose(held, 'the lock row expired or another node took it');
      } catch (err) {
        this.logger.warn({ err: (err as Error).message, lock: this.key }, 'postgresql HA lock: renewal failed');
      }
      if (this.held === held) this.renewTimer = setTimeout(() => void renew(), this.timing.renewMs);
    };
    this.renewTimer = setTimeout(() => void renew(), this.timing.renewMs);
    // Apart from the renewals, which may hang on a database that stopped answering:
    // a whole TTL since the last success means the row may already be someone else's.
    this.watchdog = setInterval(() => {
      if (Date.now() - lastRenewed >= this.timing.ttlMs) this.lose(held, 'the database was unreachable for longer than the lock TTL');
    }, Math.max(50, Math.min(this.timing.renewMs, this.timing.ttlMs / 4)));
    return held.signal;
  }

  private lose(held: AbortController, why: string): void {
    if (this.held !== held) return;
    this.logger.warn({ lock: this.key }, `postgresql HA lock lost: ${why}`);
    this.stopHolding(why);
  }

  private stopHolding(why: string): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    this.renewTimer = null;
    this.watchdog = null;
    const held = this.held;
    this.held = null;
    held?.abort(new Error(why));
  }

  private async deleteRow(): Promise<void> {
    await this.pool
      .query(`DELETE FROM ${this.quotedTable} WHERE ha_key = $1 AND ha_identity = $2`, [this.key, this.identity])
      .catch((err: Error) => this.logger.warn({ err: err.message, lock: this.key }, 'postgresql HA lock: cannot delete the lock row; it expires by itself'));
  }
}

/** `work`'s result, or false as soon as `signal` aborts (the work goes on unobserved). */
function untilAborted(work: Promise<boolean>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
