import type { Etcd3, Watcher } from 'etcd3';
import type { Logger } from '@coffer/sdk';
import type { ChangeListener } from './ha.js';

/**
 * Delivers every put and delete under `prefix` from a watch. The client
 * resumes a dropped watch from the last revision it saw, but while it was
 * away the listener cannot know that nothing was lost (etcd may have
 * compacted those revisions), so every reconnect is reported as a gap. A
 * watch that etcd cancels (compaction) is re-created from now, after a gap.
 */
export async function watchEtcdChanges(client: Etcd3, prefix: string, listener: ChangeListener, logger: Logger): Promise<() => Promise<void>> {
  let stopped = false;
  let watcher: Watcher | null = null;

  const start = async (): Promise<Watcher> => {
    const w = await client.watch().prefix(prefix).create();
    let disconnected = false;
    w.on('put', (kv) => void (stopped || listener.onChange(kv.key.toString('utf8').slice(prefix.length))));
    w.on('delete', (kv) => void (stopped || listener.onChange(kv.key.toString('utf8').slice(prefix.length))));
    w.on('disconnected', () => {
      if (disconnected || stopped) return;
      disconnected = true;
      logger.warn({}, 'etcd change feed: watch disconnected; reconnecting');
    });
    w.on('connected', () => {
      if (!disconnected || stopped) return;
      disconnected = false;
      listener.onGap();
    });
    w.on('error', (err) => {
      if (stopped || watcher !== w) return;
      logger.warn({ err: err.message }, 'etcd change feed: watch cancelled; starting a new one');
      watcher = null;
      listener.onGap();
      void restart();
    });
    return w;
  };

  const restart = async (): Promise<void> => {
    while (!stopped && watcher === null) {
      try {
        const w = await start();
        if (stopped) return void (await w.cancel().catch(() => undefined));
        watcher = w;
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'etcd change feed: cannot watch; retrying');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };

  watcher = await start();
  return async () => {
    stopped = true;
    const w = watcher;
    watcher = null;
    await w?.cancel().catch(() => undefined);
  };
}
