import { randomBytes, randomUUID } from 'node:crypto';
import { getJson, putJson, type Storage } from '@coffer/sdk';

/** The local cluster's identity, reported by seal-status and health once unsealed. */
export interface ClusterInfo {
  name: string;
  id: string;
}

/** Inside the barrier, at Vault's path. */
export const CLUSTER_INFO_PATH = 'core/cluster/local/info';

/**
 * Load the cluster identity, creating it on first unseal. A configured
 * `cluster_name` wins over the stored one; otherwise a name is generated the
 * way Vault does ("vault-cluster-" and 8 hex digits) so existing tooling that
 * looks for it keeps working.
 */
export async function loadClusterInfo(barrier: Storage, configuredName?: string): Promise<ClusterInfo> {
  const stored = await getJson<Partial<ClusterInfo>>(barrier, CLUSTER_INFO_PATH);
  const info: ClusterInfo = {
    id: typeof stored?.id === 'string' && stored.id !== '' ? stored.id : randomUUID(),
    name: configuredName || (typeof stored?.name === 'string' && stored.name !== '' ? stored.name : `vault-cluster-${randomBytes(4).toString('hex')}`),
  };
  if (info.id !== stored?.id || info.name !== stored?.name) await putJson(barrier, CLUSTER_INFO_PATH, info);
  return info;
}
