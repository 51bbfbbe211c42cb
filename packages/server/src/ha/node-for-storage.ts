import { hostname } from 'node:os';
import type { Logger } from '@coffer/sdk';
import { isHABackend } from '../physical/ha.js';
import type { PhysicalBackend } from '../physical/types.js';
import { HaNode } from './ha-node.js';

export interface HaSettings {
  /** `api_addr`: where clients and forwarded requests reach this node. */
  apiAddr?: string;
  /** `cluster_addr`, reported by sys/leader. */
  clusterAddr?: string;
  /** `disable_clustering`: standbys answer 307 instead of forwarding. */
  disableClustering?: boolean;
  /** `performance_standby`: standbys serve reads themselves. */
  performanceStandby?: boolean;
  /** The first listener's URL, the api_addr when none is configured. */
  listenerUrl: string;
}

/** This server's HA node when its storage can elect a leader and has ha_enabled; undefined otherwise. */
export function haNodeForStorage(physical: PhysicalBackend, settings: HaSettings, logger: Logger): HaNode | undefined {
  if (!isHABackend(physical) || !physical.haEnabled) return undefined;
  const apiAddress = (settings.apiAddr ?? settings.listenerUrl).replace(/\/+$/, '');
  if (!settings.apiAddr) logger.warn({ api_addr: apiAddress }, 'api_addr is not set: the other nodes forward requests to the first listener\'s address');
  const host = hostname();
  const node = new HaNode({
    backend: physical,
    self: { nodeId: `${host}/${apiAddress}`, apiAddress, clusterAddress: settings.clusterAddr ?? '' },
    hostname: host,
    forwarding: settings.disableClustering !== true,
    performanceStandby: settings.performanceStandby === true,
    logger,
  });
  if (settings.performanceStandby && !node.servesReads) logger.warn({}, 'performance_standby needs a storage whose change feed can catch up on demand (sqlite); standbys forward every request');
  return node;
}
