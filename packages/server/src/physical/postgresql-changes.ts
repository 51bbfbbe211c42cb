import pg from 'pg';
import type { Logger } from '@coffer/sdk';
import type { ChangeListener } from './ha.js';
import { quoteIdentifier } from './postgresql-layout.js';

/**
 * Delivers the keys other writers announce with NOTIFY on `channel`, over a
 * connection of its own (LISTEN is per session, so a pooled connection would
 * not do). NOTIFY is not stored: whatever is sent while the connection is
 * down is lost, so after every reconnect the listener hears onGap(). An empty
 * payload (a key too long for NOTIFY) is a gap too.
 */
export async function watchPostgresChanges(
  connectionString: string,
  channel: string,
  listener: ChangeListener,
  logger: Logger,
  reconnectMs = 1000,
  /** Markers syncChanges() sends on `sync.channel` after the changes it waits for (see PostgresqlBackend.syncChanges). */
  sync?: { channel: string; seen: (token: string) => void },
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;

  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({ connectionString, keepAlive: true, connectionTimeoutMillis: 15_000 });
    c.on('notification', (msg) => {
      if (stopped) return;
      // Notifications reach a listener in commit order, whatever their channel: a marker
      // arrives after every change committed before it was sent.
      if (sync && msg.channel === sync.channel) return void (msg.payload && sync.seen(msg.payload));
      if (msg.channel !== channel) return;
      if (msg.payload) listener.onChange(msg.payload);
      else listener.onGap();
    });
    c.on('error', (err) => {
      logger.warn({ err: err.message }, 'postgresql change feed: connection lost; reconnecting');
      void c.end().catch(() => undefined);
    });
    c.on('end', () => {
      if (client === c) client = null;
      if (!stopped) scheduleReconnect();
    });
    await c.connect();
    await c.query(`LISTEN ${quoteIdentifier(channel)}`);
    if (sync) await c.query(`LISTEN ${quoteIdentifier(sync.channel)}`);
    return c;
  };

  const scheduleReconnect = (): void => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = null;
      connect().then(
        (c) => {
          if (stopped) return void c.end().catch(() => undefined);
          client = c;
          // Announcements sent while we were away are gone.
          listener.onGap();
        },
        (err: Error) => {
          logger.warn({ err: err.message }, 'postgresql change feed: cannot reconnect; retrying');
          scheduleReconnect();
        },
      );
    }, reconnectMs);
  };

  client = await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    retry = null;
    const c = client;
    client = null;
    await c?.end().catch(() => undefined);
  };
}
