import { CofferError, type Storage } from '@coffer/sdk';
import { readConfig } from './config-entry.js';
import { withContext } from './connection-cache.js';
import { withDatabase, type DatabaseContext } from './context.js';
import { generatePassword } from './password.js';
import { nextRotation, withinWindow } from './rotation-schedule.js';
import { deleteWal, listStaticRoles, readStaticRole, readWal, writeStaticRole, writeWal, type StaticRoleEntry } from './static-role-entry.js';

export interface StaticRotationOptions {
  /** First retry delay after a failed rotation; doubles per failure (default 2 s). */
  retryBaseMs?: number;
  /** Longest retry delay (default 5 min). */
  retryMaxMs?: number;
}

/** setTimeout's ceiling: later times are reached by re-arming. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Rotates the passwords of static roles, on schedule and on demand.
 *
 * A rotation never leaves the database with a password Coffer does not
 * know: the new password is written ahead (static-wal/<role>), then set in
 * the database, then committed to the role and the WAL removed. If setting
 * it fails, the role keeps (and serves) its old password and the rotation
 * is retried with backoff, with the WAL's password, so a change the
 * database did apply before a crash converges instead of being lost. The
 * queue is the roles' stored next_vault_rotation, rebuilt at start, and a
 * WAL left by a crash is finished first.
 */
export class StaticRotator {
  private storage: Storage | undefined;
  private readonly due = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = false;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly ctx: DatabaseContext,
    options: StaticRotationOptions = {},
  ) {
    this.retryBaseMs = options.retryBaseMs ?? 2000;
    this.retryMaxMs = options.retryMaxMs ?? 300_000;
  }

  /** Loads the queue from storage; rotations interrupted by a crash are due at once. */
  async start(storage: Storage): Promise<void> {
    this.storage = storage;
    this.stopped = false;
    const now = this.ctx.now().getTime();
    for (const name of await listStaticRoles(storage)) {
      const role = await readStaticRole(storage, name);
      if (!role) continue;
      const wal = await readWal(storage, name);
      this.schedule(name, wal ? now : role.next_vault_rotation);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.due.clear();
  }

  schedule(name: string, at: number): void {
    this.due.set(name, at);
    if (at < this.timerAt) this.arm();
  }

  unschedule(name: string): void {
    this.due.delete(name);
  }

  /**
   * Rotates `name` now. `pending` is a role being created: it is stored
   * only once its first password is set. Throws (with the database's
   * reason) when the password could not be set; the old one stays.
   */
  rotate(storage: Storage, name: string, pending?: StaticRoleEntry): Promise<StaticRoleEntry> {
    return this.ctx.locks.run(`static-role/${name}`, () => this.rotateLocked(storage, name, pending));
  }

  private async rotateLocked(storage: Storage, name: string, pending?: StaticRoleEntry): Promise<StaticRoleEntry> {
    const role = pending ?? (await readStaticRole(storage, name));
    if (!role) throw new CofferError('invalid_request', `unknown static role "${name}"`);
    const config = await readConfig(storage, role.db_name);
    if (!config) throw new CofferError('invalid_request', `static role "${name}" uses the database connection "${role.db_name}", which is not configured`);

    // Write ahead: a password that may reach the database is always stored first.
    let wal = await readWal(storage, name);
    if (!wal) {
      wal = { password: await generatePassword(this.ctx.system, config.password_policy), started: this.ctx.now().getTime() };
      await writeWal(storage, name, wal);
    }
    const newPassword = wal.password;
    try {
      await withDatabase(this.ctx, storage, role.db_name, (db) =>
        db.updateUser({ username: role.username, password: { newPassword, statements: { commands: role.rotation_statements } } }),
      );
    } catch (err) {
      const failure = withContext(err, `failed to rotate the password of static role "${name}"`);
      if (pending) {
        // A role being created is not stored: nothing to retry, and no password of it can be in the database.
        await deleteWal(storage, name);
        throw failure;
      }
      role.failed_rotations += 1;
      role.last_rotation_error = failure.message;
      const delay = Math.min(this.retryBaseMs * 2 ** (role.failed_rotations - 1), this.retryMaxMs);
      role.next_vault_rotation = this.ctx.now().getTime() + delay;
      await writeStaticRole(storage, name, role);
      this.schedule(name, role.next_vault_rotation);
      this.ctx.logger.warn({ role: name, attempt: role.failed_rotations, retry_in_ms: delay, err: failure.message }, 'static role rotation failed; the old password stays in use and the rotation will be retried');
      throw failure;
    }
    const now = this.ctx.now().getTime();
    const committed: StaticRoleEntry = {
      ...role,
      password: newPassword,
      last_vault_rotation: now,
      next_vault_rotation: nextRotation(role, now),
      last_rotation_error: '',
      failed_rotations: 0,
    };
    await writeStaticRole(storage, name, committed);
    await deleteWal(storage, name);
    this.schedule(name, committed.next_vault_rotation);
    return committed;
  }

  private arm(): void {
    if (this.stopped) return;
    let first = Number.POSITIVE_INFINITY;
    for (const at of this.due.values()) first = Math.min(first, at);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = first;
    if (first === Number.POSITIVE_INFINITY) return;
    const delay = Math.min(Math.max(0, first - this.ctx.now().getTime()), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      void this.runDue().finally(() => this.arm());
    }, delay);
    this.timer.unref?.();
  }

  private async runDue(): Promise<void> {
    const storage = this.storage;
    if (!storage) return;
    const now = this.ctx.now().getTime();
    for (const [name, at] of [...this.due]) {
      if (this.stopped || at > now) continue;
      this.due.delete(name);
      try {
        const role = await readStaticRole(storage, name);
        if (!role) continue;
        const interrupted = (await readWal(storage, name)) !== null;
        if (!interrupted && !withinWindow(role, at, now)) {
          // Missed by more than rotation_window (the server was down): wait for the next scheduled time.
          role.next_vault_rotation = nextRotation(role, now);
          await writeStaticRole(storage, name, role);
          this.schedule(name, role.next_vault_rotation);
          continue;
        }
        await this.rotate(storage, name);
      } catch {
        // Logged and rescheduled by rotate(); a role whose config vanished is simply not rescheduled.
      }
    }
  }
}
