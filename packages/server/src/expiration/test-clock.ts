import type { Scheduler } from './manager.js';

/**
 * A hand-driven clock and timer queue for tests: nothing fires until the
 * test advances time, so expiry tests are exact and instant.
 */
export class TestClock implements Scheduler {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, { fn: () => void; at: number }>();

  constructor(start = Date.UTC(2024, 0, 1)) {
    this.current = start;
  }

  now = (): number => this.current;

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { fn, at: this.current + ms });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  /** Move time forward without firing timers (a stalled event loop). */
  jump(ms: number): void {
    this.current += ms;
  }

  /** Move time forward and fire every timer that is due. */
  advance(ms: number): void {
    this.current += ms;
    for (const [id, timer] of [...this.timers]) {
      if (timer.at <= this.current) {
        this.timers.delete(id);
        timer.fn();
      }
    }
  }
}
