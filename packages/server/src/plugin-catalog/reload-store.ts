import { getJson, putJson, type Storage } from '@coffer/sdk';
import type { PluginType } from './plugin-type.js';

/** Where reload requests and results live inside the barrier. */
export const RELOAD_PREFIX = 'core/plugin-reload/';

/** A reload as asked for, stored so that other nodes and reload-status can read it. */
export interface ReloadRequestRecord {
  reload_id: string;
  /** Plugin name ('' when mounts were named). */
  plugin: string;
  /** The plugin type for sys/plugins/reload/:type/:name; '' for sys/plugins/reload/backend. */
  type: PluginType | 'unknown' | '';
  mounts: string[];
  scope: '' | 'global';
  /** RFC 3339. */
  requested_at: string;
  /** The node that took the request. */
  node_id: string;
}

/** One node's result, with Vault's field names (error '' means success). */
export interface NodeReloadResult {
  timestamp: string;
  error: string;
}

/**
 * Layout, under core/plugin-reload/:
 *   <reload_id>/request            the ReloadRequestRecord
 *   <reload_id>/results/<node>     each node's NodeReloadResult (node id URI-encoded)
 * Any node sharing the storage can list the requests, apply the global ones
 * it has no result for, and write its own result beside the others.
 */
export class ReloadStore {
  constructor(private readonly storage: Storage) {}

  putRequest(record: ReloadRequestRecord): Promise<void> {
    return putJson(this.storage, `${record.reload_id}/request`, record);
  }

  getRequest(reloadId: string): Promise<ReloadRequestRecord | null> {
    return getJson<ReloadRequestRecord>(this.storage, `${reloadId}/request`);
  }

  putResult(reloadId: string, nodeId: string, result: NodeReloadResult): Promise<void> {
    return putJson(this.storage, `${reloadId}/results/${encodeURIComponent(nodeId)}`, result);
  }

  async results(reloadId: string): Promise<Record<string, NodeReloadResult>> {
    const out: Record<string, NodeReloadResult> = {};
    for (const key of await this.storage.list(`${reloadId}/results/`)) {
      if (key.endsWith('/')) continue;
      const result = await getJson<NodeReloadResult>(this.storage, `${reloadId}/results/${key}`);
      if (result) out[decodeURIComponent(key)] = result;
    }
    return out;
  }

  async hasResult(reloadId: string, nodeId: string): Promise<boolean> {
    return (await this.storage.get(`${reloadId}/results/${encodeURIComponent(nodeId)}`)) !== null;
  }

  async requestIds(): Promise<string[]> {
    return (await this.storage.list('')).filter((k) => k.endsWith('/')).map((k) => k.slice(0, -1));
  }

  /** Removes everything about one reload (old records are pruned). */
  async remove(reloadId: string): Promise<void> {
    for (const key of await this.storage.list(`${reloadId}/results/`)) await this.storage.delete(`${reloadId}/results/${key}`);
    await this.storage.delete(`${reloadId}/request`);
  }
}
