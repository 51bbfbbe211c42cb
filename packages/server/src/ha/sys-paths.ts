import { hostname } from 'node:os';
import type { PathDefinition, Storage } from '@coffer/sdk';
import { REPORTED_VERSION } from '../core/version.js';
import type { HaNode } from './ha-node.js';
import { recentHeartbeats } from './heartbeat.js';

/**
 * sys/ha-status (every node heard from lately, from the heartbeats each
 * node keeps in storage; the body also carries them at the top level, where
 * Vault's Go client reads them) and sys/step-down (sudo; the active node gives the
 * lock up). Without HA, step-down is a no-op as in Vault.
 */
export function haSysPaths(node: HaNode | undefined, storage: Storage): PathDefinition[] {
  return [
    {
      pattern: 'ha-status',
      operations: {
        read: async () => {
          // Without HA this node is the whole cluster, and active (as Vault answers).
          if (!node) return { data: { nodes: [{ hostname: hostname(), api_address: '', cluster_address: '', active_node: true, last_echo: null, version: REPORTED_VERSION }] } };
          const leader = await node.leader();
          const beats = await recentHeartbeats(storage, Date.now());
          const nodes = beats.map((b) => ({
            hostname: b.hostname,
            api_address: b.api_address,
            cluster_address: b.cluster_address,
            active_node: leader?.nodeId === b.node_id,
            // As in Vault: the active node has no echo of its own.
            last_echo: leader?.nodeId === b.node_id ? null : b.last_echo,
            version: b.version,
            clock_skew_ms: 0,
            echo_duration_ms: 0,
            replication_primary_canary_age_ms: 0,
          }));
          if (leader && !beats.some((b) => b.node_id === leader.nodeId)) {
            nodes.unshift({ hostname: '', api_address: leader.apiAddress, cluster_address: leader.clusterAddress, active_node: true, last_echo: null, version: REPORTED_VERSION, clock_skew_ms: 0, echo_duration_ms: 0, replication_primary_canary_age_ms: 0 });
          }
          nodes.sort((a, b) => Number(b.active_node) - Number(a.active_node) || a.api_address.localeCompare(b.api_address));
          return { data: { nodes } };
        },
      },
      helpSynopsis: 'The nodes of the HA cluster: the active one and the standbys heard from in the last minute.',
    },
    {
      pattern: 'step-down',
      operations: {
        update: async () => {
          await node?.stepDown();
          return null;
        },
      },
      helpSynopsis: 'The active node gives up the HA lock so that a standby takes over (a no-op without HA).',
    },
  ];
}
