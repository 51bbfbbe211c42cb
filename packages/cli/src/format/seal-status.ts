// The seal-status table shared by "status" and "operator unseal", with the
// HA fields Vault adds from sys/leader.
import type { ApiClient } from '../api/client.js';
import { ResponseError } from '../api/errors.js';
import type { Ui } from '../cli/ui.js';
import { tableOutput } from './columns.js';
import { outputData } from './output.js';

const SEAL_STATUS_ORDER = [
  'type',
  'initialized',
  'sealed',
  't',
  'n',
  'progress',
  'nonce',
  'version',
  'build_date',
  'migration',
  'cluster_name',
  'cluster_id',
  'recovery_seal',
  'recovery_seal_type',
  'storage_type',
  'hcp_link_status',
  'hcp_link_resource_ID',
  'warnings',
];

type Status = Record<string, unknown>;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);

/**
 * Prints the seal status (table, JSON or YAML). Returns 1 when the leader
 * status could not be read, 0 otherwise.
 */
export async function outputSealStatus(ui: Ui, client: ApiClient, status: Status): Promise<number> {
  let leader: Status;
  try {
    leader = (await client.secret('GET', 'sys/leader')) ?? {};
  } catch (err) {
    // While sealed the leader endpoint refuses to answer: HA state unknown.
    if (err instanceof ResponseError && (err.statusCode === 503 || /is sealed/.test(err.message))) {
      leader = { ha_enabled: true };
    } else {
      ui.error(`Error checking leader status: ${(err as Error).message}`);
      return 1;
    }
  }

  if (ui.format !== 'table') {
    const out = new Map<string, unknown>();
    for (const key of SEAL_STATUS_ORDER) {
      if (key in status) out.set(key, status[key]);
      else if (['type', 'nonce', 'version', 'build_date'].includes(key)) out.set(key, '');
      else if (['initialized', 'sealed', 'migration', 'recovery_seal'].includes(key)) out.set(key, false);
      else if (['t', 'n', 'progress'].includes(key)) out.set(key, 0);
    }
    for (const key of Object.keys(status).sort()) if (!out.has(key)) out.set(key, status[key]);
    out.set('ha_enabled', leader.ha_enabled === true);
    if (leader.is_self) out.set('is_self', true);
    out.set('active_time', leader.active_time ?? '0001-01-01T00:00:00Z');
    for (const key of [
      'leader_address',
      'leader_cluster_address',
      'performance_standby',
      'performance_standby_last_remote_wal',
      'last_wal',
      'raft_committed_index',
      'raft_applied_index',
    ]) {
      if (leader[key]) out.set(key, leader[key]);
    }
    return outputData(ui, out);
  }

  const sealed = status.sealed === true;
  const prefix = status.recovery_seal === true ? 'Recovery ' : '';
  const rows = ['Key | Value'];
  rows.push(`${prefix}Seal Type | ${str(status.type)}`);
  rows.push(`Initialized | ${status.initialized === true}`);
  rows.push(`Sealed | ${sealed}`);
  rows.push(`Total ${prefix}Shares | ${num(status.n)}`);
  rows.push(`Threshold | ${num(status.t)}`);
  if (sealed) {
    rows.push(`Unseal Progress | ${num(status.progress)}/${num(status.t)}`);
    rows.push(`Unseal Nonce | ${str(status.nonce)}`);
  }
  if (status.migration === true) rows.push('Seal Migration in Progress | true');
  rows.push(`Version | ${str(status.version)}`);
  rows.push(`Build Date | ${str(status.build_date)}`);
  rows.push(`Storage Type | ${str(status.storage_type)}`);
  if (status.cluster_name && status.cluster_id) {
    rows.push(`Cluster Name | ${str(status.cluster_name)}`);
    rows.push(`Cluster ID | ${str(status.cluster_id)}`);
  }
  const haEnabled = leader.ha_enabled === true;
  rows.push(`HA Enabled | ${haEnabled}`);
  if (haEnabled && !sealed) {
    rows.push(`HA Cluster | ${str(leader.leader_cluster_address) || 'n/a'}`);
    const isSelf = leader.is_self === true;
    rows.push(`HA Mode | ${isSelf ? 'active' : 'standby'}`);
    if (isSelf && leader.active_time && !String(leader.active_time).startsWith('0001-01-01')) {
      rows.push(`Active Since | ${str(leader.active_time)}`);
    }
    if (!isSelf) rows.push(`Active Node Address | ${str(leader.leader_address) || '<none>'}`);
    if (leader.performance_standby === true) {
      rows.push('Performance Standby Node | true');
      rows.push(`Performance Standby Last Remote WAL | ${num(leader.performance_standby_last_remote_wal)}`);
    }
  }
  if (num(leader.raft_committed_index) > 0) rows.push(`Raft Committed Index | ${num(leader.raft_committed_index)}`);
  if (num(leader.raft_applied_index) > 0) rows.push(`Raft Applied Index | ${num(leader.raft_applied_index)}`);
  if (num(leader.last_wal) > 0) rows.push(`Last WAL | ${num(leader.last_wal)}`);
  const warnings = status.warnings;
  if (Array.isArray(warnings) && warnings.length > 0) rows.push(`Warnings | [${warnings.join(' ')}]`);
  ui.output(tableOutput(rows));
  return 0;
}
