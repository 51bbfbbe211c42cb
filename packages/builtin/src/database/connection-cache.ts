import { CofferError, isCofferError, type DatabasePlugin, type Logger, type OpenedDatabasePlugin, type SystemView } from '@coffer/sdk';
import { openBuiltinDatabasePlugin } from './builtin-plugins.js';
import type { DatabaseConfig } from './config-entry.js';

/** One open plugin connection and the calls running on it. */
export class LiveConnection {
  /** Calls running on this connection right now. */
  inFlight = 0;
  /** Replaced or removed: no new call starts on it, and it closes once idle. */
  retired = false;
  private retirement?: Promise<void>;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    readonly pluginName: string,
    /** The version the plugin reports, else the catalog's ("" when neither says). */
    readonly runningVersion: string,
    private readonly opened: OpenedDatabasePlugin,
  ) {}

  get database(): DatabasePlugin {
    return this.opened.database;
  }

  release(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Stops new use, waits up to `drainMs` for running calls, then closes the plugin connection. Idempotent. */
  retire(drainMs: number, logger: Logger): Promise<void> {
    this.retired = true;
    this.retirement ??= (async () => {
      if (this.inFlight > 0 && !(await this.idle(drainMs))) {
        logger.warn({ connection: this.name, inFlight: this.inFlight }, 'calls still running on a replaced database connection after the drain timeout; closing it anyway');
      }
      try {
        await this.opened.close();
      } catch (err) {
        logger.warn({ connection: this.name, err: err instanceof Error ? err.message : String(err) }, 'closing a database plugin connection failed');
      }
    })();
    return this.retirement;
  }

  private idle(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      timer.unref?.();
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

interface Slot {
  promise: Promise<LiveConnection>;
  /** Set once the connection is open (and still the current one). */
  conn?: LiveConnection;
}

export interface ConnectionCacheOptions {
  system: SystemView;
  logger: Logger;
  /** How long a replaced connection may finish running calls before it is closed anyway (default 30 s). */
  drainTimeoutMs?: number;
}

const DEFAULT_DRAIN_MS = 30_000;

/**
 * The open plugin connections of one mount, one per configured connection
 * name, opened lazily on first use and kept until the configuration
 * changes, a reset or reload replaces them, or the mount is cleaned up.
 *
 * Replacing a connection never drops a call: the new connection is opened
 * and initialized first, new calls go to it at once, and the old one is
 * closed when the calls already running on it have finished.
 */
export class ConnectionCache {
  private readonly slots = new Map<string, Slot>();
  private readonly drainMs: number;

  constructor(private readonly options: ConnectionCacheOptions) {
    this.drainMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_MS;
  }

  /**
   * Opens a new connection of `config`'s plugin and initializes it, without
   * caching it. Returns the configuration the plugin asks to store.
   */
  async open(name: string, config: DatabaseConfig, verifyConnection: boolean): Promise<{ connection: LiveConnection; details: Record<string, unknown> }> {
    const opened = await this.openPlugin(config.plugin_name, config.plugin_version);
    try {
      const init = await opened.database.initialize({ config: config.connection_details, verifyConnection });
      const runningVersion = await this.reportedVersion(opened, name);
      return { connection: new LiveConnection(name, config.plugin_name, runningVersion, opened), details: init.config ?? {} };
    } catch (err) {
      await opened.close().catch(() => undefined);
      throw withContext(err, 'error creating database object');
    }
  }

  /**
   * Runs `work` on the connection `name`, opening it from the stored
   * configuration (`load`) when it is not open yet. When the plugin process
   * has gone (`unavailable`), the connection is dropped so that the next
   * call starts a new one; with `retryUnavailable` this call is retried
   * once on it (for calls that are safe to repeat).
   */
  async use<T>(
    name: string,
    load: () => Promise<DatabaseConfig | null>,
    work: (db: DatabasePlugin) => Promise<T>,
    opts: { retryUnavailable?: boolean } = {},
  ): Promise<T> {
    let retried = false;
    for (let spins = 0; ; spins++) {
      const conn = await this.acquire(name, load);
      if (conn.retired) {
        // Replaced between opening and use: the cache already holds its successor.
        if (spins > 10) throw new CofferError('unavailable', `the database connection "${name}" keeps being replaced; try again`);
        continue;
      }
      conn.inFlight++;
      try {
        return await work(conn.database);
      } catch (err) {
        if (isCofferError(err) && err.code === 'unavailable') {
          void this.evictConnection(name, conn);
          if (opts.retryUnavailable && !retried) {
            retried = true;
            continue;
          }
        }
        throw err;
      } finally {
        conn.release();
      }
    }
  }

  /** Makes `connection` the current one for `name`; the previous one is closed once idle. */
  async install(name: string, connection: LiveConnection): Promise<void> {
    const previous = this.slots.get(name);
    this.slots.set(name, { promise: Promise.resolve(connection), conn: connection });
    if (previous) await this.retireSlot(previous);
  }

  /** Closes a connection that was opened but never installed. */
  discard(connection: LiveConnection): Promise<void> {
    return connection.retire(0, this.options.logger);
  }

  /** Forgets the connection `name` (the next use opens a new one) and closes it once idle. */
  async evict(name: string): Promise<void> {
    const slot = this.slots.get(name);
    if (!slot) return;
    this.slots.delete(name);
    await this.retireSlot(slot);
  }

  /** The version the open connection `name` runs, if it is open. */
  runningVersion(name: string): string | undefined {
    return this.slots.get(name)?.conn?.runningVersion;
  }

  /** Names of the connections open (or opening) now. */
  openNames(): string[] {
    return [...this.slots.keys()];
  }

  /** Closes every connection (the mount is going away). */
  async closeAll(): Promise<void> {
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(slots.map((slot) => this.retireSlot(slot, 0)));
  }

  private acquire(name: string, load: () => Promise<DatabaseConfig | null>): Promise<LiveConnection> {
    const existing = this.slots.get(name);
    if (existing) return existing.promise;
    const slot: Slot = {
      promise: (async () => {
        const config = await load();
        if (!config) throw new CofferError('invalid_request', `no database connection named "${name}" is configured`);
        // Opening a stored configuration always checks that the database answers, as Vault does.
        return (await this.open(name, config, true)).connection;
      })(),
    };
    this.slots.set(name, slot);
    slot.promise.then(
      (conn) => {
        if (this.slots.get(name) === slot) slot.conn = conn;
        else void conn.retire(this.drainMs, this.options.logger);
      },
      () => {
        // A failed open is not cached: the next call tries again.
        if (this.slots.get(name) === slot) this.slots.delete(name);
      },
    );
    return slot.promise;
  }

  private async evictConnection(name: string, conn: LiveConnection): Promise<void> {
    if (this.slots.get(name)?.conn === conn) this.slots.delete(name);
    await conn.retire(this.drainMs, this.options.logger);
  }

  private async retireSlot(slot: Slot, drainMs = this.drainMs): Promise<void> {
    let conn: LiveConnection;
    try {
      conn = await slot.promise;
    } catch {
      return; // it never opened: nothing to close
    }
    await conn.retire(drainMs, this.options.logger);
  }

  private async openPlugin(pluginName: string, version: string): Promise<OpenedDatabasePlugin> {
    const { system } = this.options;
    // The catalog runs external plugins (a registered one overrides a built-in of the same name); otherwise Coffer's own.
    const opened = system.openDatabasePlugin ? await system.openDatabasePlugin(pluginName, version) : null;
    if (opened) return opened;
    const builtin = openBuiltinDatabasePlugin(pluginName, version);
    if (!builtin) throw new CofferError('invalid_request', `plugin not found in the catalog: ${pluginName}${version ? ` (version ${version})` : ''}`);
    return builtin;
  }

  /** Asks the plugin for its version (a remote plugin reports it with its type). */
  private async reportedVersion(opened: OpenedDatabasePlugin, name: string): Promise<string> {
    try {
      await opened.database.type();
    } catch (err) {
      this.options.logger.debug({ connection: name, err: err instanceof Error ? err.message : String(err) }, 'the database plugin did not report its type');
    }
    return opened.database.pluginVersion?.() || opened.version;
  }
}

/** The same error (same code) with what was being done in front of its message. */
export function withContext(err: unknown, what: string): CofferError {
  if (isCofferError(err)) {
    const message = err.message ? `${what}: ${err.message}` : what;
    return new CofferError(err.code, message, { cause: err });
  }
  return new CofferError('internal', `${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
