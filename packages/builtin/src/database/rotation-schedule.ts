import { CronExpressionParser } from 'cron-parser';
import { CofferError } from '@coffer/sdk';

/** Vault's floor for rotation_period, and for rotation_window. */
export const MIN_ROTATION_PERIOD_SECONDS = 5;
export const MIN_ROTATION_WINDOW_SECONDS = 3600;

/** Checks a 5-field cron expression (minute hour day-of-month month day-of-week), with the parser's reason. */
export function checkSchedule(schedule: string): void {
  if (schedule.trim().split(/\s+/).length !== 5) {
    throw new CofferError('invalid_request', `invalid rotation_schedule "${schedule}": expected 5 fields (minute hour day-of-month month day-of-week)`);
  }
  try {
    CronExpressionParser.parse(schedule, { tz: 'UTC' });
  } catch (err) {
    throw new CofferError('invalid_request', `invalid rotation_schedule "${schedule}": ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** When the next rotation is due after `from` (ms): `from` + period, or the schedule's next time. */
export function nextRotation(role: { rotation_period: number; rotation_schedule: string }, from: number): number {
  if (role.rotation_schedule) {
    return CronExpressionParser.parse(role.rotation_schedule, { tz: 'UTC', currentDate: new Date(from) }).next().getTime();
  }
  return from + role.rotation_period * 1000;
}

/**
 * Whether a scheduled rotation that was due at `due` may still run at
 * `now`: with a rotation_window, a rotation missed by more than the window
 * (the server was down) waits for the next scheduled time instead.
 */
export function withinWindow(role: { rotation_schedule: string; rotation_window: number }, due: number, now: number): boolean {
  return !role.rotation_schedule || role.rotation_window <= 0 || now - due <= role.rotation_window * 1000;
}
