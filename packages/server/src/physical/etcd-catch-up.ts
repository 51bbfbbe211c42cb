import type { Etcd3 } from 'etcd3';
import type { Logger } from '@coffer/sdk';

/**
 * How a catch-up learns that the change feed has delivered everything up to
 * a revision:
 * - 'progress': read the store's revision, then send a progress request on
 *   the feed's watch stream; etcd answers with a revision once every event up
 *   to it has been sent on that stream. Nothing is written.
 * - 'marker': write the marker key (under the prefix, watched by the feed)
 *   and wait for its event; events reach a watch in revision order.
 */
export type CatchUpMethod = 'progress' | 'marker';

/**
 * Older etcd servers answer a progress request at once, beside the event
 * queue, so the answer can overtake events it claims were sent (etcd issue
 * #15220); 3.4.31 and 3.5.13 carry both fixes (answers queued behind the
 * events, and answered for a watch that has had no event yet). Older servers
 * get the marker write.
 */
export function progressKeepsOrder(version: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (major !== 3) return major > 3;
  if (minor === 4) return patch >= 31;
  if (minor === 5) return patch >= 13;
  return minor > 5;
}

/** The method for the etcd member that answers; the marker when it cannot tell its version. */
export async function catchUpMethodFor(client: Etcd3, logger: Logger): Promise<CatchUpMethod> {
  try {
    const { version } = await client.maintenance.status();
    const method: CatchUpMethod = progressKeepsOrder(version) ? 'progress' : 'marker';
    logger.info({ etcd_version: version, method }, 'etcd storage: performance-standby catch-ups use ' + (method === 'progress' ? 'watch progress requests' : 'a marker write per catch-up (this etcd\'s progress answers can overtake events)'));
    return method;
  } catch (err) {
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'etcd storage: cannot read the etcd version; performance-standby catch-ups write a marker');
    return 'marker';
  }
}
