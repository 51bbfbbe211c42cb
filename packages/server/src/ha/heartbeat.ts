import { createHash } from 'node:crypto';
import { getJson, putJson, type Storage } from '@coffer/sdk';

/** Inside the barrier: one entry per node, rewritten every few seconds while it is unsealed. */
export const HEARTBEAT_PREFIX = 'core/ha/nodes/';

/** A node that has not written its heartbeat for this long is no longer listed by sys/ha-status. */
export const HEARTBEAT_STALE_MS = 60_000;

export interface NodeHeartbeat {
  node_id: string;
  hostname: string;
  api_address: string;
  cluster_address: string;
  version: string;
  /** ISO time of the last heartbeat. */
  last_echo: string;
}

/** Node ids hold ":" and "/"; storage keys get a digest of it. */
function heartbeatKey(nodeId: string): string {
  return HEARTBEAT_PREFIX + createHash('sha256').update(nodeId).digest('hex').slice(0, 32);
}

export function writeHeartbeat(storage: Storage, beat: NodeHeartbeat): Promise<void> {
  return putJson(storage, heartbeatKey(beat.node_id), beat);
}

/** Every node heard from recently, oldest entries (stopped nodes) left out. */
export async function recentHeartbeats(storage: Storage, now: number): Promise<NodeHeartbeat[]> {
  const out: NodeHeartbeat[] = [];
  for (const name of await storage.list(HEARTBEAT_PREFIX)) {
    const beat = await getJson<NodeHeartbeat>(storage, HEARTBEAT_PREFIX + name);
    if (!beat || typeof beat.node_id !== 'string') continue;
    const at = Date.parse(beat.last_echo);
    if (Number.isFinite(at) && now - at <= HEARTBEAT_STALE_MS) out.push(beat);
  }
  return out;
}
