/**
 * What the HA layer tells the lifecycle endpoints (sys/health, sys/leader).
 * A server without an HA-capable storage backend reports `disabledHa`.
 */
export interface HaStatus {
  enabled: boolean;
  /** This node holds the active lock. */
  isSelf: boolean;
  standby: boolean;
  performanceStandby: boolean;
  /** When this node (or the leader) became active. */
  activeTime?: Date;
  leaderAddress: string;
  leaderClusterAddress: string;
}

export const disabledHa: HaStatus = {
  enabled: false,
  isSelf: false,
  standby: false,
  performanceStandby: false,
  leaderAddress: '',
  leaderClusterAddress: '',
};

/** Go's zero time.Time, which Vault prints when there is no active time. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** sys/leader's body. */
export function leaderBody(ha: HaStatus): Record<string, unknown> {
  return {
    ha_enabled: ha.enabled,
    is_self: ha.isSelf,
    active_time: ha.activeTime ? ha.activeTime.toISOString() : ZERO_TIME,
    leader_address: ha.leaderAddress,
    leader_cluster_address: ha.leaderClusterAddress,
    performance_standby: ha.performanceStandby,
    performance_standby_last_remote_wal: 0,
  };
}
