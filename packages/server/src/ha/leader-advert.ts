/**
 * What the active node advertises in the HA lock's value, so the other
 * nodes (sealed ones included) know where to forward or redirect requests.
 */
export interface LeaderAdvert {
  nodeId: string;
  /** The `api_addr` clients (and forwarded requests) reach it at. */
  apiAddress: string;
  /** The `cluster_addr`, reported by sys/leader. */
  clusterAddress: string;
}

export function encodeAdvert(advert: LeaderAdvert): string {
  return JSON.stringify({ node_id: advert.nodeId, api_address: advert.apiAddress, cluster_address: advert.clusterAddress });
}

/** A holder's value; null when it is not an advert of ours (another program's lock). */
export function decodeAdvert(value: string): LeaderAdvert | null {
  try {
    const raw = JSON.parse(value) as Record<string, unknown>;
    if (typeof raw.node_id !== 'string' || typeof raw.api_address !== 'string') return null;
    return { nodeId: raw.node_id, apiAddress: raw.api_address, clusterAddress: typeof raw.cluster_address === 'string' ? raw.cluster_address : '' };
  } catch {
    return null;
  }
}
