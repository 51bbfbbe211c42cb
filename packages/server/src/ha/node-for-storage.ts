import { hostname } from 'node:os';
import type { Logger } from '@coffer/sdk';
import { isHABackend } from '../physical/ha.js';
import type { PhysicalBackend } from '../physical/types.js';
import { ClusterTransport } from './cluster-transport.js';
import { HaNode } from './ha-node.js';
import { FORWARDED_HEADER } from './standby-forwarding.js';

export interface HaSettings {
  /** `api_addr`: where clients and forwarded requests reach this node. */
  apiAddr?: string;
  /** `cluster_addr`, reported by sys/leader. */
  clusterAddr?: string;
  /** A listener's `cluster_address`: where the cluster port binds (default: cluster_addr's host:port). */
  clusterListenAddress?: string;
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
  if (settings.disableClustering !== true) {
    node.cluster = new ClusterTransport({
      listenAddress: settings.clusterListenAddress ?? (settings.clusterAddr ? clusterListenAddress(settings.clusterAddr, logger) : undefined),
      isForwarded: (req) => Boolean(req.headers[FORWARDED_HEADER]),
      logger: logger.child({ component: 'cluster' }),
    });
  }
  if (settings.performanceStandby && !node.servesReads) logger.warn({}, 'performance_standby needs a storage whose change feed can catch up on demand (sqlite, postgresql or etcd); standbys forward every request');
  return node;
}

/** host:port of a `cluster_addr` (https://host:port, or host:port); undefined, with a warning, when it has no port. */
export function clusterListenAddress(clusterAddr: string, logger: Logger): string | undefined {
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(clusterAddr) ? clusterAddr : `https://${clusterAddr}`);
    if (url.port) return `${url.hostname}:${url.port}`;
  } catch {
    // reported below
  }
  logger.warn({ cluster_addr: clusterAddr }, 'cluster_addr has no host:port: no cluster port is opened, standbys forward to api_addr');
  return undefined;
}
