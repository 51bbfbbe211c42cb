import type { Logger } from '@coffer/sdk';

/**
 * A cache's answer to "the storage entry at `key` changed below you". Keys
 * are full barrier paths ("sys/policy/admin", "logical/<uuid>/config").
 */
export interface InvalidationHandler {
  /** The handler sees keys under this barrier prefix (or equal to it). */
  prefix: string;
  invalidate(key: string): void | Promise<void>;
  /**
   * Forget everything under `prefix` (changes may have been missed: an HA
   * standby's change feed had a gap, or it just became active). Without
   * it, `invalidate(prefix)` is called, which suits a handler of one key.
   */
  invalidateAll?(): void | Promise<void>;
}

/**
 * One mechanism, keyed by storage path, that tells every cache an entry
 * changed. Today local writes drive it (the modules' barrier reports each
 * write, see barrier/reporting-barrier.ts); with HA, a standby drives it
 * from the active node's storage changes by calling invalidate(key).
 *
 * Reported writes are handled in order, one batch after the other, off the
 * writer's path (a write made while a cache holds a lock must not wait on
 * that cache); invalidate() runs the handlers at once and waits for them.
 */
export class Invalidator {
  private readonly handlers: InvalidationHandler[] = [];
  private queue: Promise<void> = Promise.resolve();
  /** Keys reported since the last batch was handled: one batch per turn of the queue, not one per write. */
  private pending: string[] = [];

  constructor(private readonly logger: Logger) {}

  register(handlers: readonly InvalidationHandler[]): void {
    this.handlers.push(...handlers);
  }

  /** Forget every handler (seal). */
  clear(): void {
    this.handlers.length = 0;
  }

  /** Tell every cache holding `key` that it changed; resolves when they all have. */
  async invalidate(key: string): Promise<void> {
    for (const handler of this.handlers) {
      if (!key.startsWith(handler.prefix)) continue;
      try {
        await handler.invalidate(key);
      } catch (err) {
        this.logger.warn({ key, err: err instanceof Error ? err.message : String(err) }, 'invalidating a cache failed');
      }
    }
  }

  /** Every cache starts over from storage (see InvalidationHandler.invalidateAll). */
  async invalidateAll(): Promise<void> {
    for (const handler of this.handlers) {
      try {
        await (handler.invalidateAll ? handler.invalidateAll() : handler.invalidate(handler.prefix));
      } catch (err) {
        this.logger.warn({ prefix: handler.prefix, err: err instanceof Error ? err.message : String(err) }, 'invalidating a cache failed');
      }
    }
  }

  /** Queue keys that were just written (the reporting barrier calls this). */
  written(keys: readonly string[]): void {
    const relevant = keys.filter((k) => this.handlers.some((h) => k.startsWith(h.prefix)));
    if (relevant.length === 0) return;
    const scheduled = this.pending.length > 0;
    this.pending.push(...relevant);
    if (scheduled) return;
    this.queue = this.queue.then(async () => {
      const batch = this.pending;
      this.pending = [];
      for (const key of batch) await this.invalidate(key);
    });
  }

  /** Resolves once every write reported so far has been handled. */
  settled(): Promise<void> {
    return this.queue;
  }
}
